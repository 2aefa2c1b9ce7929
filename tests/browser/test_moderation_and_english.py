"""In Chromium: an author learns their annotation was hidden (with the reason) and the earlier
notification explains instead of a 404; the English pages carry no French label."""

from __future__ import annotations

import re

import pytest

from annotator.review import services
from tests.browser.helpers import login, screenshot
from tests.browser.newsroom_data import populate
from tests.factories.review import NotificationFactory
from tests.utils import PASSWORD

# Labels the French interface shows; none may appear on an English page. Data (proposal titles,
# election names, quotes) stays in the language it was written in.
FRENCH_LABELS = [
    "Irréalisable", "Difficilement réalisable", "Réalisable sous conditions", "Plutôt réalisable",
    "Déjà en place", "Non évaluable", "Sans verdict", "Revoir la grille", "Fiable", "Juridique",
    "Budgétaire", "Bloquant", "Thème", "Propositions", "Évaluations", "Candidat", "Infrastructures",
    "Souveraineté", "Données personnelles", "petit échantillon", "Calculé sur", "Méthodologie",
    "Comparer", "Accord", "Sources à lire", "Afficher", "Énoncé", "Passages dans",
]  # fmt: skip


@pytest.fixture
def newsroom(transactional_db):  # type: ignore[no-untyped-def]
    return populate()


def test_the_author_is_told_of_the_hiding_and_the_old_notification_explains_it(newsroom, page):
    author = newsroom["users"]["fact-checker"]
    moderator = newsroom["users"]["moderator"]
    annotation = newsroom["annotation"]
    NotificationFactory(recipient=author, annotation=annotation, kind="reply", text="Une question")
    services.annotation_hide(
        actor=moderator, annotation_id=annotation.pk, reason="Doublon d'une autre annotation."
    )
    login(page, author.username, PASSWORD)
    page.goto("/inbox/")
    inbox = page.locator("[data-testid=inbox]")
    first = inbox.locator(".inbox-item").first
    assert "Votre annotation a été masquée par un modérateur" in first.inner_text()
    assert "Doublon d'une autre annotation." in first.inner_text()
    assert "Inès Moreau" in first.inner_text()  # the moderator by name
    screenshot(page, "inbox-hidden-notice")

    older = inbox.locator(".inbox-item").nth(1)  # the reply notification from before
    older.get_by_role("button").click()
    page.wait_for_url(f"**/annotations/{annotation.pk}/")
    notice = page.locator("[data-testid=annotation-withdrawn]")
    assert "Cette annotation a été masquée par un modérateur" in notice.inner_text()
    assert "Doublon d'une autre annotation." in notice.inner_text()
    screenshot(page, "annotation-withdrawn")


@pytest.mark.parametrize("role", ["fact-checker", "moderator"])
def test_the_english_pages_carry_no_french_label(newsroom, new_page, role):
    page = new_page("en-US")
    login(page, newsroom["users"][role].username, PASSWORD)
    found: dict[str, list[str]] = {}
    for path in (
        "/compare/",
        f"/proposals/{newsroom['proposal'].slug}/",
        "/proposals/",
        "/methodology/",
        "/stats/",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.lang") == "en"
        # The interface's text: headings, labels, badges, buttons, table heads, legends.
        text = " ".join(
            page.locator(
                "h1, h2, h3, th, label, legend, .badge, .verdict, .reading, .chip, .eyebrow, "
                "button, .lead, .small-sample, nav a, dt, .scale-table td, .alpha-table td"
            ).all_inner_texts()
        )
        french = [word for word in FRENCH_LABELS if re.search(rf"\b{re.escape(word)}\b", text)]
        if french:
            found[path] = french
    screenshot(page, f"english-stats-{role}")
    assert found == {}
