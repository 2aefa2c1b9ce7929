from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from proposals.models import FeasibilityRating, Verdict
from tests.factories import (
    AnnotationFactory,
    CandidacyFactory,
    ElectionFactory,
    ProposalFactory,
    UserFactory,
    theme,
)
from tests.factories.proposals import JUSTIFICATION, RatingFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):  # type: ignore[no-untyped-def]
    def login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return login


def test_methodology_is_public_and_in_french_by_default(client):
    response = client.get("/methodology/")
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "Irréalisable",
        "Difficilement réalisable",
        "Réalisable sous conditions",
        "Plutôt réalisable",
        "Déjà en place",
        "Non évaluable",
    ):
        assert label in html
    assert "Juridiquement ou techniquement impossible" in html
    assert "Legally or technically impossible as stated" not in html  # one language per page
    assert "Krippendorff" in html


def test_pages_need_a_login(client):
    proposal = ProposalFactory()
    for url in ("/proposals/", proposal.get_absolute_url(), "/compare/", "/stats/"):
        assert client.get(url).status_code == 302


def test_proposal_list_filters_and_searches_in_french(logged_in, fact_checker):
    election = ElectionFactory()
    ProposalFactory(
        title="Chiffrer les communications de l'État",
        statement="Généraliser le chiffrement de bout en bout.",
        candidacy=CandidacyFactory(election=election),
    )
    ProposalFactory(
        title="Fibre pour tous", statement="Couvrir les zones blanches en très haut débit."
    )
    client = logged_in(fact_checker)
    html = client.get("/proposals/?q=chiffrement").content.decode()
    assert "Chiffrer les communications" in html and "Fibre pour tous" not in html
    html = client.get("/proposals/?q=tres+debit").content.decode()  # accents folded
    assert "Fibre pour tous" in html and "Chiffrer" not in html
    html = client.get(f"/proposals/?election={election.pk}").content.decode()
    assert "Chiffrer" in html and "Fibre pour tous" not in html
    html = client.get("/proposals/?rated=yes").content.decode()
    assert "Aucune proposition" in html or "No proposal matches" in html


def test_the_list_page_runs_a_constant_number_of_queries(
    logged_in, fact_checker, django_assert_max_num_queries
):
    client = logged_in(fact_checker)
    for _ in range(3):
        p = ProposalFactory()
        RatingFactory(proposal=p)
    with django_assert_max_num_queries(12) as few:
        client.get("/proposals/")
    for _ in range(10):
        p = ProposalFactory(primary_theme=theme("CYBER"))
        for _ in range(3):
            RatingFactory(proposal=p)
        VerdictFactory(proposal=p)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/proposals/")
    assert response.content.decode().count('data-testid="proposal-row"') == 13


def test_the_detail_page_runs_a_constant_number_of_queries(
    logged_in, reviewer, django_assert_max_num_queries
):
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal)
    AnnotationFactory(status=Annotation.Status.SUBMITTED, proposals=[proposal])
    client = logged_in(reviewer)
    with django_assert_max_num_queries(20) as few:
        client.get(proposal.get_absolute_url())
    for _ in range(8):
        RatingFactory(proposal=proposal)
        AnnotationFactory(status=Annotation.Status.SUBMITTED, proposals=[proposal])
    VerdictFactory(proposal=proposal)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(proposal.get_absolute_url())
    assert response.content.decode().count('data-testid="rating"') == 9


def test_detail_shows_visible_passages_linking_to_the_highlight(logged_in, fact_checker):
    proposal = ProposalFactory()
    shown = AnnotationFactory(status=Annotation.Status.APPROVED, proposals=[proposal])
    others_draft = AnnotationFactory(status=Annotation.Status.DRAFT, proposals=[proposal])
    own_draft = AnnotationFactory(
        status=Annotation.Status.DRAFT, author=fact_checker, proposals=[proposal]
    )
    deleted = AnnotationFactory(status=Annotation.Status.APPROVED, proposals=[proposal])
    Annotation.objects.filter(pk=deleted.pk).update(deleted_at="2026-01-01T00:00:00Z")
    html = logged_in(fact_checker).get(proposal.get_absolute_url()).content.decode()
    assert f"/articles/{shown.article_id}/#annotation-{shown.pk}" in html
    assert f"#annotation-{own_draft.pk}" in html
    assert f"#annotation-{others_draft.pk}" not in html
    assert f"#annotation-{deleted.pk}" not in html


def test_the_detail_page_is_blind_until_the_rater_rates(logged_in, fact_checker, fact_checker2):
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal, rater=fact_checker2, justification="Avis secret " * 10)
    client = logged_in(fact_checker)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="blind-notice"' in html and "Avis secret" not in html
    response = client.post(
        f"{proposal.get_absolute_url()}rate/",
        {
            "feasibility": "conditional",
            "importance": "high",
            "confidence": "medium",
            "justification": JUSTIFICATION,
            "evidence_urls": "https://example.org/a\n",
            "obstacle_legal": "2",
        },
    )
    assert response.status_code == 302
    assert FeasibilityRating.objects.get(rater=fact_checker).obstacles["legal"] == 2
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Avis secret" in html and 'data-testid="blind-notice"' not in html


