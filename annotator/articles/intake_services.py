"""Write side of source intake: who may add a source, and storing it through `article_import`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from annotator.articles.intake import PreparedSource
from annotator.articles.models import Article
from annotator.articles.services import article_import
from annotator.lib.errors import InvalidInputError, PermissionDeniedError
from annotator.lib.roles import FACT_CHECKER, MODERATOR, has_role, is_moderator
from proposals.models import Candidacy


def can_add_source(actor: Any) -> bool:
    """Fact-checkers and moderators bring sources in (the `articles.add_article` groups)."""
    return has_role(actor, FACT_CHECKER, MODERATOR)


def source_add(
    *,
    actor: Any,
    prepared: PreparedSource,
    title: str,
    outlet: str = "",
    author: str = "",
    kind: str = Article.Kind.ARTICLE,
    url: str = "",
    published_on: dt.date | None = None,
    language: str = "fr",
    candidacy_ids: Iterable[int] = (),
    status: str = Article.Status.DRAFT,
) -> Article:
    """Store a prepared source as a new article with revision 1 (one transaction).

    Permission: fact-checkers and moderators; only moderators may publish on creation, everyone
    else creates a draft. Unknown candidacy ids are refused (400); a duplicate text raises
    DuplicateError carrying the existing article's id and URL (409). Nothing is stored on error.
    """
    if not can_add_source(actor):
        raise PermissionDeniedError(_("Only fact-checkers and moderators can add a source."))
    if status not in (Article.Status.DRAFT, Article.Status.PUBLISHED):
        message = _("A new source is either a draft or published.")
        raise InvalidInputError(message, fields={"status": [message]})
    if status == Article.Status.PUBLISHED and not is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators can publish a source directly."))
    ids = sorted(set(candidacy_ids))
    candidacies = list(Candidacy.objects.filter(pk__in=ids))
    if len(candidacies) != len(ids):
        missing = sorted(set(ids) - {c.pk for c in candidacies})
        message = _("Unknown candidacy: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        raise InvalidInputError(message, fields={"candidacies": [message]})
    return article_import(
        actor=actor,
        text=prepared.text,
        title=title or prepared.suggested_title,
        outlet=outlet,
        author=author,
        kind=kind,
        url=url or prepared.fetched_url,
        published_on=published_on,
        language=language or "fr",
        status=status,
        candidacies=candidacies,
    )
