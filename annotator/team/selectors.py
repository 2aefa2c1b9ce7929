"""Reads for the team page: members with their role and recent activity, pending invitations."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.lib.errors import NotFoundError, PermissionDeniedError
from annotator.lib.roles import is_moderator
from annotator.review.models import AnnotationEvent
from annotator.team.models import Invitation
from proposals.models import FeasibilityRating

ACTIVITY_DAYS = 30
REVIEW_ACTIONS = [
    AnnotationEvent.Action.APPROVE,
    AnnotationEvent.Action.REQUEST_CHANGES,
    AnnotationEvent.Action.REJECT,
]


def _require_moderator(actor: Any) -> None:
    if not is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators manage the team."))


def _count(queryset: QuerySet[Any], user_field: str) -> Coalesce:
    """A correlated COUNT per user, so the member list stays one query whatever its length."""
    counted = (
        queryset.filter(**{user_field: OuterRef("pk")})
        .order_by()
        .values(user_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def member_list_for(*, actor: Any, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Every account with its groups and its activity in the last 30 days (moderators only).

    Two queries: the users with three counted subqueries, and their groups.
    """
    _require_moderator(actor)
    since = (now or timezone.now()) - dt.timedelta(days=ACTIVITY_DAYS)
    return (
        get_user_model()
        .objects.annotate(
            annotations_30d=_count(Annotation.objects.filter(created__gte=since), "author"),
            reviews_30d=_count(
                AnnotationEvent.objects.filter(created__gte=since, action__in=REVIEW_ACTIONS),
                "actor",
            ),
            ratings_30d=_count(FeasibilityRating.objects.filter(created__gte=since), "rater"),
        )
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name")))
        .order_by("-is_active", "username")
    )


def member_get_for(*, actor: Any, user_id: int) -> Any:
    _require_moderator(actor)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise NotFoundError(_("No such member."))
    return user


def invitation_pending_list_for(*, actor: Any) -> QuerySet[Invitation]:
    _require_moderator(actor)
    return Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_get_by_token(*, token: str) -> Invitation:
    """The pending invitation a link's token designates; NotFoundError when used or expired."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_pending:
        raise NotFoundError(_("This invitation link is invalid, already used or expired."))
    return invitation
