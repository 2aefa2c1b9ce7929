from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotator.annotations.models import Annotation
from proposals.models import FeasibilityRating
from tests.factories import AnnotationFactory, ProposalFactory, UserFactory
from tests.factories.proposals import RatingFactory, VerdictFactory, rating_payload
from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():  # type: ignore[no-untyped-def]
    return ProposalFactory()


def rate(user, proposal, **overrides):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        f"/api/proposals/{proposal.pk}/ratings/", rating_payload(**overrides), format="json"
    )


def test_fact_checker_rates_a_proposal(fact_checker, proposal):
    response = rate(fact_checker, proposal)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["feasibility"] == "mostly_feasible" and body["rater"] == "fc"
    assert body["obstacles"] == {
        "legal": 1,
        "budget": 2,
        "technical": 0,
        "institutional": 0,
        "timeline": 1,
    }
    assert body["version"] == 1


def test_missing_obstacle_dimensions_count_as_none(fact_checker, proposal):
    response = rate(fact_checker, proposal, obstacles={"legal": 2})
    assert response.status_code == 201
    assert response.json()["obstacles"]["budget"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"feasibility": "maybe"}, "feasibility"),
        ({"feasibility": ""}, "feasibility"),
        ({"importance": "huge"}, "importance"),
        ({"confidence": 3}, "confidence"),
        ({"obstacles": {"legal": 4}}, "obstacles"),
        ({"obstacles": {"moral": 1}}, "obstacles"),
        ({"obstacles": [1, 2]}, "obstacles"),
        ({"justification": "Trop court."}, "justification"),
        ({"justification": ""}, "justification"),
        ({"evidence": []}, "evidence"),
        ({"evidence": [{"url": "not a url"}]}, "evidence"),
        ({"evidence": [{"url": "https://a.org", "annotation": 1}]}, "evidence"),
        ({"evidence": "https://a.org"}, "evidence"),
    ],
)
def test_invalid_ratings_are_refused_with_a_clear_message(fact_checker, proposal, overrides, field):
    response = rate(fact_checker, proposal, **overrides)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and field in body["fields"] and body["detail"]
    assert not FeasibilityRating.objects.exists()


def test_justification_must_have_eighty_characters(fact_checker, proposal):
    assert rate(fact_checker, proposal, justification="x" * 79).status_code == 400
    assert rate(fact_checker, proposal, justification="x" * 80).status_code == 201


def test_a_blocking_obstacle_caps_the_rating_at_hardly_feasible(fact_checker, proposal):
    response = rate(fact_checker, proposal, feasibility="conditional", obstacles={"legal": 3})
    assert response.status_code == 400
    assert (
        "blocking" in response.json()["detail"].lower() or "bloquant" in response.json()["detail"]
    )
    assert (
        rate(
            fact_checker, proposal, feasibility="hardly_feasible", obstacles={"legal": 3}
        ).status_code
        == 201
    )


def test_evidence_is_optional_only_when_not_assessable(fact_checker, proposal):
    response = rate(fact_checker, proposal, feasibility="not_assessable", evidence=[])
    assert response.status_code == 201


def test_evidence_may_cite_a_visible_annotated_passage(fact_checker, proposal):
    passage = AnnotationFactory(status=Annotation.Status.SUBMITTED)
    response = rate(fact_checker, proposal, evidence=[{"annotation": passage.pk}])
    assert response.status_code == 201
    assert response.json()["evidence"] == [{"annotation": passage.pk}]


def test_evidence_cannot_cite_someone_elses_draft_or_a_hidden_passage(fact_checker, proposal):
    draft = AnnotationFactory(status=Annotation.Status.DRAFT)
    hidden = AnnotationFactory(status=Annotation.Status.APPROVED)
    Annotation.objects.filter(pk=hidden.pk).update(hidden_at="2026-01-01T00:00:00Z")
    for annotation in (draft, hidden):
        response = rate(fact_checker, proposal, evidence=[{"annotation": annotation.pk}])
        assert response.status_code == 400 and "evidence" in response.json()["fields"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("fact-checker", 201), ("reviewer", 201), ("moderator", 403), (None, 403)],
)
def test_only_fact_checkers_and_reviewers_rate(proposal, role, expected):
    user = UserFactory(role=role) if role else UserFactory()
    response = rate(user, proposal)
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["error"] == "forbidden"


