"""The review queue in Chromium: filters in the URL, undo after `a`, an inline error for an
empty required comment sent with Ctrl+Enter, and a resubmission's earlier review and changes."""

from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from annotator.review import services
from tests.browser.helpers import login, screenshot
from tests.factories import ArticleFactory, ProposalFactory, UserFactory
from tests.factories.review import submitted_annotation
from tests.utils import PASSWORD


@pytest.fixture
def queue(transactional_db):  # type: ignore[no-untyped-def]
    UserFactory(username="reviewer", role="reviewer")
    moderator = UserFactory(username="moderator", role="moderator")
    alice = UserFactory(
        username="alice", first_name="Alice", last_name="Durand", role="fact-checker"
    )
    bob = UserFactory(username="bob", first_name="Bob", last_name="Martin", role="fact-checker")
    article = ArticleFactory(title="Programme numérique", text="Une promesse de fibre. " * 20)
    by_alice = submitted_annotation(author=alice, article=article, comment="**Chiffre** à vérifier")
    by_bob = submitted_annotation(
        author=bob, article=article, comment="Promesse déjà faite.", proposals=[ProposalFactory()]
    )
    services.annotation_review(
        actor=moderator,
        annotation_id=by_bob.pk,
        decision="request_changes",
        comment="Citez **la source**.",
    )
    Annotation.objects.filter(pk=by_bob.pk).update(
        comment="Promesse déjà faite en 2012.", comment_html=""
    )
    services.annotation_submit(actor=bob, annotation_id=by_bob.pk)
    return {"alice": alice, "bob": bob, "by_alice": by_alice, "by_bob": by_bob}


def test_filter_by_author_then_approve_with_a_and_undo_it(queue, page):
    login(page, "reviewer", PASSWORD)
    page.goto("/review/")
    items = page.locator(".review-item")
    assert items.count() == 2
    page.select_option("#id_author", str(queue["alice"].pk))
    page.locator("[data-testid=queue-filters] button[type=submit]").click()
    page.wait_for_url(f"**/review/?*author={queue['alice'].pk}*")
    assert items.count() == 1
    assert page.locator(".annotation-comment strong").inner_text() == "Chiffre"  # Markdown
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("a")
    toast = page.locator("#undo-toast")
    toast.wait_for(state="visible")
    assert "Approbation" in toast.inner_text()
    screenshot(page, "review-queue-undo")
    page.get_by_role("button", name="Annuler").click()
    assert "Décision annulée" in toast.inner_text()
    page.wait_for_timeout(6000)  # longer than the undo delay: nothing was sent
    assert Annotation.objects.get(pk=queue["by_alice"].pk).status == "submitted"
    assert "is-pending" not in items.first.get_attribute("class")

    page.keyboard.press("a")  # this time let it go
    items.first.locator(".review-outcome").wait_for(state="visible", timeout=10_000)
    assert Annotation.objects.get(pk=queue["by_alice"].pk).status == "approved"


def test_ctrl_enter_with_an_empty_comment_says_it_is_required(queue, page):
    login(page, "reviewer", PASSWORD)
    page.goto(f"/review/?author={queue['alice'].pk}")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("r")
    textarea = page.locator(f"#comment-{queue['by_alice'].pk}")
    textarea.wait_for(state="visible")
    page.keyboard.press("Control+Enter")
    error = page.locator(".review-item .form-error")
    error.wait_for(state="visible")
    assert "commentaire" in error.inner_text()
    assert textarea.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == f"comment-{queue['by_alice'].pk}"
    screenshot(page, "review-queue-empty-comment")
    assert Annotation.objects.get(pk=queue["by_alice"].pk).status == "submitted"


def test_a_resubmission_shows_the_earlier_comment_rendered_and_the_comment_diff(queue, page):
    login(page, "reviewer", PASSWORD)
    page.goto("/review/?state=resubmitted")
    block = page.locator("[data-testid=resubmission]")
    assert block.count() == 1
    assert block.locator(".earlier-comment strong").inner_text() == "la source"
    assert page.locator("[data-testid=comment-diff] ins").inner_text() == "faite en 2012."
    screenshot(page, "review-queue-resubmission")
