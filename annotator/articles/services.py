"""Writes on articles: import a source text (with its first revision), correct its text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from annotator.articles.models import Article, ArticleRevision, sha256_text
from annotator.lib.errors import DuplicateError, InvalidInputError


class SourceDecodeError(InvalidInputError):
    code = "undecodable"


def decode_source(raw: bytes, *, name: str = "") -> str:
    """UTF-8 text of an uploaded or imported file; refuses binary content and other encodings.

    A UTF-8 byte-order mark is dropped (it is an encoding artefact, not text); nothing else is
    changed, so offsets computed on the stored text are those of the file.
    """
    label = f"{name}: " if name else ""
    if b"\x00" in raw:
        raise SourceDecodeError(label + _("this is a binary file, not text."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceDecodeError(
            label
            + _("the file is not valid UTF-8 (byte %(pos)d); convert it to UTF-8 first.")
            % {"pos": exc.start}
        ) from exc
    return text.removeprefix("\ufeff")


def article_import(
    *,
    actor: Any | None,
    text: str,
    title: str,
    outlet: str = "",
    author: str = "",
    kind: str = Article.Kind.ARTICLE,
    url: str = "",
    published_on: dt.date | None = None,
    language: str = "fr",
    status: str = Article.Status.PUBLISHED,
    candidacies: Iterable[Any] = (),
) -> Article:
    """Store a new source text exactly as given, with revision 1.

    Refuses empty or whitespace-only text and a text whose SHA-256 is already stored (the error
    carries the existing article's id). One transaction.
    """
    if not text.strip():
        raise InvalidInputError(_("The text is empty."), fields={"text": [_("The text is empty.")]})
    if not title.strip():
        raise InvalidInputError(
            _("A title is required."), fields={"title": [_("A title is required.")]}
        )
    if kind not in Article.Kind.values:
        raise InvalidInputError(
            _("Unknown kind: %(kind)s.") % {"kind": kind}, fields={"kind": [kind]}
        )
    digest = sha256_text(text)
    existing = Article.objects.filter(text_sha256=digest).only("id", "title").first()
    if existing is not None:
        raise _duplicate(existing)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title.strip(),
                outlet=outlet.strip(),
                author=author.strip(),
                kind=kind,
                url=url.strip(),
                published_on=published_on,
                language=language,
                text=text,
                text_sha256=digest,
                status=status,
                imported_by=actor,
            )
            article.candidacies.set(list(candidacies))
            ArticleRevision.objects.create(
                article=article,
                number=1,
                text=text,
                text_sha256=digest,
                created_by=actor,
                note="import",
            )
    except IntegrityError as exc:
        # Lost a race with a concurrent import of the same text.
        existing = Article.objects.filter(text_sha256=digest).first()
        if existing is None:
            raise
        raise _duplicate(existing) from exc
    return article


def _duplicate(existing: Article) -> DuplicateError:
    return DuplicateError(
        _("This text is already stored as article #%(id)d «%(title)s».")
        % {"id": existing.pk, "title": existing.title},
        existing_id=existing.pk,
        existing_url=existing.get_absolute_url(),
    )


def article_revise_text(
    *, actor: Any, article_id: Any, text: str, expected_version: int | None, note: str = ""
) -> dict[str, int]:
    """Correct an article's text: a new ArticleRevision, then every annotation re-anchored.

    Moderators only. One transaction; the article row is locked (select_for_update) so two
    corrections cannot interleave, and a stale `expected_version` gets 409. Annotations are
    re-anchored by `annotator.annotations.anchoring.reanchor` (position, unique quote, fuzzy);
    those it cannot place are marked `orphaned` with their original quote and previous status
    kept. Deleted annotations are left as they were. Returns counts per outcome.
    """
    from annotator.annotations.anchoring import Selector, reanchor
    from annotator.annotations.models import Annotation
    from annotator.lib.errors import NotFoundError, PermissionDeniedError, StaleVersionError
    from annotator.lib.roles import is_moderator
    from annotator.review.models import AnnotationEvent

    if not is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators correct the text of a source."))
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(_("The text is empty."), fields={"text": [_("The text is empty.")]})
    if expected_version is None:
        raise InvalidInputError(
            _("version is required (or an If-Match header)."),
            fields={"version": [_("version is required (or an If-Match header).")]},
        )
    with transaction.atomic():
        try:
            article = Article.objects.select_for_update().get(pk=int(article_id))
        except (Article.DoesNotExist, TypeError, ValueError) as exc:
            raise NotFoundError(_("Article not found.")) from exc
        if article.version != expected_version:
            raise StaleVersionError(
                _("The text was changed meanwhile (version %(version)d).")
                % {"version": article.version},
                current_version=article.version,
            )
        if text == article.text:
            raise InvalidInputError(
                _("The text is unchanged."), fields={"text": [_("The text is unchanged.")]}
            )
        digest = sha256_text(text)
        existing = Article.objects.filter(text_sha256=digest).exclude(pk=article.pk).first()
        if existing is not None:
            raise _duplicate(existing)
        number = (article.revisions.order_by("-number").values_list("number", flat=True).first()
                  or 0) + 1  # fmt: skip
        revision = ArticleRevision.objects.create(
            article=article,
            number=number,
            text=text,
            text_sha256=digest,
            note=note[:500],
            created_by=actor,
        )
        article.text = text
        article.text_sha256 = digest
        article.version += 1
        article.save(update_fields=["text", "text_sha256", "version", "modified"])

        counts = {"position": 0, "quote": 0, "fuzzy": 0, "orphaned": 0}
        changed: list[Annotation] = []
        events: list[AnnotationEvent] = []
        annotations = Annotation.objects.select_for_update().filter(
            article=article, deleted_at__isnull=True
        )
        for annotation in annotations.order_by("start", "id"):
            old = Selector(
                annotation.exact,
                annotation.prefix,
                annotation.suffix,
                annotation.start,
                annotation.end,
            )
            found = reanchor(text, old)
            from_state = annotation.status
            annotation.revision = revision
            if found is None:
                counts["orphaned"] += 1
                if annotation.status != Annotation.Status.ORPHANED:
                    annotation.status_before_orphan = annotation.status
                    annotation.status = Annotation.Status.ORPHANED
                    annotation.version += 1
                    events.append(
                        AnnotationEvent(
                            annotation=annotation,
                            actor=actor,
                            action="orphan",
                            from_state=from_state,
                            to_state=annotation.status,
                        )
                    )
                changed.append(annotation)
                continue
            counts[found.method] += 1
            new = found.selector
            moved = (new.start, new.end, new.exact) != (old.start, old.end, old.exact)
            if annotation.status == Annotation.Status.ORPHANED:
                annotation.status = annotation.status_before_orphan or Annotation.Status.DRAFT
                annotation.status_before_orphan = ""
                moved = True
            annotation.exact, annotation.prefix, annotation.suffix = (
                new.exact,
                new.prefix,
                new.suffix,
            )
            annotation.start, annotation.end = new.start, new.end
            if moved:
                annotation.version += 1
                events.append(
                    AnnotationEvent(
                        annotation=annotation,
                        actor=actor,
                        action="reanchor",
                        from_state=from_state,
                        to_state=annotation.status,
                    )
                )
            changed.append(annotation)
        _save_anchors(changed, revision)
        AnnotationEvent.objects.bulk_create(events, batch_size=500)
    counts["revision"] = number
    return counts


def _save_anchors(annotations: list[Any], revision: ArticleRevision) -> None:
    """Write the new anchors of many annotations in one UPDATE (bulk_update's CASE per row and
    column is two orders of magnitude slower for a thousand rows)."""
    from django.db import connection

    from annotator.annotations.models import Annotation

    if not annotations:
        return
    columns = {
        "id": ("bigint", [a.pk for a in annotations]),
        "exact": ("text", [a.exact for a in annotations]),
        "prefix": ("text", [a.prefix for a in annotations]),
        "suffix": ("text", [a.suffix for a in annotations]),
        "start": ("integer", [a.start for a in annotations]),
        "end": ("integer", [a.end for a in annotations]),
        "status": ("text", [a.status for a in annotations]),
        "status_before_orphan": ("text", [a.status_before_orphan for a in annotations]),
        "version": ("integer", [a.version for a in annotations]),
    }
    table = connection.ops.quote_name(Annotation._meta.db_table)
    names = [connection.ops.quote_name(name) for name in columns]
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    arrays = ", ".join(f"%s::{kind}[]" for kind, _ in columns.values())
    sql = (
        f"UPDATE {table} AS a SET {assignments}, revision_id = %s "  # noqa: S608 - fixed names
        f"FROM unnest({arrays}) AS v({', '.join(names)}) WHERE a.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [revision.pk, *(values for _, values in columns.values())])