def test_an_invalid_rating_form_shows_the_error_and_keeps_the_input(logged_in, fact_checker):
    proposal = ProposalFactory()
    response = logged_in(fact_checker).post(
        f"{proposal.get_absolute_url()}rate/",
        {
            "feasibility": "feasible",
            "importance": "high",
            "confidence": "low",
            "justification": "Court",
            "obstacle_budget": "3",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="rating-error"' in html and ">Court</textarea>" in html
    assert not FeasibilityRating.objects.exists()


def test_a_moderator_without_rater_role_gets_no_rating_form(logged_in, moderator):
    proposal = ProposalFactory()
    html = logged_in(moderator).get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="submit-rating"' not in html and 'id="merge"' in html
    response = logged_in(moderator).post(
        f"{proposal.get_absolute_url()}rate/", {"feasibility": "feasible"}
    )
    assert response.status_code == 302 and not FeasibilityRating.objects.exists()


def test_reviewer_publishes_from_the_page_and_the_comparison_shows_it(
    logged_in, reviewer, fact_checker, fact_checker2
):
    proposal = ProposalFactory(title="Souveraineté du cloud")
    RatingFactory(proposal=proposal, rater=fact_checker, feasibility="hardly_feasible")
    RatingFactory(proposal=proposal, rater=fact_checker2, feasibility="hardly_feasible")
    client = logged_in(reviewer)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="proposed-verdict"' not in html  # blind until the reviewer rates
    RatingFactory(proposal=proposal, rater=reviewer, feasibility="hardly_feasible")
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="proposed-verdict"' in html
    response = client.post(
        f"{proposal.get_absolute_url()}verdict/", {"summary": "Obstacle européen majeur."}
    )
    assert response.status_code == 302
    assert Verdict.objects.get().feasibility == "hardly_feasible"
    html = client.get(f"/compare/?election={proposal.candidacy.election_id}").content.decode()
    assert "Souveraineté du cloud" in html and 'data-verdict="hardly_feasible"' in html


def test_a_fact_checker_cannot_publish_from_the_page(logged_in, fact_checker, fact_checker2):
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal, rater=fact_checker)
    RatingFactory(proposal=proposal, rater=fact_checker2)
    response = logged_in(fact_checker).post(
        f"{proposal.get_absolute_url()}verdict/", {"summary": "x"}
    )
    assert response.status_code == 302 and not Verdict.objects.exists()


def test_fact_checker_creates_and_edits_a_proposal_from_the_pages(logged_in, fact_checker):
    candidacy = CandidacyFactory()
    client = logged_in(fact_checker)
    assert client.get("/proposals/new/").status_code == 200
    response = client.post(
        "/proposals/new/",
        {
            "candidacy": candidacy.pk,
            "primary_theme": "CYBER",
            "title": "Un CERT par région",
            "statement": "Créer un CERT dans chaque région.",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    edit = client.post(
        f"{url}edit/",
        {
            "candidacy": candidacy.pk,
            "primary_theme": "CYBER",
            "title": "Un CERT par région",
            "statement": "Nouveau.",
            "version": 1,
        },
    )
    assert edit.status_code == 302
    stale = client.post(
        f"{url}edit/",
        {
            "candidacy": candidacy.pk,
            "primary_theme": "CYBER",
            "title": "X",
            "statement": "Y",
            "version": 1,
        },
    )
    assert stale.status_code == 409


def test_a_user_without_role_cannot_open_the_creation_form(logged_in, outsider):
    assert logged_in(outsider).get("/proposals/new/").status_code == 403


def test_compare_and_stats_pages_render(logged_in, moderator, fact_checker, fact_checker2):
    proposal = ProposalFactory()
    RatingFactory(proposal=proposal, rater=fact_checker, feasibility="not_feasible")
    RatingFactory(proposal=proposal, rater=fact_checker2, feasibility="feasible")
    client = logged_in(moderator)
    assert client.get("/compare/").status_code == 200
    html = client.get("/stats/").content.decode()
    assert "fc · fc2" in html and proposal.title in html  # the pair, and the to-discuss list


def test_stats_page_runs_a_constant_number_of_queries(
    logged_in, reviewer, django_assert_max_num_queries
):
    client = logged_in(reviewer)
    raters = [UserFactory(role="fact-checker") for _ in range(3)]
    p = ProposalFactory()
    RatingFactory(proposal=p, rater=raters[0], feasibility="not_feasible")
    RatingFactory(proposal=p, rater=raters[1], feasibility="feasible")
    with django_assert_max_num_queries(15) as few:
        client.get("/stats/")
    for _ in range(5):
        p = ProposalFactory()
        for rater in raters:
            RatingFactory(proposal=p, rater=rater, feasibility="feasible")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/stats/")


def test_the_comparison_runs_a_constant_number_of_queries(
    logged_in, fact_checker, django_assert_max_num_queries
):
    election = ElectionFactory()
    candidacies = [CandidacyFactory(election=election) for _ in range(3)]
    ProposalFactory(candidacy=candidacies[0])
    client = logged_in(fact_checker)
    with django_assert_max_num_queries(12) as few:
        client.get(f"/compare/?election={election.pk}")
    for candidacy in candidacies:
        for code in ("CYBER", "SOUV"):
            p = ProposalFactory(candidacy=candidacy, primary_theme=theme(code))
            VerdictFactory(proposal=p, feasibility="feasible")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/compare/?election={election.pk}")
    assert response.content.decode().count('data-testid="compare-item"') == 7


def test_methodology_follows_the_browser_language_when_it_is_english(client):
    html = client.get("/methodology/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How we rate the feasibility of proposals" in html
    assert "Hardly feasible" in html and "Legally or technically impossible as stated" in html
    # Every scale label and definition, obstacle and level in English: no French left.
    for french in ("Difficilement réalisable", "Juridiquement", "Bloquant", "Juridique"):
        assert french not in html, french
