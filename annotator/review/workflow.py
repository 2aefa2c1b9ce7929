"""The annotation lifecycle in one table: which action moves which state where, and who may act.

    draft ──submit──▶ submitted ──approve (N distinct approvers)──▶ approved
    changes_requested ──submit──▶ submitted ──request_changes──▶ changes_requested
                                  submitted ──reject──▶ rejected
    approved ──edit of quote, comment or links──▶ submitted
    approved ──text revision changed its passage (recheck)──▶ submitted
    (orphaned comes from re-anchoring, outside the review workflow)

Services (`annotator.review.services`) read this table and nothing else to decide a transition;
`check_transition` raises the 403 or 409 that names the rule that refused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotator.annotations.models import Annotation
from annotator.lib import roles
from annotator.lib.errors import InvalidTransitionError, PermissionDeniedError

Status = Annotation.Status


class Who(StrEnum):
    AUTHOR = "author"  # only the annotation's author
    REVIEWER_NOT_AUTHOR = "reviewer_not_author"  # reviewers and moderators, never the author
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    who: Who
    comment_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "submit", frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED, Who.AUTHOR
    ),
    # The target is reached once settings.REVIEW_APPROVALS_REQUIRED distinct approvals are in
    # (a moderator's approval is final); before that the annotation stays submitted.
    "approve": Transition(
        "approve", frozenset({Status.SUBMITTED}), Status.APPROVED, Who.REVIEWER_NOT_AUTHOR
    ),
    "request_changes": Transition(
        "request_changes",
        frozenset({Status.SUBMITTED}),
        Status.CHANGES_REQUESTED,
        Who.REVIEWER_NOT_AUTHOR,
        comment_required=True,
    ),
    "reject": Transition(
        "reject",
        frozenset({Status.SUBMITTED}),
        Status.REJECTED,
        Who.REVIEWER_NOT_AUTHOR,
        comment_required=True,
    ),
}

ACTION_VERBS = {
    "submit": gettext_lazy("Submission"),
    "approve": gettext_lazy("Approval"),
    "request_changes": gettext_lazy("Change request"),
    "reject": gettext_lazy("Rejection"),
}

REVIEW_DECISIONS = ("approve", "request_changes", "reject")


def check_actor(transition: Transition, *, actor: Any, annotation: Annotation) -> None:
    """Raise PermissionDeniedError (403) naming the rule when `actor` may not take `transition`."""
    is_author = annotation.author_id == actor.pk
    if transition.who is Who.AUTHOR and not is_author:
        raise PermissionDeniedError(_("Only the author of an annotation can submit it."))
    if transition.who is Who.REVIEWER_NOT_AUTHOR:
        if not roles.is_reviewer(actor):
            raise PermissionDeniedError(_("Only reviewers and moderators review annotations."))
        if is_author:
            raise PermissionDeniedError(_("Nobody reviews their own annotation."))
    if transition.who is Who.MODERATOR and not roles.is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators can do this."))


def check_state(transition: Transition, *, annotation: Annotation) -> None:
    """Raise InvalidTransitionError (409) naming the rule when the state forbids `transition`."""
    if annotation.hidden_at is not None or annotation.deleted_at is not None:
        raise InvalidTransitionError(
            _("This annotation is hidden or deleted: restore it before changing its state."),
            status=annotation.status,
        )
    if annotation.is_locked:
        raise InvalidTransitionError(
            _("This annotation is locked by a moderator: it cannot change state until unlocked."),
            status=annotation.status,
        )
    if annotation.status not in transition.sources:
        allowed = ", ".join(sorted(str(Status(s).label) for s in transition.sources))
        raise InvalidTransitionError(
            _(
                "%(action)s is not possible for an annotation that is %(state)s (only from: %(allowed)s)."
            )
            % {
                "action": ACTION_VERBS[transition.action],
                "state": Status(annotation.status).label,
                "allowed": allowed,
            },
            status=annotation.status,
        )


def check_transition(action: str, *, actor: Any, annotation: Annotation) -> Transition:
    """Permission first (403), then state (409): a user learns what they may not do before why."""
    transition = TRANSITIONS[action]
    check_actor(transition, actor=actor, annotation=annotation)
    check_state(transition, annotation=annotation)
    return transition


@dataclass(frozen=True)
class ModerationAct:
    """A moderator's act on an annotation: allowed only when `applies(annotation)` is true."""

    action: str
    applies: Any
    refusal: Any


MODERATION: dict[str, ModerationAct] = {
    "lock": ModerationAct(
        "lock", lambda a: not a.is_locked, gettext_lazy("This annotation is already locked.")
    ),
    "unlock": ModerationAct(
        "unlock", lambda a: a.is_locked, gettext_lazy("This annotation is not locked.")
    ),
    "hide": ModerationAct(
        "hide", lambda a: a.hidden_at is None, gettext_lazy("This annotation is already hidden.")
    ),
    "restore": ModerationAct(
        "restore", lambda a: a.hidden_at is not None, gettext_lazy("This annotation is not hidden.")
    ),
}


def check_moderation(action: str, *, actor: Any, annotation: Annotation) -> ModerationAct:
    """403 unless the actor is a moderator, then 409 when the act does not apply to this state."""
    act = MODERATION[action]
    if not roles.is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators can lock, unlock, hide or restore."))
    if not act.applies(annotation):
        raise InvalidTransitionError(str(act.refusal), status=annotation.status)
    return act
