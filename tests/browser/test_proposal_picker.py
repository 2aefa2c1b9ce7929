"""Linking a passage of the Hamon 2017 source to proposals, in Chromium: Hamon's proposals come
first, a proposal of another candidacy asks before it is linked, the inline proposal is pre-filled
with the source's candidacy, and a failed inline creation never saves the annotation."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from proposals.models import Candidacy, Proposal
from tests.browser.helpers import login, screenshot, select_with_mouse
from tests.factories import UserFactory
from tests.utils import PASSWORD

PASSAGE = "Benoît Hamon est le candidat du PS à la présidentielle"


@pytest.fixture
def hamon(transactional_db):  # type: ignore[no-untyped-def]
    call_command("load_seed")
    UserFactory(username="factchecker", role="fact-checker")
    return Article.objects.get(title__startswith="Les propositions de Benoît Hamon")


def open_composer(page, article):  # type: ignore[no-untyped-def]
    login(page, "factchecker", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    page.wait_for_selector("body[data-reader-ready=true]")
    start = article.text.index(PASSAGE)
    select_with_mouse(page, start, start + len(PASSAGE))
    page.get_by_role("button", name="Annoter").click()
    page.fill("#composer-comment", "Candidat désigné par la primaire.")


def test_the_sources_proposals_come_first_and_another_candidacy_asks_first(hamon, page):
    open_composer(page, hamon)
    page.fill("#proposal-search", "logiciel libre")
    options = page.locator("#proposal-results [role=option]")
    options.first.wait_for(state="visible")
    groups = [int(g) for g in options.evaluate_all("els => els.map(e => e.dataset.group)")]
    assert groups[0] == 0 and groups == sorted(groups), groups
    assert "Soutenir le logiciel libre" in options.first.inner_text()
    assert "Benoît Hamon · " in options.first.inner_text()  # candidate and election shown
    screenshot(page, "picker-ranking")

    foreign = page.locator("#proposal-results [role=option][data-group='2']").first
    foreign_title = foreign.locator("strong").inner_text()
    foreign.click()
    warning = page.locator("#proposal-warning")
    warning.wait_for(state="visible")
    assert "Jean-Luc Mélenchon" in warning.inner_text()
    assert page.locator("#linked-proposals li").count() == 0  # not linked yet
    screenshot(page, "picker-foreign-warning")
    warning.get_by_role("button", name="Annuler").click()
    assert warning.is_hidden() and page.locator("#linked-proposals li").count() == 0

    page.fill("#proposal-search", "logiciel libre")
    page.locator(f"#proposal-results [role=option]:has-text('{foreign_title}')").click()
    warning.get_by_role("button", name="Lier quand même").click()
    page.locator("#linked-proposals li").first.wait_for(state="visible")
    assert foreign_title in page.locator("#linked-proposals").inner_text()


def test_a_failed_inline_proposal_keeps_the_text_shows_the_error_and_saves_nothing(hamon, page):
    open_composer(page, hamon)
    page.locator("#new-proposal summary").click()
    candidacy = page.locator("#np-candidacy")
    candidacy.locator("option").nth(2).wait_for(state="attached")  # choices loaded
    assert candidacy.input_value() == str(Candidacy.objects.get(key="hamon-2017").pk)  # pre-filled
    page.fill("#np-title", "Primaire ouverte de la gauche")
    page.fill("#np-statement", "Désigner le candidat par une primaire ouverte.")
    before = Annotation.objects.count()

    page.click("#composer-save")  # no theme chosen: the proposal cannot be created
    error = page.locator("#np-primary_theme-error")
    error.wait_for(state="visible")
    assert "Obligatoire" in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "np-theme"
    assert error.bounding_box()["y"] >= 0  # next to the field, in view
    assert "pas été enregistrée" in page.locator("#np-error").inner_text()
    assert page.input_value("#np-title") == "Primaire ouverte de la gauche"  # kept
    assert page.input_value("#composer-comment") == "Candidat désigné par la primaire."
    assert Annotation.objects.count() == before
    screenshot(page, "picker-inline-error")

    page.select_option("#np-theme", "DEMO")
    page.click("#composer-save")
    page.locator("#composer").wait_for(state="hidden")
    annotation = Annotation.objects.latest("pk")
    assert [p.title for p in annotation.proposals.all()] == ["Primaire ouverte de la gauche"]
    created = Proposal.objects.get(title="Primaire ouverte de la gauche")
    assert created.candidacy.key == "hamon-2017"
