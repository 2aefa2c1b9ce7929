from __future__ import annotations

import pytest

from annotator.lib.errors import ConflictError, InvalidInputError, PermissionDeniedError
from proposals.models import Verdict
from proposals.selectors import verdict_proposal
from proposals.services import verdict_publish
from tests.factories import ProposalFactory, UserFactory
from tests.factories.proposals import RatingFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def ratings(*values):  # type: ignore[no-untyped-def]
    """Unsaved ratings with these feasibility values, enough for the verdict rule."""
    from proposals.models import FeasibilityRating

    return [FeasibilityRating(feasibility=value) for value in values]


def test_no_verdict_is_proposed_below_two_ratings():
    assert verdict_proposal(ratings()).status == "insufficient"
    assert verdict_proposal(ratings("feasible")).status == "insufficient"


def test_the_median_is_proposed_when_raters_are_within_one_step():
    proposed = verdict_proposal(ratings("conditional", "mostly_feasible", "mostly_feasible"))
    assert (proposed.status, proposed.feasibility) == ("proposed", "mostly_feasible")


def test_with_an_even_number_of_raters_the_lower_median_is_proposed():
    proposed = verdict_proposal(ratings("conditional", "mostly_feasible"))
    assert proposed.feasibility == "conditional"


def test_raters_two_steps_apart_send_the_proposal_to_discussion():
    proposed = verdict_proposal(ratings("hardly_feasible", "mostly_feasible"))
    assert (proposed.status, proposed.feasibility) == ("to_discuss", None)
    assert proposed.reason == "raters_more_than_one_step_apart"


@pytest.mark.parametrize("outside", ["already_in_place", "not_assessable"])
def test_a_verdict_outside_the_order_sends_the_proposal_to_discussion(outside):
    proposed = verdict_proposal(ratings("feasible", outside))
    assert proposed.status == "to_discuss" and proposed.reason == "verdict_outside_the_order"


@pytest.fixture
def rated_proposal(fact_checker, fact_checker2):  # type: ignore[no-untyped-def]
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal, rater=fact_checker, feasibility="conditional")
    RatingFactory(proposal=proposal, rater=fact_checker2, feasibility="conditional")
    return proposal


def test_reviewer_publishes_the_proposed_verdict_with_who_when_and_which_ratings(
    reviewer, rated_proposal
):
    response = client_for(reviewer).post(
        f"/api/proposals/{rated_proposal.pk}/verdict/",
        {"summary": "Suppose un accord au niveau européen."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["feasibility"] == "conditional" and body["proposed_feasibility"] == "conditional"
    assert body["published_by"] == "rev" and body["published_at"]
    assert {r["rater_username"] for r in body["ratings_snapshot"]} == {"fc", "fc2"}
    assert body["feasibility_label"] == "Réalisable sous conditions"


def test_publishing_again_keeps_the_old_verdict(reviewer, moderator, rated_proposal):
    verdict_publish(actor=reviewer, proposal_id=rated_proposal.pk, summary="Premier avis.")
    verdict_publish(
        actor=moderator, proposal_id=rated_proposal.pk, summary="Révisé.", feasibility="feasible"
    )
    verdicts = Verdict.objects.filter(proposal=rated_proposal).order_by("published_at")
    assert [(v.feasibility, v.is_current) for v in verdicts] == [
        ("conditional", False),
        ("feasible", True),
    ]
    body = client_for(reviewer).get(f"/api/proposals/{rated_proposal.pk}/verdict/").json()
    assert body["published"]["feasibility"] == "feasible"
    assert [v["summary"] for v in body["history"]] == ["Premier avis."]
    assert body["proposed"]["feasibility"] == "conditional"


def test_a_summary_is_required(reviewer, rated_proposal):
    response = client_for(reviewer).post(
        f"/api/proposals/{rated_proposal.pk}/verdict/", {"summary": "  "}, format="json"
    )
    assert response.status_code == 400 and "summary" in response.json()["fields"]


def test_an_invalid_feasibility_override_is_refused(reviewer, rated_proposal):
    response = client_for(reviewer).post(
        f"/api/proposals/{rated_proposal.pk}/verdict/",
        {"summary": "Avis.", "feasibility": "likely"},
        format="json",
    )
    assert response.status_code == 400 and "feasibility" in response.json()["fields"]


def test_a_proposal_to_discuss_needs_an_explicit_feasibility(reviewer, fact_checker, fact_checker2):
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal, rater=fact_checker, feasibility="not_feasible")
    RatingFactory(proposal=proposal, rater=fact_checker2, feasibility="feasible")
    with pytest.raises(InvalidInputError):
        verdict_publish(actor=reviewer, proposal_id=proposal.pk, summary="Avis.")
    verdict = verdict_publish(
        actor=reviewer, proposal_id=proposal.pk, summary="Tranché.", feasibility="hardly_feasible"
    )
    assert verdict.feasibility == "hardly_feasible" and verdict.proposed_feasibility == ""


def test_a_verdict_needs_two_ratings(reviewer, fact_checker):
    """The proposal's state forbids it, not the request's shape: a conflict (409)."""
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal, rater=fact_checker)
    with pytest.raises(ConflictError):
        verdict_publish(actor=reviewer, proposal_id=proposal.pk, summary="Avis.")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("fact-checker", 403), (None, 403), ("reviewer", 201), ("moderator", 201)],
)
def test_only_reviewers_and_moderators_publish_verdicts(rated_proposal, role, expected):
    user = UserFactory(role=role) if role else UserFactory()
    response = client_for(user).post(
        f"/api/proposals/{rated_proposal.pk}/verdict/", {"summary": "Avis."}, format="json"
    )
    assert response.status_code == expected


def test_the_service_refuses_a_fact_checker(fact_checker, rated_proposal):
    with pytest.raises(PermissionDeniedError):
        verdict_publish(actor=fact_checker, proposal_id=rated_proposal.pk, summary="Avis.")


def test_every_rater_is_notified_when_a_verdict_is_published(
    reviewer,
    fact_checker,
    fact_checker2,
    rated_proposal,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from annotator.review.models import Notification

    fact_checker.email = ""
    fact_checker.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        verdict_publish(
            actor=reviewer,
            proposal_id=rated_proposal.pk,
            summary="Réalisable par une loi ordinaire.",
        )
    notified = Notification.objects.filter(kind="verdict_published", proposal=rated_proposal)
    assert sorted(n.recipient.username for n in notified) == sorted(
        [fact_checker.username, fact_checker2.username]
    )
    assert all(n.actor == reviewer for n in notified)
    # email only to raters who have an address, sent once the transaction committed
    assert [m.to for m in mailoutbox] == [[fact_checker2.email]]
