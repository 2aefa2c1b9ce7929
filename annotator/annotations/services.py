"""Writes on annotations: create, update, delete (soft). Each in one transaction.

Every write is recorded as an `AnnotationEvent` (who, action, from state, to state).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotator.annotations.models import MAX_PASSAGE_LENGTH, Annotation
from annotator.articles.models import Article
from annotator.articles.selectors import article_visible_q
from annotator.lib.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.lib.markdown import render_markdown
from annotator.lib.roles import is_fact_checker, is_moderator
from annotator.review.models import AnnotationEvent
from proposals.models import Proposal

MAX_TAGS = 20
MAX_TAG_LENGTH = 64
MAX_COMMENT_LENGTH = 20_000
CONTEXT_LENGTH = 32
# Changing any of these on an approved annotation sends it back to review.
REVIEWED_FIELDS = ("exact", "start", "end", "comment", "proposals")


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, fields={field: [message]})


def validate_passage(text: str, quote: Mapping[str, Any], position: Mapping[str, Any]) -> dict:
    """Check the selectors against `text`; return the model fields (exact, prefix, suffix, start,
    end). Raises InvalidInputError naming what is wrong. Offsets are code points."""
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
    if start < 0 or end > len(text):
        raise _invalid(
            "position",
            _("Offsets %(start)d-%(end)d are out of range: the text has %(length)d characters.")
            % {"start": start, "end": end, "length": len(text)},
        )
    if end < start:
        raise _invalid(
            "position",
            _("Offsets are reversed: start (%(start)d) is after end (%(end)d).")
            % {"start": start, "end": end},
        )
    if end == start:
        raise _invalid("position", _("The selection is empty: start equals end."))
    if end - start > MAX_PASSAGE_LENGTH:
        raise _invalid(
            "position",
            _("The passage is %(length)d characters long; the maximum is %(max)d.")
            % {"length": end - start, "max": MAX_PASSAGE_LENGTH},
        )
    if text[start:end] != exact:
        raise _invalid(
            "quote",
            _("quote.exact differs from the text at offsets %(start)d-%(end)d (code points).")
            % {"start": start, "end": end},
        )
    return {
        "exact": exact,
        "prefix": text[max(0, start - CONTEXT_LENGTH) : start],
        "suffix": text[end : end + CONTEXT_LENGTH],
        "start": start,
        "end": end,
    }


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
    found = {p.pk: p for p in Proposal.objects.filter(pk__in=wanted).only("id", "merged_into")}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise _invalid(
            "proposals",
            _("Unknown proposal(s): %(ids)s.") % {"ids": ", ".join(map(str, missing))},
        )
    return [found[pk] for pk in wanted]


def _article_for_annotating(actor: Any, article: Any) -> Article:
    article_id = article.pk if isinstance(article, Article) else article
    if type(article_id) is not int:
        raise _invalid("article", _("article must be an article id."))
    found = Article.objects.filter(article_visible_q(actor), pk=article_id).first()
    if found is None:
        raise _invalid("article", _("Unknown article: %(id)s.") % {"id": article_id})
    if found.status == Article.Status.ARCHIVED:
        raise ConflictError(_("This source is archived: archived sources are read-only."))
    if found.status != Article.Status.PUBLISHED:
        raise ConflictError(_("This source is not published yet: it cannot be annotated."))
    return found


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
    article's current text (the latest revision). Records a `create` event.
    """
    if not is_fact_checker(actor):
        raise PermissionDeniedError(_("Only fact-checkers, reviewers and moderators annotate."))
    with transaction.atomic():
        target = _article_for_annotating(actor, article)
        fields = validate_passage(target.text, quote, position)
        revision = target.revisions.only("id").latest("number")
        annotation = Annotation.objects.create(
            article=target,
            revision=revision,
            author=actor,
            modified_by=actor,
            comment=(cleaned_comment := _clean_comment(comment)),
            comment_html=str(render_markdown(cleaned_comment)),
            tags=_clean_tags(tags),
            status=Annotation.Status.DRAFT,
            **fields,
        )
        linked = _proposals(proposals)
        if linked:
            annotation.proposals.set(linked)
        _record(annotation, actor, AnnotationEvent.Action.CREATE, "", annotation.status)
    return annotation


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
        annotation.deleted_at = timezone.now()
        annotation.version += 1
        annotation.modified_by = actor
        annotation.save(update_fields=["deleted_at", "version", "modified_by", "modified"])
        _record(
            annotation, actor, AnnotationEvent.Action.DELETE, annotation.status, annotation.status
        )
