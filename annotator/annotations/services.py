"""Writes on annotations: create, update, delete (soft). Each in one transaction.

Every write is recorded as an `AnnotationEvent` (who, action, from state, to state).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from annotator.annotations.models import (
    CONTEXT_LENGTH,
    MAX_PASSAGE_LENGTH,
    Annotation,
    IdempotencyKey,
)
from annotator.annotations.selectors import actor_probe
from annotator.annotations.writes import insert_with_audit
from annotator.articles.models import Article, ArticleRevision
from annotator.articles.selectors import article_visible_q
from annotator.lib.compiled import compiled_values
from annotator.lib.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.lib.markdown import render_markdown
from annotator.lib.roles import is_fact_checker, is_moderator
from annotator.live import events as live
from annotator.review.models import AnnotationEvent
from proposals.models import Proposal

MAX_TAGS = 20
MAX_TAG_LENGTH = 64
MAX_COMMENT_LENGTH = 20_000
# Changing any of these on an approved annotation sends it back to review.
REVIEWED_FIELDS = ("exact", "start", "end", "comment", "proposals")


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, fields={field: [message]})


def validate_passage(text: str, quote: Mapping[str, Any], position: Mapping[str, Any]) -> dict:
    """Check the selectors against `text`; return the model fields (exact, prefix, suffix, start,
    end). Raises InvalidInputError naming what is wrong. Offsets are code points."""
    exact, start, end = selector_shape(quote, position)
    return passage_fields_in(text, exact, start, end)


def passage_fields_in(text: str, exact: str, start: int, end: int) -> dict[str, Any]:
    """The model fields of the passage `text[start:end]` quoted as `exact`, with its context;
    InvalidInputError naming what is wrong (the API's and the imports' one check)."""
    return passage_fields(
        exact,
        start,
        end,
        length=len(text),
        found=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
    )


# Offsets are PostgreSQL integers (and no stored text is that long).
MAX_OFFSET = 2**31 - 1


def selector_shape(quote: Mapping[str, Any], position: Mapping[str, Any]) -> tuple[str, int, int]:
    """The selectors' own checks, before any text is read: types, order, length."""
    if not isinstance(quote, Mapping):
        raise _invalid("quote", _("quote must be an object with exact, prefix and suffix."))
    if not isinstance(position, Mapping):
        raise _invalid("position", _("position must be an object with start and end."))
    exact = quote.get("exact")
    if not isinstance(exact, str) or exact == "":
        raise _invalid("quote", _("The selection is empty: select a passage of the text."))
    start, end = position.get("start"), position.get("end")
    if type(start) is not int or type(end) is not int:
        raise _invalid("position", _("position.start and position.end must be integers."))
    if start < 0 or end > MAX_OFFSET:
        # Past MAX_OFFSET no text reaches; PostgreSQL would not even take it as an integer.
        raise _out_of_range(start, end, None)
    if end < start:
        raise _invalid(
            "position",
            _("Offsets are reversed: start (%(start)d) is after end (%(end)d).")
            % {"start": start, "end": end},
        )
    if end == start:
        raise _invalid("position", _("The selection is empty: start equals end."))
    return exact, start, end


def _out_of_range(start: int, end: int, length: int | None) -> InvalidInputError:
    if length is None:
        return _invalid(
            "position",
            _("Offsets %(start)d-%(end)d are out of range: offsets cannot be negative.")
            % {"start": start, "end": end},
        )
    return _invalid(
        "position",
        _("Offsets %(start)d-%(end)d are out of range: the text has %(length)d characters.")
        % {"start": start, "end": end, "length": length},
    )


def passage_fields(
    exact: str, start: int, end: int, *, length: int, found: str, prefix: str, suffix: str
) -> dict[str, Any]:
    """The model fields of a checked selector, given the text's length and its slices at the
    selector (read in Python or by PostgreSQL: both count code points)."""
    if end > length:
        raise _out_of_range(start, end, length)
    if end - start > MAX_PASSAGE_LENGTH:
        raise _invalid(
            "position",
            _("The passage is %(length)d characters long; the maximum is %(max)d.")
            % {"length": end - start, "max": MAX_PASSAGE_LENGTH},
        )
    if found != exact:
        raise _invalid(
            "quote",
            _("quote.exact differs from the text at offsets %(start)d-%(end)d (code points).")
            % {"start": start, "end": end},
        )
    return {"exact": exact, "prefix": prefix, "suffix": suffix, "start": start, "end": end}


