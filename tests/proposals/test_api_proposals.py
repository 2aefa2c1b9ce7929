from __future__ import annotations

import pytest

from proposals.models import Proposal
from tests.factories import CandidacyFactory, ElectionFactory, ProposalFactory, UserFactory, theme
from tests.factories.proposals import RatingFactory, VerdictFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def create_payload(for_candidacy, **overrides):  # type: ignore[no-untyped-def]
    payload = {
        "candidacy": for_candidacy.pk,
        "primary_theme": "CYBER",
        "secondary_themes": ["SOUV"] if _has("SOUV") else [],
        "title": "Créer un parquet national cyber",
        "statement": "Nous créerons un parquet national spécialisé dans la cybercriminalité.",
    }
    payload.update(overrides)
    return payload


def _has(code: str) -> bool:
    from proposals.models import Theme

    theme()
    return Theme.objects.filter(code=code).exists()


def test_fact_checker_creates_a_proposal_and_gets_a_slug(fact_checker):
    candidacy = CandidacyFactory(key="macron-2022")
    response = client_for(fact_checker).post(
        "/api/proposals/", create_payload(candidacy), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "macron-2022-creer-un-parquet-national-cyber"
    assert body["primary_theme"] == "CYBER" and body["candidacy"]["id"] == candidacy.pk
    assert body["rating_count"] == 0 and body["verdict"] is None
    again = client_for(fact_checker).post(
        "/api/proposals/", create_payload(candidacy), format="json"
    )
    assert again.json()["slug"] == "macron-2022-creer-un-parquet-national-cyber-2"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"candidacy": 999999}, "candidacy"),
        ({"primary_theme": "NOPE"}, "primary_theme"),
        ({"secondary_themes": ["NOPE"]}, "secondary_themes"),
        ({"title": "   "}, "title"),
        ({"statement": ""}, "statement"),
    ],
)
def test_creating_an_invalid_proposal_is_a_400(fact_checker, overrides, field):
    response = client_for(fact_checker).post(
        "/api/proposals/", create_payload(CandidacyFactory(), **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("fact-checker", 201), ("reviewer", 201), ("moderator", 201), (None, 403)],
)
def test_the_newsroom_roles_create_proposals(role, expected):
    user = UserFactory(role=role) if role else UserFactory()
    response = client_for(user).post(
        "/api/proposals/", create_payload(CandidacyFactory()), format="json"
    )
    assert response.status_code == expected


def test_editing_needs_the_current_version(fact_checker, fact_checker2):
    proposal = ProposalFactory()
    url = f"/api/proposals/{proposal.pk}/"
    ok = client_for(fact_checker).patch(
        url, {"title": "Nouveau titre", "version": 1}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok["ETag"] == '"2"'
    stale = client_for(fact_checker2).patch(url, {"title": "Autre", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "Nouveau titre"
    missing = client_for(fact_checker2).patch(url, {"title": "Autre"}, format="json")
    assert missing.status_code == 400
    assert Proposal.objects.get(pk=proposal.pk).title == "Nouveau titre"


def test_editing_with_if_match(fact_checker):
    proposal = ProposalFactory()
    response = client_for(fact_checker).patch(
        f"/api/proposals/{proposal.pk}/",
        {"statement": "Nouvel énoncé."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200 and response.json()["statement"] == "Nouvel énoncé."


def test_a_user_without_role_cannot_edit(outsider):
    proposal = ProposalFactory()
    response = client_for(outsider).patch(
        f"/api/proposals/{proposal.pk}/", {"title": "X", "version": 1}, format="json"
    )
    assert response.status_code == 403


def test_list_filters_by_election_theme_verdict_and_rated(fact_checker):
    e2017, e2022 = ElectionFactory(), ElectionFactory()
    old = ProposalFactory(candidacy=CandidacyFactory(election=e2017), primary_theme=theme("CYBER"))
    rated = ProposalFactory(candidacy=CandidacyFactory(election=e2022))
    judged = ProposalFactory(candidacy=CandidacyFactory(election=e2022))
    RatingFactory(proposal=rated)
    VerdictFactory(proposal=judged, feasibility="feasible")
    client = client_for(fact_checker)

    def ids(query: str) -> set[int]:
        return {p["id"] for p in client.get(f"/api/proposals/?{query}").json()["results"]}

    assert ids(f"election={e2017.pk}") == {old.pk}
    assert ids("theme=CYBER") >= {old.pk}
    assert ids("verdict=feasible") == {judged.pk}
    assert ids("verdict=none") == {old.pk, rated.pk}
    assert ids("rated=true") == {rated.pk}
    assert rated.pk not in ids("rated=false")


def test_accent_insensitive_search_is_kept(fact_checker):
    ProposalFactory(title="Renforcer la cybersécurité des hôpitaux")
    results = client_for(fact_checker).get("/api/proposals/?search=cybersecurite hopitaux").json()
    assert [p["title"] for p in results["results"]] == ["Renforcer la cybersécurité des hôpitaux"]


def test_candidacies_are_read_only(fact_checker):
    candidacy = CandidacyFactory()
    client = client_for(fact_checker)
    body = client.get(f"/api/candidacies/?election={candidacy.election_id}").json()
    assert [c["id"] for c in body["results"]] == [candidacy.pk]
    assert client.post("/api/candidacies/", {}, format="json").status_code == 405


def test_the_list_runs_a_constant_number_of_queries(fact_checker, django_assert_max_num_queries):
    for _ in range(5):
        proposal = ProposalFactory()
        RatingFactory(proposal=proposal)
        RatingFactory(proposal=proposal)
    client = client_for(fact_checker)
    with django_assert_max_num_queries(4):
        client.get("/api/proposals/")
