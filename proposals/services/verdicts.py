"""Publishing a feasibility verdict on a proposal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from annotator.lib import roles
from annotator.lib.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from annotator.live import events as live
from annotator.review.models import Notification
from annotator.review.notifications import notify
from proposals import scale
from proposals.models import FeasibilityRating, Proposal, Verdict
from proposals.selectors import verdict_proposal

SUMMARY_MAX = 1000


def verdict_publish(
    *, actor: Any, proposal_id: int, summary: Any, feasibility: Any = None
) -> Verdict:
    """Publish the verdict of a proposal with a public summary (reviewers and moderators).

    Without `feasibility` the proposed verdict (median of close ratings) is published; when the
    proposal is "to discuss" a feasibility must be chosen. At least two ratings are needed. The
    previous current verdict is kept (is_current=False); the new one records who, when, what was
    proposed and a snapshot of the ratings it was based on. The proposal row is locked."""
    if not roles.is_reviewer(actor):
        raise PermissionDeniedError(_("Only reviewers and moderators publish verdicts."))
    text = str(summary or "").strip()
    if not text:
        raise InvalidInputError(
            _("A short public summary is required."), fields={"summary": [_("Required.")]}
        )
    if len(text) > SUMMARY_MAX:
        raise InvalidInputError(
            _("The summary is limited to %(n)d characters.") % {"n": SUMMARY_MAX},
            fields={"summary": [_("Too long.")]},
        )
    if feasibility in ("", None):
        feasibility = None
    elif feasibility not in scale.FEASIBILITY_VALUES:
        raise InvalidInputError(
            _("Feasibility must be one of: %(values)s.")
            % {"values": ", ".join(scale.FEASIBILITY_VALUES)},
            fields={"feasibility": [_("Not a value of the scale.")]},
        )
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise NotFoundError(_("No such proposal."))
        if proposal.merged_into_id is not None:
            raise ConflictError(_("This proposal was merged; publish on the kept record."))
        ratings = list(
            FeasibilityRating.objects.filter(proposal=proposal)
            .select_related("rater")
            .order_by("created", "pk")
        )
        proposed = verdict_proposal(ratings)
        if proposed.status == "insufficient":
            # The proposal's state forbids it (not the request's shape): 409.
            raise ConflictError(
                _("A verdict needs at least two ratings (%(n)d so far).") % {"n": len(ratings)}
            )
        chosen = feasibility or proposed.feasibility
        if chosen is None:
            raise InvalidInputError(
                _("The raters disagree: this proposal is to discuss. Choose the feasibility."),
                fields={"feasibility": [_("Required when the proposal is to discuss.")]},
            )
        Verdict.objects.filter(proposal=proposal, is_current=True).update(is_current=False)
        verdict = Verdict.objects.create(
            proposal=proposal,
            feasibility=chosen,
            summary=text,
            published_by=actor,
            proposed_feasibility=proposed.feasibility or "",
            ratings_snapshot=[
                {
                    "rating": r.pk,
                    "rater": r.rater_id,
                    "rater_username": r.rater.get_username(),
                    "feasibility": r.feasibility,
                    "importance": r.importance,
                    "confidence": r.confidence,
                    "version": r.version,
                }
                for r in ratings
            ],
        )
        # Everyone who rated the proposal hears about the verdict (in this transaction; the
        # emails leave after commit).
        for rater in {r.rater for r in ratings if r.rater_id != actor.pk}:
            notify(
                recipient=rater,
                kind=Notification.Kind.VERDICT_PUBLISHED,
                proposal=proposal,
                actor=actor,
                text=text,
            )
        live.verdict_published(verdict=verdict)
        return verdict