def _clean_tags(tags: Iterable[Any]) -> list[str]:
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        raise _invalid("tags", _("tags must be a list of strings."))
    given = list(itertools.islice(tags, MAX_TAGS + 1))
    # Counted as sent, before any cleaning or de-duplication: a huge list costs nothing.
    if len(given) > MAX_TAGS:
        raise _invalid("tags", _("At most %(max)d tags.") % {"max": MAX_TAGS})
    cleaned: list[str] = []
    for tag in given:
        if not isinstance(tag, str):
            raise _invalid("tags", _("tags must be a list of strings."))
        tag = " ".join(tag.split()).lower()
        if len(tag) > MAX_TAG_LENGTH:
            raise _invalid("tags", _("A tag has at most %(max)d characters.") % {"max": 64})
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _clean_comment(comment: Any) -> str:
    if not isinstance(comment, str):
        raise _invalid("comment", _("comment must be a string."))
    if len(comment) > MAX_COMMENT_LENGTH:
        raise _invalid("comment", _("The comment is too long."))
    return comment.strip()


def _proposals(ids: Iterable[Any]) -> list[Proposal]:
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise _invalid("proposals", _("proposals must be a list of ids."))
    wanted: list[int] = []
    for raw in ids:
        if type(raw) is not int:
            raise _invalid("proposals", _("proposals must be a list of ids."))
        if raw not in wanted:
            wanted.append(raw)
    if not wanted:
        return []
    found = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=wanted).only("id", "slug", "title", "merged_into")
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise _invalid(
            "proposals",
            _("Unknown proposal(s): %(ids)s.") % {"ids": ", ".join(map(str, missing))},
        )
    return [found[pk] for pk in wanted]


# Stand-ins for the values of `_article_cut` while it is compiled (annotator.lib.compiled).
_CUT_PROBES = {
    "actor": -2_000_000_011,
    "article": -2_000_000_013,
    "found_from": -2_000_000_017,
    "found_length": -2_000_000_019,
    "before_from": -2_000_000_023,
    "before_length": -2_000_000_029,
    "after_from": -2_000_000_031,
}


def _article_cut(actor: Any) -> Any:
    """The article (id, status, latest revision, text length) and the passage and its context
    cut out of its text by PostgreSQL, with the probes of `_CUT_PROBES` for the values."""
    p = _CUT_PROBES
    latest = ArticleRevision.objects.filter(article_id=OuterRef("pk")).order_by("-number")
    return (
        Article.objects.filter(article_visible_q(actor), pk=p["article"])
        .annotate(
            text_length=Length("text"),
            found=Substr("text", Value(p["found_from"]), Value(p["found_length"])),
            before=Substr("text", Value(p["before_from"]), Value(p["before_length"])),
            after=Substr("text", Value(p["after_from"]), CONTEXT_LENGTH),
            latest_revision=Subquery(latest.values("pk")[:1]),
            # The new annotation's id, taken now (only when the article is found): its live
            # event's record is built before the one statement that writes both.
            next_id=RawSQL(
                "nextval(pg_get_serial_sequence('annotations_annotation', 'id'))",
                [],
                output_field=BigIntegerField(),
            ),
        )
        .values(
            "id",
            "status",
            "imported_by_id",
            "text_length",
            "found",
            "before",
            "after",
            "latest_revision",
            "next_id",
        )
    )


