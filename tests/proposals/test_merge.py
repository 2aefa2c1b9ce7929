from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotator.annotations.models import Annotation
from proposals.models import FeasibilityRating, Proposal, ProposalMerge, Verdict
from proposals.services import proposal_merge
from tests.factories import AnnotationFactory, CandidacyFactory, ProposalFactory, UserFactory
from tests.factories.proposals import RatingFactory, VerdictFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():  # type: ignore[no-untyped-def]
    candidacy = CandidacyFactory()
    return ProposalFactory(candidacy=candidacy), ProposalFactory(candidacy=candidacy)


def test_merging_moves_passages_ratings_and_verdicts_to_the_kept_record(
    moderator, fact_checker, fact_checker2, pair
):
    kept, duplicate = pair
    passage = AnnotationFactory(status=Annotation.Status.SUBMITTED, proposals=[duplicate])
    both = AnnotationFactory(status=Annotation.Status.SUBMITTED, proposals=[duplicate, kept])
    RatingFactory(proposal=duplicate, rater=fact_checker)
    VerdictFactory(proposal=duplicate)
    response = client_for(moderator).post(
        f"/api/proposals/{duplicate.pk}/merge/", {"into": kept.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["moved_ratings"] == 1
    assert set(passage.proposals.all()) == {kept}
    assert set(both.proposals.all()) == {kept}
    assert FeasibilityRating.objects.get(rater=fact_checker).proposal == kept
    assert Verdict.objects.get().proposal == kept
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept


def test_rating_history_follows_the_moved_rating(moderator, fact_checker, pair):
    kept, duplicate = pair
    rating = RatingFactory(proposal=duplicate, rater=fact_checker)
    proposal_merge(actor=moderator, duplicate_id=duplicate.pk, kept_id=kept.pk)
    assert {h.proposal_id for h in rating.history.all()} == {kept.pk}


def test_when_one_rater_rated_both_the_newer_rating_is_kept_and_the_other_recorded(
    moderator, fact_checker, pair
):
    kept, duplicate = pair
    older = RatingFactory(proposal=kept, rater=fact_checker, feasibility="feasible")
    newer = RatingFactory(proposal=duplicate, rater=fact_checker, feasibility="conditional")
    FeasibilityRating.objects.filter(pk=older.pk).update(
        modified=timezone.now() - dt.timedelta(days=2)
    )
    merge = proposal_merge(actor=moderator, duplicate_id=duplicate.pk, kept_id=kept.pk)
    remaining = FeasibilityRating.objects.get(rater=fact_checker)
    assert remaining.pk == newer.pk and remaining.proposal == kept
    assert [d["feasibility"] for d in merge.dropped_ratings] == ["feasible"]
    assert merge.dropped_ratings[0]["rating"] == older.pk


def test_the_kept_records_current_verdict_stays_current(moderator, pair):
    kept, duplicate = pair
    VerdictFactory(proposal=kept, feasibility="feasible")
    VerdictFactory(proposal=duplicate, feasibility="not_feasible")
    proposal_merge(actor=moderator, duplicate_id=duplicate.pk, kept_id=kept.pk)
    current = Verdict.objects.get(proposal=kept, is_current=True)
    assert current.feasibility == "feasible"
    assert Verdict.objects.filter(proposal=kept).count() == 2


def test_the_old_address_redirects_to_the_kept_record(client, moderator, pair):
    kept, duplicate = pair
    proposal_merge(actor=moderator, duplicate_id=duplicate.pk, kept_id=kept.pk)
    client.force_login(moderator)
    response = client.get(f"/proposals/{duplicate.slug}/")
    assert response.status_code == 301 and response["Location"] == f"/proposals/{kept.slug}/"
    api = client_for(moderator).get(f"/api/proposals/{duplicate.pk}/")
    assert api.status_code == 404 and api.json()["merged_into"] == kept.pk


def test_merged_duplicates_leave_the_list(moderator, pair):
    kept, duplicate = pair
    proposal_merge(actor=moderator, duplicate_id=duplicate.pk, kept_id=kept.pk)
    ids = [p["id"] for p in client_for(moderator).get("/api/proposals/").json()["results"]]
    assert ids == [kept.pk]


def test_a_chain_of_merges_points_at_the_last_kept_record(moderator):
    candidacy = CandidacyFactory()
    a, b, c = (ProposalFactory(candidacy=candidacy) for _ in range(3))
    proposal_merge(actor=moderator, duplicate_id=a.pk, kept_id=b.pk)
    proposal_merge(actor=moderator, duplicate_id=b.pk, kept_id=c.pk)
    a.refresh_from_db()
    assert a.merged_into == c and ProposalMerge.objects.count() == 2


@pytest.mark.parametrize("role", ["fact-checker", "reviewer", None])
def test_only_moderators_merge(pair, role):
    kept, duplicate = pair
    user = UserFactory(role=role) if role else UserFactory()
    response = client_for(user).post(
        f"/api/proposals/{duplicate.pk}/merge/", {"into": kept.pk}, format="json"
    )
    assert response.status_code == 403
    assert Proposal.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_refuses_itself_other_candidacies_and_missing_targets(moderator, pair):
    kept, _duplicate = pair
    other = ProposalFactory()
    client = client_for(moderator)
    assert (
        client.post(
            f"/api/proposals/{kept.pk}/merge/", {"into": kept.pk}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/proposals/{kept.pk}/merge/", {"into": other.pk}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(f"/api/proposals/{kept.pk}/merge/", {"into": 999999}, format="json").status_code
        == 404
    )
    assert (
        client.post(f"/api/proposals/{kept.pk}/merge/", {"into": "x"}, format="json").status_code
        == 400
    )
