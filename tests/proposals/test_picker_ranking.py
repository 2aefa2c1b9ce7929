"""GET /api/proposals/?for_article=<source>&search=...: the picker's ranking. The source's own
candidacies first, then the same election, then the others; each group by French full-text
relevance. The source id is checked against what the user may read."""

from __future__ import annotations

import pytest

from annotator.articles.models import Article
from tests.factories import ArticleFactory, CandidacyFactory, ElectionFactory, ProposalFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def elections():  # type: ignore[no-untyped-def]
    e2017, e2022 = ElectionFactory(), ElectionFactory()
    hamon = CandidacyFactory(election=e2017)
    melenchon_2017 = CandidacyFactory(election=e2017)
    melenchon_2022 = CandidacyFactory(election=e2022)
    article = ArticleFactory()
    article.candidacies.set([hamon])
    return {
        "article": article,
        "other_election": ProposalFactory(
            candidacy=melenchon_2022,
            title="Aaa revenu universel numérique",  # alphabetically first
            statement="Un revenu universel pour tous.",
        ),
        "same_election": ProposalFactory(
            candidacy=melenchon_2017,
            title="Bbb revenu universel",
            statement="Le revenu universel d'existence.",
        ),
        "own_weak": ProposalFactory(
            candidacy=hamon,
            title="Zzz fiscalité des robots",
            statement="Financer le revenu universel par une taxe sur les robots.",
        ),
        "own_strong": ProposalFactory(
            candidacy=hamon,
            title="Zzz revenu universel",
            statement="Instaurer le revenu universel d'existence, revenu universel pour tous.",
        ),
    }


def test_the_sources_candidacies_come_first_then_the_same_election_then_the_others(
    elections, fact_checker
):
    article = elections["article"]
    response = client_for(fact_checker).get(
        f"/api/proposals/?for_article={article.pk}&search=revenu+universel"
    )
    assert response.status_code == 200, response.json()
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [
        elections["own_strong"].pk,  # own candidacy, the title matches: more relevant
        elections["own_weak"].pk,
        elections["same_election"].pk,
        elections["other_election"].pk,
    ]


def test_without_a_search_the_groups_are_ordered_by_title(elections, fact_checker):
    article = elections["article"]
    body = client_for(fact_checker).get(f"/api/proposals/?for_article={article.pk}").json()
    ids = [row["id"] for row in body["results"]]
    assert ids[:2] == [elections["own_weak"].pk, elections["own_strong"].pk]
    assert ids[2] == elections["same_election"].pk


def test_a_source_the_user_may_not_read_is_a_400_envelope(elections, fact_checker):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    for value in (draft.pk, 999_999, "abc"):
        response = client_for(fact_checker).get(f"/api/proposals/?for_article={value}")
        assert response.status_code == 400, value
        assert "for_article" in response.json()["fields"]


def test_the_ranked_list_runs_a_fixed_number_of_queries(
    elections, fact_checker, django_assert_max_num_queries
):
    article = elections["article"]
    with django_assert_max_num_queries(8):
        client_for(fact_checker).get(f"/api/proposals/?for_article={article.pk}&search=revenu")
