"""Writes on an article's metadata (title, outlet, author, kind, URL, date, language, candidacies).

The text changes only through `services.article_revise_text`, the status only through
`lifecycle`; all three check and bump the same `version`, so none overwrites another silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from annotator.articles.models import Article
from annotator.lib.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.lib.roles import is_moderator

METADATA_FIELDS = ("title", "outlet", "author", "kind", "url", "published_on", "language")


def article_update_metadata(
    *, actor: Any, article_id: int, expected_version: int | None, **changes: Any
) -> Article:
    """Change the metadata named in `changes` (any of METADATA_FIELDS and `candidacies`).

    Moderators only. One transaction; the article row is locked and `expected_version` must be
    the stored one (StaleVersionError otherwise). Bumps `version`; the change is recorded in the
    article's history. The text and the status are not metadata: see the module docstring."""
    if not is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators edit the details of a source."))
    unknown = sorted(set(changes) - {*METADATA_FIELDS, "candidacies"})
    if unknown:
        raise InvalidInputError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(unknown)}
        )
    if expected_version is None:
        message = _("The version you edited is required.")
        raise InvalidInputError(message, fields={"version": [message]})
    errors: dict[str, list[str]] = {}
    for name in ("title", "outlet", "author", "url", "language"):
        if name in changes:
            changes[name] = str(changes[name] or "").strip()
    if "title" in changes and not changes["title"]:
        errors["title"] = [_("A title is required.")]
    if "kind" in changes and changes["kind"] not in Article.Kind.values:
        errors["kind"] = [_("Unknown kind: %(kind)s.") % {"kind": changes["kind"]}]
    if "published_on" in changes and not isinstance(changes["published_on"], dt.date | None):
        errors["published_on"] = [_("Expected a date.")]
    if errors:
        raise InvalidInputError(next(iter(errors.values()))[0], fields=errors)
    candidacies: Iterable[Any] | None = changes.pop("candidacies", None)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFoundError(_("Article not found."))
        if article.version != expected_version:
            raise StaleVersionError(
                _("The source changed meanwhile (version %(version)d).")
                % {"version": article.version},
                current_version=article.version,
            )
        for name, value in changes.items():
            setattr(article, name, value)
        article.version += 1
        article._change_reason = "metadata"  # type: ignore[attr-defined]
        article.save(update_fields=[*changes, "version", "modified"])
        if candidacies is not None:
            article.candidacies.set(list(candidacies))
    return article