def _article_for_annotating(
    actor: Any, article: Any, quote: Mapping[str, Any], position: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The article (id, status, latest revision) and the checked passage fields, in one query:
    PostgreSQL cuts the passage and its context out of the text (`substr` counts code points, as
    the selectors do), so a 200 kB text is not shipped to Python to check 30 characters. The
    query is compiled once per role (annotator.lib.compiled) and prepared on the connection:
    building it with the ORM and planning it cost more than running it."""
    article_id = article.pk if isinstance(article, Article) else article
    if type(article_id) is not int:
        raise _invalid("article", _("article must be an article id."))
    exact, start, end = selector_shape(quote, position)
    before_start = max(0, start - CONTEXT_LENGTH)
    cut = {
        "actor": getattr(actor, "pk", None),
        "article": article_id,
        "found_from": start + 1,
        # At most one character more than a passage may hold: enough to refuse it.
        "found_length": min(end - start, MAX_PASSAGE_LENGTH + 1),
        "before_from": before_start + 1,
        "before_length": start - before_start,
        "after_from": end + 1,
    }
    probe, role_shape = actor_probe(actor)
    compiled = compiled_values(
        ("article-for-annotating", *role_shape),
        lambda: _article_cut(probe),
        _CUT_PROBES,
        optional=frozenset({"actor"}),  # the policy's rule names no actor for a moderator
    )
    rows = compiled.run(prepared=True, **cut)
    found: Any = rows[0] if rows else None
    if found is None:
        raise _invalid("article", _("Unknown article: %(id)s.") % {"id": article_id})
    if found["status"] == Article.Status.ARCHIVED:
        raise ConflictError(_("This source is archived: archived sources are read-only."))
    if found["status"] != Article.Status.PUBLISHED:
        raise ConflictError(_("This source is not published yet: it cannot be annotated."))
    fields = passage_fields(
        exact,
        start,
        end,
        length=found["text_length"],
        found=found["found"],
        prefix=found["before"],
        suffix=found["after"],
    )
    return found, fields


def _record(
    annotation: Annotation, actor: Any, action: str, from_state: str, to_state: str
) -> None:
    AnnotationEvent.objects.create(
        annotation=annotation, actor=actor, action=action, from_state=from_state, to_state=to_state
    )


def annotation_create(
    *,
    actor: Any,
    article: Any,
    quote: Mapping[str, Any],
    position: Mapping[str, Any],
    comment: str = "",
    tags: Iterable[str] = (),
    proposals: Iterable[int] = (),
) -> Annotation:
    """A new draft annotation by `actor` on a published article they may see.

    Permission: fact-checkers, reviewers and moderators. The selectors are checked against the
    article's current text (the latest revision). The annotation, its links, its history row,
    its `create` event and its live event are written by one statement (atomic on its own, and
    part of the caller's transaction when there is one); the live event is published once that
    is committed. The annotation comes back with its author, editor and
    proposals loaded (rendering it needs no query).
    """
    if not is_fact_checker(actor):
        raise PermissionDeniedError(_("Only fact-checkers, reviewers and moderators annotate."))
    # No transaction of its own: one read, then one statement that writes everything (atomic
    # by itself); the live event is published once it is committed (at once outside `atomic`).
    target, fields = _article_for_annotating(actor, article, quote, position)
    cleaned_comment = _clean_comment(comment)
    annotation = Annotation(
        pk=target["next_id"],
        article_id=target["id"],
        revision_id=target["latest_revision"],
        author=actor,
        modified_by=actor,
        comment=cleaned_comment,
        comment_html=str(render_markdown(cleaned_comment)),
        tags=_clean_tags(tags),
        status=Annotation.Status.DRAFT,
        **fields,
    )
    linked = _proposals(proposals)
    linked_ids = [p.pk for p in linked]
    linked.sort(key=lambda p: p.title)  # the selectors' order
    prefetched = Proposal.objects.filter(pk__in=linked_ids) if linked else Proposal.objects.none()
    prefetched._result_cache = linked  # type: ignore[attr-defined]
    prefetched._prefetch_done = True  # type: ignore[attr-defined]
    annotation._prefetched_objects_cache = {"proposals": prefetched}  # type: ignore[attr-defined]
    # The row, its links, its history row, its `create` event and its live event: one
    # statement.
    event = insert_with_audit(
        annotation,
        actor=actor,
        proposal_ids=linked_ids,
        action=AnnotationEvent.Action.CREATE,
        live_event=lambda row: live.annotation_created_event(
            annotation=row,
            article_status=target["status"],
            article_imported_by=target["imported_by_id"],
        ),
    )
    live.publish_on_commit(event)
    return annotation


def annotation_create_idempotent(
    *, actor: Any, idempotency_key: str, **fields: Any
) -> tuple[Annotation, bool]:
    """`annotation_create` that a client may retry safely: the first request with a key creates
    the annotation and records the key (one row, unique per user and key, in the same
    transaction); a retry with the same key and the same body returns that annotation
    (`created` False); the same key with another body is a 409. Concurrent retries wait on the
    unique index, so exactly one creates."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 255 or not key.isprintable():
        raise _invalid(
            "Idempotency-Key",
            _("The Idempotency-Key header must be 1 to 255 printable characters."),
        )
    digest = hashlib.sha256(
        json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()
    stored = IdempotencyKey.objects.filter(user=actor, key=key).first()
    if stored is None:
        with transaction.atomic():
            annotation = annotation_create(actor=actor, **fields)
            table = connection.ops.quote_name(IdempotencyKey._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (user_id, key, request_sha256, annotation_id, created) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, now()) ON CONFLICT (user_id, key) DO NOTHING "
                    "RETURNING id",
                    [actor.pk, key, digest, annotation.pk],
                )
                if cursor.fetchone() is not None:
                    return annotation, True
            # A concurrent request with the same key committed first: undo ours, answer theirs.
            transaction.set_rollback(True)
        stored = IdempotencyKey.objects.get(user=actor, key=key)
    if stored.request_sha256 != digest:
        raise ConflictError(_("This Idempotency-Key was already used for a different annotation."))
    from annotator.annotations.selectors import annotation_get_for

    return annotation_get_for(actor=actor, annotation_id=stored.annotation_id), False


def _locked_for_write(actor: Any, annotation_id: Any) -> Annotation:
    from annotator.annotations.selectors import annotation_visible_q

    try:
        return (
            Annotation.objects.select_for_update(of=("self",))
            .select_related("article", "modified_by")
            .get(annotation_visible_q(actor), pk=int(annotation_id))
        )
    except (Annotation.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError(_("Annotation not found.")) from exc


def _check_version(annotation: Annotation, expected_version: Any) -> None:
    if expected_version is None:
        raise _invalid("version", _("version is required (or an If-Match header)."))
    if expected_version != annotation.version:
        editor = annotation.modified_by
        name = (editor.get_full_name() or editor.get_username()) if editor else _("someone")
        raise StaleVersionError(
            _("%(name)s changed this annotation meanwhile (version %(version)d).")
            % {"name": name, "version": annotation.version},
            current_version=annotation.version,
            modified_by=editor.get_username() if editor else None,
        )


def annotation_update(
    *,
    actor: Any,
    annotation_id: Any,
    expected_version: int | None,
    quote: Mapping[str, Any] | None = None,
    position: Mapping[str, Any] | None = None,
    comment: str | None = None,
    tags: Iterable[str] | None = None,
    proposals: Iterable[int] | None = None,
) -> Annotation:
    """Change one's own annotation. Row locked; stale `expected_version` → 409.

    Only the author edits; a locked annotation cannot be edited (409). Editing the quote, the
    comment or the links of an approved annotation sends it back to `submitted`. Giving a new
    position to an orphaned annotation re-attaches it to the current text, restoring its status.
    """
    with transaction.atomic():
        annotation = _locked_for_write(actor, annotation_id)
        if annotation.author_id != actor.pk:
            raise PermissionDeniedError(_("Only the author can edit this annotation."))
        if annotation.is_locked:
            raise ConflictError(_("This annotation is locked by a moderator: it cannot be edited."))
        if annotation.article.status != Article.Status.PUBLISHED:
            raise ConflictError(_("This source is archived: archived sources are read-only."))
        _check_version(annotation, expected_version)
        changed: set[str] = set()
        from_state = annotation.status
        before = live.annotation_before(annotation)
        if quote is not None or position is not None:
            if quote is None or position is None:
                raise _invalid("position", _("Send both quote and position to move a passage."))
            article = annotation.article
            fields = validate_passage(article.text, quote, position)
            if (fields["start"], fields["end"]) != (annotation.start, annotation.end) or (
                annotation.status == Annotation.Status.ORPHANED
            ):
                changed |= {"start", "end"}
            for name, value in fields.items():
                setattr(annotation, name, value)
            annotation.revision = article.revisions.only("id").latest("number")
            if annotation.status == Annotation.Status.ORPHANED:
                annotation.status = annotation.status_before_orphan or Annotation.Status.DRAFT
                annotation.status_before_orphan = ""
        if comment is not None:
            comment = _clean_comment(comment)
            if comment != annotation.comment:
                changed.add("comment")
                annotation.comment = comment
                annotation.comment_html = str(render_markdown(comment))
        if tags is not None:
            annotation.tags = _clean_tags(tags)
        if proposals is not None:
            linked = _proposals(proposals)
            current = {p.pk for p in annotation.proposals.all()}
            if {p.pk for p in linked} != current:
                changed.add("proposals")
                annotation.proposals.set(linked)
        if annotation.status == Annotation.Status.APPROVED and changed & set(REVIEWED_FIELDS):
            annotation.status = Annotation.Status.SUBMITTED
        annotation.version += 1
        annotation.modified_by = actor
        annotation.save()
        _record(annotation, actor, AnnotationEvent.Action.EDIT, from_state, annotation.status)
        kind = (
            live.Kind.ANNOTATION_REANCHORED if "start" in changed else live.Kind.ANNOTATION_EDITED
        )
        live.annotation_changed(kind, annotation_id=annotation.pk, before=before, actor=actor)
    return annotation


def annotation_delete(*, actor: Any, annotation_id: Any, expected_version: int | None) -> None:
    """Soft delete (deleted_at set; the row stays for the audit trail). Author or moderator.

    Row locked; stale `expected_version` → 409; records a `delete` event.
    """
    with transaction.atomic():
        annotation = _locked_for_write(actor, annotation_id)
        if annotation.author_id != actor.pk and not is_moderator(actor):
            raise PermissionDeniedError(_("Only the author or a moderator can delete it."))
        if annotation.is_locked and not is_moderator(actor):
            raise ConflictError(
                _("This annotation is locked by a moderator: it cannot be deleted.")
            )
        _check_version(annotation, expected_version)
        before = live.annotation_before(annotation)
        annotation.deleted_at = timezone.now()
        annotation.version += 1
        annotation.modified_by = actor
        annotation.save(update_fields=["deleted_at", "version", "modified_by", "modified"])
        _record(
            annotation, actor, AnnotationEvent.Action.DELETE, annotation.status, annotation.status
        )
        live.annotation_changed(
            live.Kind.ANNOTATION_DELETED, annotation_id=annotation.pk, before=before, actor=actor
        )
