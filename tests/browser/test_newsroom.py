"""Newsroom set-up in the browser: adding sources, inviting people, deactivating an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from annotator.annotations.models import Annotation
from annotator.articles import intake
from annotator.articles.models import Article
from tests.browser.helpers import annotate, login, marked_text, screenshot, select_with_mouse
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.newsroom import ARTICLE_HTML
from tests.utils import PASSWORD

NEW_PASSWORD = "Rédaction-2022-fiable"
PASTED = (
    "Le candidat promet la fibre optique partout.\n\nIl annonce aussi un ministère du numérique."
)


@pytest.fixture
def seeded(transactional_db):  # type: ignore[no-untyped-def]
    call_command("load_seed")
    return {
        "factchecker": UserFactory(username="factchecker", role="fact-checker"),
        "moderator": UserFactory(username="moderator", role="moderator"),
    }


def add_source_by_upload(page, path) -> int:  # type: ignore[no-untyped-def]
    """Upload an HTML file, check the preview is the text to be stored, save; the article id."""
    page.goto("/articles/new/")
    page.get_by_label("Envoyer un fichier").check()
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=preview-button]")
    preview = page.locator("[data-testid=preview-text]")
    expected = intake.prepare_file(ARTICLE_HTML.encode(), filename="page.html").text
    assert preview.inner_text() == expected
    assert page.locator("#id_title").input_value() == "La candidate veut un ministère du numérique"
    page.fill("#id_outlet", "Journal du soir")
    page.locator(".chip-check", has_text="Mélenchon").first.locator("input").check()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "newsroom-source-preview")
    page.click("[data-testid=save-button]")
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    return int(re.search(r"/articles/(\d+)/$", page.url).group(1))


def add_source_by_pasting(page, text: str, title: str) -> int:  # type: ignore[no-untyped-def]
    page.goto("/articles/new/")
    page.fill("#id_text", text)
    page.click("[data-testid=preview-button]")
    assert page.locator("[data-testid=preview-text]").inner_text() == text
    page.fill("#id_title", title)
    page.click("[data-testid=save-button]")
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    return int(re.search(r"/articles/(\d+)/$", page.url).group(1))


def test_fact_checker_adds_a_source_by_upload_and_another_by_pasting(
    seeded, page, new_page, tmp_path
):
    html_file = tmp_path / "candidate.html"
    html_file.write_text(ARTICLE_HTML, encoding="utf-8")
    login(page, "factchecker", PASSWORD)
    page.goto("/articles/new/")
    screenshot(page, "newsroom-source-new")

    uploaded_id = add_source_by_upload(page, html_file)
    uploaded = Article.objects.get(pk=uploaded_id)
    assert uploaded.text.startswith("# La candidate veut un ministère du numérique")
    assert (uploaded.status, uploaded.outlet) == ("draft", "Journal du soir")
    assert uploaded.candidacies.filter(candidate__last_name="Mélenchon").exists()
    assert page.locator("h1", has_text="La candidate veut un ministère du numérique").is_visible()
    assert page.locator("text=Elle propose aussi un observatoire").is_visible()

    pasted_id = add_source_by_pasting(page, PASTED, "La fibre partout")
    assert Article.objects.get(pk=pasted_id).text == PASTED
    assert page.locator("h1", has_text="La fibre partout").is_visible()
    assert page.locator("text=Il annonce aussi un ministère du numérique.").is_visible()

    # Sources added by a fact-checker are drafts: a moderator publishes the pasted one from its
    # page, then the fact-checker annotates it like any seed text.
    moderator = new_page()
    login(moderator, "moderator", PASSWORD)
    moderator.goto(f"/articles/{pasted_id}/")
    moderator.click("[data-testid=publish-button]")
    moderator.wait_for_selector("[data-testid=article-status]")
    assert Article.objects.get(pk=pasted_id).status == "published"

    page.goto(f"/articles/{pasted_id}/")
    page.wait_for_selector("body[data-reader-ready=true]")
    passage = "un ministère du numérique"
    start = PASTED.index(passage)
    select_with_mouse(page, start, start + len(passage))
    annotate(page, "Promesse de ministère : à suivre.")
    annotation = Annotation.objects.get(article_id=pasted_id)
    assert (annotation.start, annotation.end, annotation.exact) == (
        start,
        start + len(passage),
        passage,
    )
    assert marked_text(page, annotation.pk) == passage
    screenshot(page, "newsroom-new-source-annotated")


def test_a_bad_upload_and_a_duplicate_are_explained_on_the_form(seeded, page, tmp_path):
    fake = tmp_path / "programme.pdf"
    fake.write_text("Pas un PDF.", encoding="utf-8")
    login(page, "factchecker", PASSWORD)
    page.goto("/articles/new/")
    page.get_by_label("Envoyer un fichier").check()
    page.set_input_files("input[name=file]", str(fake))
    page.click("[data-testid=preview-button]")
    assert "son contenu est" in page.locator(".errorlist").inner_text()
    existing = Article.objects.order_by("pk").first()
    page.goto("/articles/new/")
    page.fill("#id_text", existing.text)
    page.fill("#id_title", "Copie")
    page.click("[data-testid=save-button]")
    link = page.locator("[data-testid=duplicate-link]")
    assert link.get_attribute("href") == f"/articles/{existing.pk}/"
    screenshot(page, "newsroom-source-duplicate")
    assert Article.objects.count() == 5


def test_moderator_publishes_a_draft_with_the_status_controls(seeded, page):
    draft = Article.objects.order_by("pk").first()
    Article.objects.filter(pk=draft.pk).update(status="draft")
    login(page, "moderator", PASSWORD)
    page.goto(f"/articles/{draft.pk}/status/")
    assert page.locator("[data-testid=article-status]").inner_text() == "Brouillon"
    page.click("[data-testid=publish-button]")
    assert page.locator("[data-testid=article-status]").inner_text() == "Publié"
    screenshot(page, "newsroom-article-status")
    draft.refresh_from_db()
    assert draft.status == "published"


def test_an_invited_person_follows_the_emailed_link_sets_a_password_and_logs_in(
    seeded, page, new_page
):
    login(page, "moderator", PASSWORD)
    page.goto("/team/")
    page.fill("#id_email", "nina@example.org")
    page.select_option("#id_role", "reviewer")
    page.click("[data-testid=invite-button]")
    assert page.locator(".message-success").is_visible()
    assert page.locator(".invite-list", has_text="nina@example.org").is_visible()
    screenshot(page, "newsroom-team")

    (message,) = mail.outbox
    assert message.to == ["nina@example.org"]
    link = re.search(r"https?://\S+/team/join/\S+/", message.body).group(0)

    visitor = new_page()
    visitor.goto(link)
    assert visitor.locator("h1", has_text="Rejoindre la rédaction").is_visible()
    visitor.fill("#id_username", "nina")
    visitor.fill("#id_password1", "12345678")
    visitor.fill("#id_password2", "12345678")
    visitor.click("button[type=submit]")
    assert visitor.locator(".errorlist").first.is_visible()  # Django's validators speak
    visitor.fill("#id_password1", NEW_PASSWORD)
    visitor.fill("#id_password2", NEW_PASSWORD)
    screenshot(visitor, "newsroom-join")
    visitor.click("button[type=submit]")
    visitor.wait_for_url(lambda url: "/team/join/" not in url)
    assert visitor.locator(".user-chip").inner_text() == "nina · Relecteur"

    again = new_page()
    login(again, "nina", NEW_PASSWORD)
    assert again.locator(".user-chip").inner_text() == "nina · Relecteur"
    again.goto(link)
    assert again.locator("[role=alert]").is_visible()  # the link worked once


def test_a_deactivated_person_can_no_longer_log_in_and_their_annotations_remain(
    seeded, page, new_page
):
    leaving = UserFactory(username="leaving", role="fact-checker")
    AnnotationFactory(author=leaving, article=Article.objects.order_by("pk").first())
    login(page, "moderator", PASSWORD)
    page.goto("/team/")
    row = page.locator("tr[data-username=leaving]")
    row.locator("[data-testid=deactivate-button]").click()
    assert page.locator("tr[data-username=leaving] .state-inactive").is_visible()

    visitor = new_page()
    visitor.goto("/accounts/login/")
    visitor.fill("#id_username", "leaving")
    visitor.fill("#id_password", PASSWORD)
    visitor.click("button[type=submit]")
    assert visitor.locator("[role=alert]").is_visible()
    assert "/accounts/login/" in visitor.url
    assert Annotation.objects.filter(author=leaving).count() == 1
