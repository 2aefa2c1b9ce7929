"""Writes on articles: import a source text (with its first revision)."""

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
