"""Writes on articles: import a source text (with its first revision), correct its text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from annotator.articles.models import Article, ArticleRevision, sha256_text
from annotator.lib.errors import DuplicateError, InvalidInputError
from annotator.live import events as live


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
    corrections cannot interleave, and a stale `expected_version` gets 409. The edit between the
    two texts is computed once (`annotator.annotations.anchoring.TextEdit`) and every annotation
    is carried through it (see `annotator.annotations.reanchoring`). Returns counts per outcome.
    """
    from annotator.annotations.reanchoring import reanchor_article
    from annotator.lib.errors import NotFoundError, PermissionDeniedError, StaleVersionError
    from annotator.lib.roles import is_moderator

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
        old_text = article.text
        article.text = text
        article.text_sha256 = digest
        article.version += 1
        article.save(update_fields=["text", "text_sha256", "version", "modified"])
        counts = reanchor_article(
            actor=actor, article=article, revision=revision, old_text=old_text
        )
        live.article_revised(article=article, counts=counts)
    counts["revision"] = number
    return counts
