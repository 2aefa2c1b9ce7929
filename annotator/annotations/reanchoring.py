"""Carrying an article's annotations over to a new revision of its text.

Called by `annotator.articles.services.article_revise_text` inside its transaction, with the
article row already locked. Guarantees:

- the edit between the two texts is computed once, and each annotation is placed by
  `TextEdit.place` (offsets mapped through the edit; quote search, with context, only for
  passages the edit destroyed): cost linear in the text and the passages;
- an annotation whose passage changed, or was found by search, never stays `approved`: it goes
  back to `submitted` (a `recheck` event records the old quote, the new quote and the method,
  and a new round of approvals starts), and its author and approvers are notified;
- an annotation that cannot be placed is `orphaned` with its original quote and previous status;
- every annotation that moved gets a history row, a bumped `version` and `modified`; the
  annotation rows are locked and written in one UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from annotator.annotations.anchoring import Anchoring, Selector, TextEdit
from annotator.annotations.models import Annotation
from annotator.review.models import AnnotationEvent, Notification
from annotator.review.notifications import notify_many

Status = Annotation.Status
Action = AnnotationEvent.Action


def reanchor_article(*, actor: Any, article: Any, revision: Any, old_text: str) -> dict[str, int]:
    """Place every live annotation of `article` on `revision` (whose text is `article.text`).

    Returns counts: `position` (carried by the edit, passage unchanged), `fuzzy` (carried by the
    edit, passage changed), `quote` (found by quote and context), `orphaned`, and `rechecked`
    (approved annotations sent back to review)."""
    edit = TextEdit(old_text, article.text)
    counts = {"position": 0, "quote": 0, "fuzzy": 0, "orphaned": 0, "rechecked": 0}
    now = timezone.now()
    changed: list[Annotation] = []
    events: list[AnnotationEvent] = []
    rechecked: list[Annotation] = []
    old_exact: dict[int, str] = {}
    annotations = (
        Annotation.objects.select_for_update()
        .filter(article=article, deleted_at__isnull=True)
        .order_by("start", "id")
    )
    for annotation in annotations:
        old = Selector(
            annotation.exact, annotation.prefix, annotation.suffix, annotation.start, annotation.end
        )
        was_orphan = annotation.status == Status.ORPHANED
        found = edit.place(old, orphan=was_orphan)
        from_state = annotation.status
        old_exact[annotation.pk] = annotation.exact
        if found is None:
            counts["orphaned"] += 1
            if not was_orphan:
                annotation.status_before_orphan = annotation.status
                annotation.status = Status.ORPHANED
                events.append(_event(annotation, actor, Action.ORPHAN, from_state, old, None))
                changed.append(annotation)
            continue
        counts[found.method] += 1
        new = found.selector
        if not was_orphan and (new.start, new.end, new.exact, new.prefix, new.suffix) == (
            old.start, old.end, old.exact, old.prefix, old.suffix
        ):  # fmt: skip
            continue  # before the edit and untouched by it
        if was_orphan:
            annotation.status = annotation.status_before_orphan or Status.DRAFT
            annotation.status_before_orphan = ""
        action = Action.REANCHOR
        if annotation.status == Status.APPROVED and found.passage_changed:
            annotation.status = Status.SUBMITTED
            action = Action.RECHECK
            counts["rechecked"] += 1
            rechecked.append(annotation)
        annotation.exact, annotation.prefix, annotation.suffix = new.exact, new.prefix, new.suffix
        annotation.start, annotation.end = new.start, new.end
        if action == Action.RECHECK or was_orphan or (old.start, old.end) != (new.start, new.end):
            events.append(_event(annotation, actor, action, from_state, old, found))
        changed.append(annotation)

    for annotation in changed:
        annotation.version += 1
        annotation.modified = now
        annotation.modified_by = actor
        annotation.revision = revision
    _save_anchors(changed, revision, now, old_exact)
    _record_history(changed, actor, now)
    _insert_events(events, now)
    _notify_rechecked(actor, rechecked)
    return counts


def _event(
    annotation: Annotation,
    actor: Any,
    action: str,
    from_state: str,
    old: Selector,
    found: Anchoring | None,
) -> AnnotationEvent:
    details: dict[str, Any] = {"old_start": old.start, "old_end": old.end}
    if found is not None:
        details |= {
            "new_start": found.selector.start,
            "new_end": found.selector.end,
            "method": found.method,
        }
    if found is None or found.passage_changed:
        # The quotes themselves only when they differ or were searched for: a thousand moved
        # passages would otherwise copy the whole text into the events.
        details["old_quote"] = old.exact
        if found is not None:
            details["new_quote"] = found.selector.exact
    return AnnotationEvent(
        annotation=annotation,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=annotation.status,
        details=details,
    )


def _notify_rechecked(actor: Any, annotations: list[Annotation]) -> None:
    """Tell the authors and everyone who had approved them that these annotations are back in
    review (one query for the approvers, one INSERT for the notifications)."""
    if not annotations:
        return
    approvers: dict[int, set[int]] = {}
    for annotation_id, approver_id in AnnotationEvent.objects.filter(
        annotation__in=annotations, action=Action.APPROVE
    ).values_list("annotation_id", "actor_id"):
        approvers.setdefault(annotation_id, set()).add(approver_id)
    notify_many(
        Notification(
            recipient_id=recipient_id,
            kind=Notification.Kind.RECHECK,
            annotation=annotation,
            actor=actor,
        )
        for annotation in annotations
        for recipient_id in sorted({annotation.author_id, *approvers.get(annotation.pk, set())})
        if recipient_id is not None and recipient_id != getattr(actor, "pk", None)
    )


def _insert_events(events: list[AnnotationEvent], now: Any) -> None:
    """All the events in one INSERT ... SELECT FROM unnest (a few array parameters instead of
    eight per row)."""
    if not events:
        return
    quote = connection.ops.quote_name
    columns: dict[str, tuple[str, list[Any]]] = {
        "annotation_id": ("bigint", [e.annotation_id for e in events]),
        "actor_id": ("integer", [e.actor_id for e in events]),
        "action": ("text", [e.action for e in events]),
        "from_state": ("text", [e.from_state for e in events]),
        "to_state": ("text", [e.to_state for e in events]),
        "details": ("jsonb", [Jsonb(e.details) for e in events]),
    }
    names = ", ".join(quote(name) for name in columns)
    arrays = ", ".join(f"%s::{kind}[]" for kind, _ in columns.values())
    sql = (
        f"INSERT INTO {quote(AnnotationEvent._meta.db_table)} ({names}, comment, created) "  # noqa: S608
        f"SELECT {names}, '', %s FROM unnest({arrays}) AS v({names})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *(values for _, values in columns.values())])


def _record_history(annotations: list[Annotation], actor: Any, now: Any) -> None:
    """One history row per re-anchored annotation, copied from its updated row by one
    INSERT ... SELECT (what django-simple-history would write, without a round trip per row)."""
    if not annotations:
        return
    history = Annotation.history.model  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    columns = [
        quote(field.column)
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    listed = ", ".join(columns)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({listed}, history_date, "  # noqa: S608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {listed}, %s, 'reanchor', '~', %s FROM "
        f"{quote(Annotation._meta.db_table)} WHERE id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, getattr(actor, "pk", None), [a.pk for a in annotations]])


def _save_anchors(
    annotations: list[Annotation], revision: Any, now: Any, old_exact: dict[int, str]
) -> None:
    """Write the new anchors of many annotations in one UPDATE (bulk_update's CASE per row and
    column is two orders of magnitude slower for a thousand rows); every other annotation of the
    article only moves to the new revision."""
    table = connection.ops.quote_name(Annotation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET revision_id = %s WHERE article_id = %s "  # noqa: S608
            "AND deleted_at IS NULL",
            [revision.pk, revision.article_id],
        )
    if not annotations:
        return
    columns: dict[str, tuple[str, list[Any]]] = {
        "id": ("bigint", [a.pk for a in annotations]),
        # NULL where the quote did not change: most passages only move, and resending a
        # thousand quotes of up to 5,000 characters would dominate the revision's time.
        "exact": (
            "text",
            [None if a.exact == old_exact.get(a.pk) else a.exact for a in annotations],
        ),
        "prefix": ("text", [a.prefix for a in annotations]),
        "suffix": ("text", [a.suffix for a in annotations]),
        "start": ("integer", [a.start for a in annotations]),
        "end": ("integer", [a.end for a in annotations]),
        "status": ("text", [a.status for a in annotations]),
        "status_before_orphan": ("text", [a.status_before_orphan for a in annotations]),
        "version": ("integer", [a.version for a in annotations]),
    }
    names = [connection.ops.quote_name(name) for name in columns]
    assignments = ", ".join(
        f"{name} = COALESCE(v.{name}, a.{name})" if name == '"exact"' else f"{name} = v.{name}"
        for name in names[1:]
    )
    arrays = ", ".join(f"%s::{kind}[]" for kind, _ in columns.values())
    sql = (
        f"UPDATE {table} AS a SET {assignments}, modified = %s, "  # noqa: S608 - fixed names
        f"modified_by_id = %s FROM unnest({arrays}) AS v({', '.join(names)}) WHERE a.id = v.id"
    )
    actor_id = annotations[0].modified_by_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, actor_id, *(values for _, values in columns.values())])
