"""The reader in a real browser: select with the mouse, annotate, link a proposal, reload, edit,
overlap, and a `<script>` comment that stays inert."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from tests.browser.helpers import annotate, login, marked_text, screenshot, select_with_mouse
from tests.factories import UserFactory
from tests.utils import PASSWORD

PS_TITLE = "Programme numérique du Parti socialiste (présidentielle 2022)"
# Stored with a PDF hard line break inside: "Ministère\ndu numérique".
FIRST = "Nous créerons donc un Ministère\ndu numérique"
OVERLAP = "un Ministère\ndu numérique, autonome puisque détaché"


@pytest.fixture
def seeded(transactional_db):  # type: ignore[no-untyped-def]
    call_command("load_seed")
    UserFactory(username="factchecker", role="fact-checker")
    return Article.objects.get(title=PS_TITLE)


def test_fact_checker_annotates_a_passage_with_the_mouse_and_finds_it_after_reload(seeded, page):
    article = seeded
    start = article.text.index(FIRST)
    end = start + len(FIRST)
    login(page, "factchecker", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    page.wait_for_selector("body[data-reader-ready=true]")

    select_with_mouse(page, start, end)
    annotate(page, "Promesse de **ministère** : à vérifier.", proposal_search="ministère autonome")

    annotation = Annotation.objects.get(article=article)
    assert (annotation.start, annotation.end, annotation.exact) == (start, end, FIRST)
    assert [p.title for p in annotation.proposals.all()] == [
        "Instituer un ministère du Numérique autonome"
    ]
    assert marked_text(page, annotation.pk) == FIRST.replace("\n", " ")  # shown without reload

    page.reload()
    page.wait_for_selector("body[data-reader-ready=true]")
    assert marked_text(page, annotation.pk) == FIRST.replace("\n", " ")
    api = page.request.get(f"/api/annotations/{annotation.pk}/").json()
    assert api["position"] == {"start": start, "end": end}
    assert api["quote"]["exact"] == FIRST
    card = page.locator(f"#card-{annotation.pk}")
    assert "Instituer un ministère du Numérique autonome" in card.inner_text()
    assert card.locator(".card-comment strong").inner_text() == "ministère"

    # An overlapping annotation nests its highlight inside the first one.
    overlap_start = article.text.index(OVERLAP)
    select_with_mouse(page, overlap_start, overlap_start + len(OVERLAP))
    annotate(page, "Autonome : vraiment ?")
    second = Annotation.objects.exclude(pk=annotation.pk).get(article=article)
    assert (second.start, second.end) == (overlap_start, overlap_start + len(OVERLAP))
    assert page.locator("mark.hl mark.hl").count() >= 1
    assert marked_text(page, second.pk) == OVERLAP.replace("\n", " ")
    assert marked_text(page, annotation.pk) == FIRST.replace("\n", " ")

    # Clicking a highlight focuses its card.
    page.locator(f"mark[data-annotation-id='{second.pk}']").last.click()
    assert "is-active" in (page.locator(f"#card-{second.pk}").get_attribute("class") or "")

    # Edit one: a <script> payload renders inert.
    payload = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> [x](javascript:window.__pwned=3)'
    page.locator(f"#card-{second.pk} button[data-action=edit]").click()
    page.fill("#composer-comment", payload)
    page.click("#composer-save")
    page.locator("#composer").wait_for(state="hidden")
    second.refresh_from_db()
    assert second.comment == payload and second.version == 2
    page.reload()
    page.wait_for_selector("body[data-reader-ready=true]")
    comment = page.locator(f"#card-{second.pk} .card-comment")
    assert "<script>" in comment.inner_text()
    assert comment.locator("script, img").count() == 0
    hrefs = comment.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.lower().startswith("javascript")]
    assert page.evaluate("() => window.__pwned") is None
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator(f"#annotation-{annotation.pk}").scroll_into_view_if_needed()
    screenshot(page, "reader-article-highlights")


def test_a_stale_edit_in_the_page_shows_who_changed_it_and_keeps_the_typed_text(seeded, page):
    article = seeded
    author = UserFactory(username="factchecker")
    start = article.text.index(FIRST)
    annotation = Annotation.objects.create(
        article=article, revision=article.revisions.get(), author=author, exact=FIRST,
        start=start, end=start + len(FIRST), comment="v1",
    )  # fmt: skip
    login(page, "factchecker", PASSWORD)
    page.goto(f"/articles/{article.pk}/#annotation-{annotation.pk}")
    page.wait_for_selector("body[data-reader-ready=true]")
    assert "hl-flash" in (page.locator(f"#annotation-{annotation.pk}").get_attribute("class") or "")
    page.locator(f"#card-{annotation.pk} button[data-action=edit]").click()
    colleague = UserFactory(username="camille", first_name="Camille", last_name="Martin")
    Annotation.objects.filter(pk=annotation.pk).update(
        comment="changed elsewhere", version=2, modified_by=colleague
    )
    page.fill("#composer-comment", "mon texte")
    page.click("#composer-save")
    alert = page.locator("#reader-alert")
    alert.wait_for(state="visible")
    assert re.search("modifiée entre-temps par camille", alert.inner_text())
    screenshot(page, "reader-stale-write")
    page.get_by_test_id("reload-current").click()
    assert page.input_value("#composer-comment") == "mon texte"
    assert "changed elsewhere" in page.locator(f"#card-{annotation.pk}").inner_text()
    page.click("#composer-save")
    page.locator("#composer").wait_for(state="hidden")
    annotation.refresh_from_db()
    assert (annotation.comment, annotation.version) == ("mon texte", 3)


def test_utf16_code_unit_and_code_point_conversions_in_the_page_module(seeded, page):
    login(page, "factchecker", PASSWORD)
    page.goto("/articles/")
    result = page.evaluate(
        """async () => {
          const m = await import('/static/js/reader-offsets.js');
          const text = 'Le 🚀 décolle : la fibre';
          return {
            length: m.codePointLength(text),
            utf16Length: text.length,
            toCodePoints: m.utf16ToCodePoints(text, text.indexOf('la fibre')),
            toUtf16: m.codePointsToUtf16(text, 15),
            slice: m.sliceCodePoints(text, 15, 23),
            selectors: m.selectorsFor(text, 15, 23, 4),
          };
        }"""
    )
    assert result["utf16Length"] == 24 and result["length"] == 23
    assert result["toCodePoints"] == 15
    assert result["toUtf16"] == 16
    assert result["slice"] == "la fibre"
    assert result["selectors"]["quote"] == {"exact": "la fibre", "prefix": "e : ", "suffix": ""}


def test_a_passage_can_be_selected_with_the_keyboard(seeded, page):
    article = seeded
    login(page, "factchecker", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    page.wait_for_selector("body[data-reader-ready=true]")
    page.locator("#reader-text").focus()
    for _ in range(9):
        page.keyboard.press("Shift+ArrowRight")
    page.get_by_role("button", name="Annoter").wait_for(state="visible")
    page.keyboard.press("Enter")
    page.fill("#composer-comment", "Au clavier")
    page.click("#composer-save")
    page.locator("#composer").wait_for(state="hidden")
    annotation = Annotation.objects.get(article=article)
    first_run_start = article.text.index("Construire")
    assert (annotation.start, annotation.end) == (first_run_start, first_run_start + 9)
    assert annotation.exact == "Construir"


def test_an_orphan_is_listed_apart_and_reattached_to_a_selected_passage(seeded, page):
    article = seeded
    author = UserFactory(username="factchecker")
    orphan = Annotation.objects.create(
        article=article, revision=article.revisions.get(), author=author,
        exact="un passage supprimé du texte", start=0, end=27, comment="Orpheline",
        status="orphaned", status_before_orphan="submitted",
    )  # fmt: skip
    login(page, "factchecker", PASSWORD)
    page.goto(f"/articles/{article.pk}/")
    page.wait_for_selector("body[data-reader-ready=true]")
    card = page.locator(f"#orphan-list #card-{orphan.pk}")
    assert card.is_visible()
    assert page.locator(f"mark[data-annotation-id='{orphan.pk}']").count() == 0
    start = article.text.index(FIRST)
    select_with_mouse(page, start, start + len(FIRST))
    page.wait_for_timeout(200)
    card.locator("button[data-action=reattach]").click()
    page.locator(f"#annotation-list #card-{orphan.pk}").wait_for(state="visible")
    orphan.refresh_from_db()
    assert (orphan.status, orphan.start, orphan.exact) == ("submitted", start, FIRST)
    assert marked_text(page, orphan.pk) == FIRST.replace("\n", " ")
