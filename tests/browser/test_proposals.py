from __future__ import annotations

import pytest
from django.core.management import call_command

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from proposals.models import Proposal
from tests.browser.helpers import login, screenshot
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.annotations import passage
from tests.utils import PASSWORD

SLUG = "hidalgo-2022-cloud-francais"


@pytest.fixture
def seeded(transactional_db):  # type: ignore[no-untyped-def]
    call_command("load_seed")
    factchecker = UserFactory(username="factchecker", role="fact-checker")
    UserFactory(username="factchecker2", role="fact-checker")
    UserFactory(username="reviewer", role="reviewer")
    proposal = Proposal.objects.get(slug=SLUG)
    article = Article.objects.filter(text__contains=proposal.statement[:60]).first()
    if article is not None:
        AnnotationFactory(
            article=article,
            author=factchecker,
            status=Annotation.Status.APPROVED,
            proposals=[proposal],
            **passage(article, proposal.statement[:60]),
        )
    return proposal


def fill_rating(page, feasibility: str, justification: str) -> None:  # type: ignore[no-untyped-def]
    page.check(f'input[name="feasibility"][value="{feasibility}"]')
    page.select_option("#obstacle-budget", "2")
    page.select_option("#importance", "high")
    page.select_option("#confidence", "medium")
    page.fill("#justification", justification)
    page.fill("#evidence-urls", "https://www.numerama.com/politique/hidalgo-numerique.html")
    page.click('[data-testid="submit-rating"]')


def test_two_blind_raters_then_a_reviewer_publishes_and_the_comparison_shows_it(seeded, new_page):
    url = seeded.get_absolute_url()
    first = new_page()
    login(first, "factchecker", PASSWORD)
    first.goto(url)
    assert first.locator('[data-testid="rating-count"]').inner_text() == "0"
    fill_rating(
        first,
        "conditional",
        "Un cloud souverain suppose une commande publique européenne coordonnée et des "
        "investissements lourds non chiffrés dans le programme.",
    )
    assert first.locator('[data-testid="rating"]').count() == 1

    second = new_page()
    login(second, "factchecker2", PASSWORD)
    second.goto(url)
    assert second.locator('[data-testid="blind-notice"]').is_visible()
    assert second.locator('[data-testid="rating-count"]').inner_text() == "1"
    assert second.locator('[data-testid="rating"]').count() == 0
    assert "commande publique européenne" not in second.content()
    screenshot(second, "proposal-blind")
    fill_rating(
        second,
        "conditional",
        "Les règles européennes de la commande publique limitent la préférence nationale ; "
        "la mesure dépend d'un accord au niveau de l'Union.",
    )
    assert second.locator('[data-testid="rating"]').count() == 2
    assert "commande publique européenne" in second.content()

    reviewer = new_page()
    login(reviewer, "reviewer", PASSWORD)
    reviewer.goto(url)
    # Reviewers rate too, so the ratings stay blind to them until they have rated.
    assert reviewer.locator('[data-testid="blind-notice"]').is_visible()
    assert "commande publique européenne" not in reviewer.content()
    fill_rating(
        reviewer,
        "conditional",
        "La préférence européenne dans la commande publique reste à négocier avec les autres "
        "États membres.",
    )
    assert reviewer.locator('[data-testid="rating"]').count() == 3
    assert (
        "Réalisable sous conditions"
        in reviewer.locator('[data-testid="proposed-verdict"]').inner_text()
    )
    reviewer.fill(
        "#verdict-summary", "Réalisable à condition d'un accord européen sur la commande publique."
    )
    reviewer.click("text=Publier le verdict")
    assert reviewer.locator(
        '[data-testid="published-verdict"] [data-verdict="conditional"]'
    ).is_visible()
    screenshot(reviewer, "proposal-detail")
    reviewer.locator("#ratings").scroll_into_view_if_needed()
    screenshot(reviewer, "proposal-detail-ratings")

    reviewer.goto(f"/compare/?election={seeded.candidacy.election_id}")
    item = reviewer.locator('[data-testid="compare-item"]', has_text=seeded.title)
    assert item.locator('[data-verdict="conditional"]').is_visible()
    item.scroll_into_view_if_needed()
    screenshot(reviewer, "compare")
    reviewer.goto("/stats/")
    screenshot(reviewer, "stats")


def test_a_blocking_obstacle_disables_the_higher_feasibility_choices(seeded, page):
    login(page, "factchecker", PASSWORD)
    page.goto(seeded.get_absolute_url())
    page.select_option("#obstacle-legal", "3")
    assert page.locator('input[name="feasibility"][value="feasible"]').is_disabled()
    assert page.locator('input[name="feasibility"][value="conditional"]').is_disabled()
    assert page.locator('input[name="feasibility"][value="hardly_feasible"]').is_enabled()
    assert page.locator('input[name="feasibility"][value="not_assessable"]').is_enabled()
    page.select_option("#obstacle-legal", "2")
    assert page.locator('input[name="feasibility"][value="feasible"]').is_enabled()


def test_the_list_and_methodology_pages_look_right(seeded, page):
    page.goto("/methodology/")
    assert page.locator('[data-testid="scale-table"] tbody tr').count() == 7
    screenshot(page, "methodology")
    login(page, "factchecker", PASSWORD)
    page.goto("/proposals/?q=cloud")
    assert page.locator('[data-testid="proposal-row"]', has_text=seeded.title).count() == 1
    page.goto("/proposals/")
    assert page.locator('[data-testid="proposal-row"]').count() == 50
    screenshot(page, "proposals-list")
