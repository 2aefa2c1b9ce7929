from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from tests.factories import CandidacyFactory, ElectionFactory, ProposalFactory, UserFactory, theme
from tests.factories.proposals import RatingFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def raters():  # type: ignore[no-untyped-def]
    return [UserFactory(role="fact-checker") for _ in range(3)]


def rate_matrix(proposals, raters, matrix, importance=None):  # type: ignore[no-untyped-def]
    """matrix[rater][proposal]: a feasibility value or None (no rating)."""
    for r, rater in enumerate(raters):
        for p, proposal in enumerate(proposals):
            if matrix[r][p] is not None:
                RatingFactory(
                    proposal=proposal,
                    rater=rater,
                    feasibility=matrix[r][p],
                    importance=(importance[r][p] if importance else "medium"),
                )


RANK = {
    "not_feasible": 1,
    "hardly_feasible": 2,
    "conditional": 3,
    "mostly_feasible": 4,
    "feasible": 5,
}


def reference(matrix):  # type: ignore[no-untyped-def]
    data = [[RANK.get(v, np.nan) if v else np.nan for v in row] for row in matrix]
    return krippendorff.alpha(
        reliability_data=np.array(data, dtype=float), level_of_measurement="ordinal"
    )


def test_agreement_matches_the_package_with_verdicts_outside_the_order_as_missing(
    raters, moderator
):
    proposals = [ProposalFactory() for _ in range(5)]
    matrix = [
        ["feasible", "conditional", "not_feasible", "already_in_place", "mostly_feasible"],
        ["feasible", "mostly_feasible", "hardly_feasible", "conditional", None],
        [None, "conditional", "not_feasible", "conditional", "not_assessable"],
    ]
    importance = [
        ["high", "low", "medium", "high", "low"],
        ["high", "low", "high", "high", "medium"],
        ["high", "medium", "medium", "low", "low"],
    ]
    rate_matrix(proposals, raters, matrix, importance)
    body = client_for(moderator).get("/api/stats/agreement/").json()
    assert body["feasibility"]["level"] == "ordinal"
    assert body["feasibility"]["alpha"] == pytest.approx(reference(matrix), abs=1e-9)
    assert body["feasibility"]["units"] == 4  # the last proposal has one ordinal value only
    assert body["feasibility"]["pairable_values"] == 10
    levels = {"low": 1, "medium": 2, "high": 3}
    expected_importance = krippendorff.alpha(
        reliability_data=np.array(
            [
                [levels[v] if matrix[r][p] else np.nan for p, v in enumerate(row)]
                for r, row in enumerate(importance)
            ],
            dtype=float,
        ),
        level_of_measurement="ordinal",
    )
    assert body["importance"]["alpha"] == pytest.approx(expected_importance, abs=1e-9)


def test_agreement_of_a_single_rater_is_null(fact_checker, moderator):
    RatingFactory(proposal=ProposalFactory(), rater=fact_checker)
    RatingFactory(proposal=ProposalFactory(), rater=fact_checker, feasibility="feasible")
    body = client_for(moderator).get("/api/stats/agreement/").json()
    assert body["feasibility"] == {
        "alpha": None,
        "level": "ordinal",
        "units": 0,
        "pairable_values": 0,
    }
    assert body["importance"]["alpha"] is None


def test_agreement_with_no_rating_at_all_is_null(fact_checker, moderator):
    body = client_for(moderator).get("/api/stats/agreement/").json()
    assert body["feasibility"]["alpha"] is None and body["importance"]["alpha"] is None


def test_agreement_filters_by_election_theme_candidate_and_proposals(raters, moderator):
    e1, e2 = ElectionFactory(), ElectionFactory()
    c1 = CandidacyFactory(election=e1)
    agreeing = [ProposalFactory(candidacy=c1, primary_theme=theme("CYBER")) for _ in range(3)]
    disagreeing = [ProposalFactory(candidacy=CandidacyFactory(election=e2)) for _ in range(3)]
    rate_matrix(agreeing, raters[:2], [["feasible", "conditional", "not_feasible"]] * 2)
    rate_matrix(
        disagreeing,
        raters[:2],
        [["feasible", "not_feasible", "conditional"], ["not_feasible", "feasible", "feasible"]],
    )
    client = client_for(moderator)

    def alpha(query: str) -> float | None:
        return client.get(f"/api/stats/agreement/?{query}").json()["feasibility"]["alpha"]

    assert alpha(f"election={e1.pk}") == pytest.approx(1.0)
    assert alpha(f"candidate={c1.candidate_id}") == pytest.approx(1.0)
    assert alpha(f"election={e2.pk}") < 0
    ids = "&".join(f"proposal={p.pk}" for p in agreeing[:2])
    assert alpha(ids) == pytest.approx(1.0)
    assert client.get(f"/api/stats/agreement/?{ids}").json()["feasibility"]["units"] == 2
    assert alpha("theme=CYBER") is not None


def test_agreement_rejects_malformed_filters(fact_checker):
    response = client_for(fact_checker).get("/api/stats/agreement/?election=abc")
    assert response.status_code == 400 and "election" in response.json()["fields"]
    assert client_for(fact_checker).get("/api/stats/agreement/?proposal=x").status_code == 400
