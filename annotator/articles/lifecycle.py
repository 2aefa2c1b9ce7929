"""Article lifecycle: draft -> published -> archived, one service per transition.

Every transition is recorded in the article's history (django-simple-history: who, when, the
status before and after, and the reason as the change reason).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from annotator.articles.models import Article
from annotator.articles.selectors import article_visible_q
from annotator.lib.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.lib.roles import is_moderator

Status = Article.Status

# from-state -> allowed to-states. Archived is final for annotation (read-only, kept in exports);
# a moderator can bring an archived article back to published if it was archived by mistake.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.PUBLISHED},
    Status.PUBLISHED: {Status.ARCHIVED},
    Status.ARCHIVED: {Status.PUBLISHED},
}


def allowed_transitions(status: str) -> list[str]:
    """The states an article in `status` may move to, in lifecycle order."""
    order = [Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED]
    return [s for s in order if s in TRANSITIONS.get(status, set())]


def can_change_status(actor: Any) -> bool:
    return is_moderator(actor)


def _article_status_set(
    *, actor: Any, article_id: int, to_status: str, version: int | None, reason: str = ""
) -> Article:
    """Move an article to `to_status`.

    Permission: moderators only. Takes a row lock on the article; `version`, when given, must
    match the stored one (409 `stale_version` otherwise, the current article attached).
    """
    if not can_change_status(actor):
        raise PermissionDeniedError(_("Only moderators can publish or archive a source."))
    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(article_visible_q(actor))
            .filter(pk=article_id)
            .first()
        )
        if article is None:
            raise NotFoundError(_("No such source."))
        if version is not None and version != article.version:
            raise StaleVersionError(
                _("This source was changed by someone else; reload it and try again."),
                current={"id": article.pk, "status": article.status, "version": article.version},
            )
        if to_status not in TRANSITIONS.get(article.status, set()):
            raise InvalidTransitionError(
                _("A %(from)s source cannot become %(to)s.")
                % {"from": article.get_status_display(), "to": Status(to_status).label},
                current={"id": article.pk, "status": article.status, "version": article.version},
            )
        article.status = to_status
        article.version += 1
        article._history_user = actor  # type: ignore[attr-defined]
        article._change_reason = reason or f"status: {to_status}"  # type: ignore[attr-defined]
        article.save(update_fields=["status", "version", "modified"])
    return article


def article_publish(
    *, actor: Any, article_id: int, version: int | None = None, reason: str = ""
) -> Article:
    """draft (or archived) -> published: everyone may read and annotate it."""
    return _article_status_set(
        actor=actor,
        article_id=article_id,
        to_status=Status.PUBLISHED,
        version=version,
        reason=reason,
    )


def article_archive(
    *, actor: Any, article_id: int, version: int | None = None, reason: str = ""
) -> Article:
    """published -> archived: read-only, still listed and exported."""
    return _article_status_set(
        actor=actor,
        article_id=article_id,
        to_status=Status.ARCHIVED,
        version=version,
        reason=reason,
    )