def test_rating_a_missing_proposal_is_a_404(fact_checker):
    response = client_for(fact_checker).post(
        "/api/proposals/999999/ratings/", rating_payload(), format="json"
    )
    assert response.status_code == 404


def test_one_rating_per_rater_is_a_database_constraint(fact_checker, proposal):
    RatingFactory(proposal=proposal, rater=fact_checker)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(proposal=proposal, rater=fact_checker)


def test_rating_again_updates_the_own_rating_with_its_version_and_keeps_history(
    fact_checker, proposal
):
    first = rate(fact_checker, proposal).json()
    response = rate(fact_checker, proposal, feasibility="conditional", version=first["version"])
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.json()["feasibility"] == "conditional"
    rating = FeasibilityRating.objects.get(pk=first["id"])
    assert [h.feasibility for h in rating.history.order_by("history_date")] == [
        "mostly_feasible",
        "conditional",
    ]
    assert FeasibilityRating.objects.filter(proposal=proposal).count() == 1


def test_a_stale_or_missing_version_gets_409_with_the_current_rating(fact_checker, proposal):
    rate(fact_checker, proposal)
    rate(fact_checker, proposal, feasibility="feasible", version=1)
    stale = rate(fact_checker, proposal, feasibility="conditional", version=1)
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_version"
    assert stale.json()["current"]["feasibility"] == "feasible"
    assert stale.json()["current"]["version"] == 2
    missing = rate(fact_checker, proposal, feasibility="conditional")
    assert missing.status_code == 409


def test_if_match_header_carries_the_version(fact_checker, proposal):
    rate(fact_checker, proposal)
    response = client_for(fact_checker).post(
        f"/api/proposals/{proposal.pk}/ratings/",
        rating_payload(feasibility="feasible"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200 and response["ETag"] == '"2"'


# Blind rating -------------------------------------------------------------------------------


def test_a_rater_who_has_not_rated_sees_only_the_count(fact_checker, fact_checker2, proposal):
    RatingFactory(proposal=proposal, rater=fact_checker2, feasibility="feasible")
    body = client_for(fact_checker).get(f"/api/proposals/{proposal.pk}/ratings/").json()
    assert body == {"count": 1, "blind": True, "results": []}
    verdict = client_for(fact_checker).get(f"/api/proposals/{proposal.pk}/verdict/").json()
    assert verdict["proposed"] is None and verdict["rating_count"] == 1


def test_after_rating_a_rater_sees_every_rating(fact_checker, fact_checker2, proposal):
    RatingFactory(proposal=proposal, rater=fact_checker2, feasibility="feasible")
    rate(fact_checker, proposal)
    body = client_for(fact_checker).get(f"/api/proposals/{proposal.pk}/ratings/").json()
    assert body["count"] == 2 and not body["blind"]
    assert {r["rater"] for r in body["results"]} == {"fc", "fc2"}


def test_moderators_see_every_rating_without_rating(fact_checker, proposal):
    RatingFactory(proposal=proposal, rater=fact_checker)
    body = (
        client_for(UserFactory(role="moderator"))
        .get(f"/api/proposals/{proposal.pk}/ratings/")
        .json()
    )
    assert body["count"] == 1 and not body["blind"] and len(body["results"]) == 1


def test_a_reviewer_is_a_rater_too_and_stays_blind_until_rating_or_the_verdict(
    fact_checker, reviewer, proposal
):
    RatingFactory(proposal=proposal, rater=fact_checker)
    body = client_for(reviewer).get(f"/api/proposals/{proposal.pk}/ratings/").json()
    assert body["count"] == 1 and body["blind"] and body["results"] == []
    VerdictFactory(proposal=proposal)
    body = client_for(reviewer).get(f"/api/proposals/{proposal.pk}/ratings/").json()
    assert not body["blind"] and len(body["results"]) == 1


def test_a_user_without_a_role_sees_only_the_count(outsider, fact_checker, proposal):
    RatingFactory(proposal=proposal, rater=fact_checker)
    body = client_for(outsider).get(f"/api/proposals/{proposal.pk}/ratings/").json()
    assert body["blind"] and body["results"] == [] and body["count"] == 1
