"""An annotation's write and its audit trail in one statement (one round trip).

`insert_with_audit` sends one `WITH … INSERT` that writes, atomically, what the ORM would write in
five or more round trips: the annotation row (values prepared by Django's own insert compiler:
defaults, `auto_now` dates, JSON and array columns), its proposal links, the django-simple-history
row (`+`, the acting user, the same columns simple-history copies) with its history links, and
the `create` AnnotationEvent. `update_with_audit` does the same for a change of state (the review
and moderation services): UPDATE, history row with the current links, event. Callers have
already checked everything and hold the row lock; this module only writes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.lib.compiled import prepared_cursor
from annotator.live.models import Event
from annotator.review.models import AnnotationEvent


@functools.cache
def _history_models() -> tuple[Any, Any]:
    """django-simple-history's model of Annotation and the one of its proposal links (looked
    up once: `Annotation.history` builds a new manager class on every access, 0.3 ms)."""
    history = Annotation.history.model  # type: ignore[attr-defined]
    (links,) = [r.related_model for r in history._meta.related_objects if r.field.name == "history"]
    return history, links


_insert_sql: dict[str, str] = {}


def _insert(annotation: Annotation) -> tuple[str, list[Any]]:
    """The INSERT of every column of `annotation` and its parameters. The text is the one
    Django's compiler writes, compiled once per connection vendor (the same for every row:
    one `%s` per column); the values are prepared per row as the compiler prepares them
    (`pre_save`, which sets the `auto_now` dates, then `get_db_prep_save`)."""
    fields = list(Annotation._meta.concrete_fields)
    values = [f.pre_save(annotation, add=True) for f in fields]
    sql = _insert_sql.get(connection.vendor)
    if sql is None or any(hasattr(v, "resolve_expression") for v in values):
        query = InsertQuery(Annotation)
        query.insert_values(fields, [annotation])
        ((sql, params),) = query.get_compiler(connection=connection).as_sql()
        if len(params) == len(fields) and not any(hasattr(v, "resolve_expression") for v in values):
            _insert_sql[connection.vendor] = sql
        return sql, list(params)
    return sql, [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]


def insert_with_audit(
    annotation: Annotation,
    *,
    actor: Any,
    proposal_ids: Sequence[int],
    action: str,
    live_event: Callable[[Annotation], Event],
) -> Event:
    """INSERT `annotation` (unsaved, its pk already taken from the sequence) with its links,
    history and event, and the live event `live_event(annotation)` builds once the row's values
    (dates included) are prepared; fills the dates and returns the live event (saved; the caller
    publishes it).

    One statement, so one transaction even outside `atomic`: either every row exists or none.
    """
    if annotation.pk is None:
        raise ValueError("insert_with_audit needs the new annotation's id (its live record does)")
    quote = connection.ops.quote_name
    insert_sql, insert_params = _insert(annotation)
    event = live_event(annotation)  # `pre_save` has set the `auto_now` dates

    history, history_links = _history_models()
    copied = [
        quote(f.column) for f in history._meta.concrete_fields if not f.name.startswith("history_")
    ]
    through = Annotation.proposals.through
    now = timezone.now()
    sql = f"""
        WITH a AS ({insert_sql} RETURNING *),
        h AS (
            INSERT INTO {quote(history._meta.db_table)}
                ({", ".join(copied)}, history_date, history_type, history_user_id)
            SELECT {", ".join(copied)}, %s, '+', %s FROM a
            RETURNING history_id
        ),
        l AS (
            INSERT INTO {quote(through._meta.db_table)} (annotation_id, proposal_id)
            SELECT a.id, p FROM a, unnest(%s::bigint[]) WITH ORDINALITY AS u(p, n) ORDER BY n
            RETURNING id, annotation_id, proposal_id
        ),
        hl AS (
            INSERT INTO {quote(history_links._meta.db_table)}
                (id, annotation_id, proposal_id, history_id)
            SELECT l.id, l.annotation_id, l.proposal_id, h.history_id FROM l, h
        ),
        e AS (
            INSERT INTO {quote(AnnotationEvent._meta.db_table)}
                (annotation_id, actor_id, action, from_state, to_state, comment, details, created)
            SELECT a.id, %s, %s, '', a.status, '', '{{}}'::jsonb, %s FROM a
        ),
        live AS (
            INSERT INTO {quote(Event._meta.db_table)}
                (kind, article_id, annotation_id, recipient_id, audience, payload, created)
            SELECT %s, a.article_id, a.id, NULL, %s::jsonb, %s::jsonb, %s FROM a
            RETURNING id
        )
        SELECT a.id, a.created, a.modified, live.id FROM a, live
    """  # noqa: S608 - table and column names come from the models
    event.created = now
    params = [
        *insert_params,
        now,
        actor.pk,
        list(proposal_ids),
        actor.pk,
        action,
        now,
        event.kind,
        json.dumps(event.audience),
        json.dumps(event.payload),
        now,
    ]
    with prepared_cursor() as cursor:  # the same text for every create: planned once
        cursor.execute(sql, params)
        _pk, annotation.created, annotation.modified, event.pk = cursor.fetchone()
    annotation._state.adding = False
    annotation._state.db = connection.alias
    event._state.adding = False
    event._state.db = connection.alias
    return event


def update_with_audit(
    annotation: Annotation,
    *,
    fields: Sequence[str],
    actor: Any,
    action: str,
    from_state: str,
    comment: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """UPDATE `fields` of a locked annotation (plus `version`, bumped by the caller, and
    `modified`), with the history row (`~`, its current proposal links) and the event, in one
    statement. The caller holds the row lock and its transaction."""
    quote = connection.ops.quote_name
    now = timezone.now()
    annotation.modified = now
    meta = Annotation._meta
    changed: list[Any] = [
        meta.get_field(name) for name in dict.fromkeys([*fields, "version", "modified"])
    ]
    query = UpdateQuery(Annotation)
    query.add_update_fields([(f, None, getattr(annotation, f.attname)) for f in changed])
    query.add_q(Q(pk=annotation.pk))
    update_sql, update_params = query.get_compiler(connection=connection).as_sql()

    history, history_links = _history_models()
    copied = [
        quote(f.column) for f in history._meta.concrete_fields if not f.name.startswith("history_")
    ]
    through = Annotation.proposals.through
    sql = f"""
        WITH u AS ({update_sql} RETURNING *),
        h AS (
            INSERT INTO {quote(history._meta.db_table)}
                ({", ".join(copied)}, history_date, history_type, history_user_id)
            SELECT {", ".join(copied)}, %s, '~', %s FROM u
            RETURNING history_id
        ),
        hl AS (
            INSERT INTO {quote(history_links._meta.db_table)}
                (id, annotation_id, proposal_id, history_id)
            SELECT t.id, t.annotation_id, t.proposal_id, h.history_id
            FROM {quote(through._meta.db_table)} t, h WHERE t.annotation_id = %s
        ),
        e AS (
            INSERT INTO {quote(AnnotationEvent._meta.db_table)}
                (annotation_id, actor_id, action, from_state, to_state, comment, details, created)
            SELECT u.id, %s, %s, %s, u.status, %s, %s::jsonb, %s FROM u
        )
        SELECT count(*) FROM u
    """  # noqa: S608 - table and column names come from the models
    params = [
        *update_params,
        now,
        actor.pk,
        annotation.pk,
        actor.pk,
        action,
        from_state,
        comment,
        json.dumps(details or {}),
        now,
    ]
    with prepared_cursor() as cursor:  # one text per set of fields: planned once each
        cursor.execute(sql, params)
        (updated,) = cursor.fetchone()
    if updated != 1:
        raise RuntimeError(f"annotation {annotation.pk} vanished under its row lock")
