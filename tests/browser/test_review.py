"""Peer review end to end: submit, approve from the queue with the keyboard, inbox, admin hide."""

from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from annotator.review import services
from tests.browser.helpers import login, screenshot
from tests.factories import ArticleFactory, ProposalFactory, UserFactory
from tests.factories.annotations import AnnotationFactory
from tests.factories.review import submitted_annotation
from tests.utils import PASSWORD

TEXT = (
    "# Le programme numérique\n\n"
    "Le candidat veut couvrir tout le territoire en très haut débit d'ici 2025.\n\n"
    "Il promet aussi une identité numérique gratuite pour chaque citoyen.\n\n"
    "Enfin, il souhaite taxer les grandes plateformes à hauteur de 3 %.\n"
)


@pytest.fixture
def newsroom(transactional_db):  # type: ignore[no-untyped-def]
    users = {
        "factchecker": UserFactory(username="factchecker", role="fact-checker"),
        "factchecker2": UserFactory(username="factchecker2", role="fact-checker"),
        "reviewer": UserFactory(username="reviewer", role="reviewer"),
        "moderator": UserFactory(username="moderator", role="moderator"),
    }
    article = ArticleFactory(title="Le programme numérique du candidat", text=TEXT)
    older = submitted_annotation(
        article=article,
        author=users["factchecker2"],
        exact="identité numérique gratuite",
        comment="Doublon d'une annotation existante.",
    )
    draft = AnnotationFactory(
        article=article,
        author=users["factchecker"],
        exact="très haut débit d'ici 2025",
        comment="Objectif déjà repoussé deux fois.",
        proposals=[ProposalFactory(title="Très haut débit partout en 2025")],
    )
    return users, draft, older


def test_submit_approve_from_the_queue_with_the_keyboard_notify_and_hide_in_the_admin(
    newsroom, new_page
):
    users, draft, older = newsroom

    author = new_page()
    login(author, "factchecker", PASSWORD)
    author.goto(f"/annotations/{draft.pk}/")
    screenshot(author, "review-annotation-draft")
    author.click("[data-submit]")
    author.wait_for_selector("[data-testid=annotation-status]:has-text('Soumise')")
    assert Annotation.objects.get(pk=draft.pk).status == "submitted"

    reviewer = new_page()
    login(reviewer, "reviewer", PASSWORD)
    reviewer.goto("/review/")
    assert reviewer.locator("[data-testid=nav-review-count]").inner_text() == "2"
    items = reviewer.locator(".review-item")
    assert items.count() == 2
    assert items.nth(0).get_attribute("data-id") == str(older.pk)  # oldest first
    screenshot(reviewer, "review-queue")
    reviewer.evaluate("window.__noReload = true")
    reviewer.keyboard.press("j")
    assert items.nth(1).get_attribute("class").count("is-current") == 1
    reviewer.keyboard.press("k")
    assert "is-current" in items.nth(0).get_attribute("class")
    reviewer.keyboard.press("j")
    reviewer.keyboard.press("a")
    outcome = items.nth(1).locator(".review-outcome")
    outcome.wait_for(state="visible")
    assert "Approuvée" in outcome.inner_text()
    assert items.nth(1).locator(".badge").inner_text() == "Approuvée"
    assert reviewer.evaluate("window.__noReload") is True  # no page reload
    assert reviewer.locator("[data-testid=nav-review-count]").inner_text() == "1"
    screenshot(reviewer, "review-queue-after-approval")
    assert Annotation.objects.get(pk=draft.pk).status == "approved"

    # A change request needs a comment: "c" opens it, Ctrl+Enter sends it.
    reviewer.keyboard.press("c")
    reviewer.locator(f"#comment-{older.pk}").wait_for(state="visible")
    reviewer.keyboard.type("Merci de citer la source.")
    reviewer.keyboard.press("Control+Enter")
    items.nth(0).locator(".review-outcome").wait_for(state="visible")
    assert Annotation.objects.get(pk=older.pk).status == "changes_requested"

    author.goto("/inbox/")
    assert author.locator("[data-testid=nav-unread-count]").inner_text() == "1"
    assert author.locator(".inbox-item.is-unread").count() == 1
    assert "Votre annotation a été approuvée" in author.locator("[data-testid=inbox]").inner_text()
    screenshot(author, "review-inbox")
    author.click(".inbox-item button")
    author.wait_for_url(f"**/annotations/{draft.pk}/")
    assert author.locator("[data-testid=nav-unread-count]").count() == 0
    screenshot(author, "review-annotation-approved")

    # The moderator hides the other annotation with the admin's bulk action.
    services.annotation_submit(actor=users["factchecker2"], annotation_id=older.pk)  # resubmitted
    reviewer.goto("/review/")
    assert reviewer.locator(f".review-item[data-id='{older.pk}']").count() == 1
    reviewer.goto(f"/articles/{older.article_id}/")
    reviewer.wait_for_selector(f"mark[data-annotation-id='{older.pk}']")

    moderator = new_page()
    login(moderator, "moderator", PASSWORD)
    moderator.goto("/admin/annotations/annotation/")
    moderator.check(f"input[name=_selected_action][value='{older.pk}']")
    moderator.select_option("select[name=action]", "hide_annotations")
    moderator.fill("input[name=reason]", "Doublon")
    screenshot(moderator, "review-admin-hide")
    moderator.click("button[name=index]")
    moderator.wait_for_selector(".messagelist")
    assert Annotation.objects.get(pk=older.pk).hidden_reason == "Doublon"

    reviewer.goto("/review/")
    assert reviewer.locator(f".review-item[data-id='{older.pk}']").count() == 0
    reviewer.goto(f"/articles/{older.article_id}/")
    reviewer.wait_for_selector("#reader-text mark, #reader-text [data-start]")
    assert reviewer.locator(f"mark[data-annotation-id='{older.pk}']").count() == 0
    api = reviewer.request.get(f"/api/annotations/{older.pk}/events/")
    assert api.status == 404
