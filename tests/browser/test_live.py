"""Live collaboration in two browsers against real web processes served as `make run` serves
them: the pages from the threaded WSGI server, the stream from an ASGI process (gunicorn +
uvicorn) on another port of the same host (CORS with the session cookie). Highlights, cards,
review decisions and presence appear without reloading; with the stream blocked the page still
works, and once it is back the page equals a reload."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from annotator.annotations.models import Annotation
from annotator.annotations.services import annotation_create, annotation_delete
from annotator.review.services import annotation_review, annotation_submit
from tests.browser.helpers import annotate, login, screenshot, select_with_mouse
from tests.factories import ArticleFactory, UserFactory
from tests.factories.review import submitted_annotation
from tests.live.servers import WebProcess, free_port, start_web
from tests.utils import PASSWORD

TEXT = (
    "# Débat du jeudi\n\n"
    "Le candidat veut couvrir tout le territoire en très haut débit d'ici 2027.\n\n"
    "Il promet aussi une identité numérique gratuite pour chaque citoyen.\n\n"
    "Enfin, il souhaite taxer les grandes plateformes à hauteur de 3 %.\n"
)


@pytest.fixture
def web(transactional_db) -> Iterator[WebProcess]:  # type: ignore[no-untyped-def]
    stream_port = free_port()
    ports = {"LIVE_STREAM_PORT": str(stream_port)}
    stream = start_web(port=stream_port, extra_env=ports)
    pages = start_web(wsgi=True, extra_env=ports)
    yield pages
    pages.stop()
    stream.stop()


@pytest.fixture
def team(transactional_db):  # type: ignore[no-untyped-def]
    return {
        "factchecker": UserFactory(
            username="factchecker", first_name="Inès", last_name="Morel", role="fact-checker"
        ),
        "reviewer": UserFactory(
            username="reviewer", first_name="Paul", last_name="Roux", role="reviewer"
        ),
        "article": ArticleFactory(title="Débat du jeudi", text=TEXT),
    }


@pytest.fixture
def open_as(browser, web):  # type: ignore[no-untyped-def]
    contexts = []

    def factory(username: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}, locale="fr-FR", base_url=web.url,
            timezone_id="Europe/Paris",
        )  # fmt: skip
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        login(page, username, PASSWORD)
        return page

    yield factory
    for context in contexts:
        context.close()


def reader_state(page) -> dict:  # type: ignore[no-untyped-def]
    """What the reader shows: cards (id, status) in order, highlighted ids, the count."""
    return page.evaluate(
        """() => ({
          cards: Array.from(document.querySelectorAll('#annotation-list .annotation-card'))
            .map(c => [Number(c.dataset.annotationId), c.querySelector('.badge').className]),
          marks: Array.from(new Set(Array.from(document.querySelectorAll('#reader-text mark'))
            .map(m => Number(m.dataset.annotationId)))).sort((a, b) => a - b),
          count: document.getElementById('annotation-count').textContent,
        })"""
    )


def test_a_reviewer_sees_a_colleagues_annotation_appear_and_the_author_sees_the_review_live(
    team, open_as
):  # type: ignore[no-untyped-def]
    article = team["article"]
    author = open_as("factchecker")
    reviewer = open_as("reviewer")
    for page in (author, reviewer):
        page.goto(f"/articles/{article.pk}/")
        page.wait_for_selector("body[data-reader-ready=true]")
        page.wait_for_selector("html[data-live=open]")
        page.evaluate("window.__noReload = true")

    # Presence: each sees the other.
    author.wait_for_selector("[data-testid=presence] .avatar[data-username=reviewer]")
    reviewer.wait_for_selector("[data-testid=presence] .avatar[data-username=factchecker]")
    author.set_viewport_size({"width": 390, "height": 844})
    # The presence row fits a phone (the top bar's own overflow at 390 px predates this work).
    overflowing = author.evaluate(
        """() => Array.from(document.querySelectorAll("main *"))
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"""
    )
    assert overflowing == 0
    screenshot(author, "live-presence-390")
    author.set_viewport_size({"width": 1400, "height": 900})

    # The reviewer is selecting text when the colleague's work arrives: the selection stays.
    start = TEXT.index("identité numérique")
    select_with_mouse(reviewer, start, start + len("identité numérique"))
    scroll = reviewer.evaluate("window.scrollY")

    start = TEXT.index("très haut débit d'ici 2027")
    select_with_mouse(author, start, start + len("très haut débit d'ici 2027"))
    annotate(author, "Objectif déjà repoussé deux fois.")
    created = Annotation.objects.get(article=article)
    # A draft is the author's alone.
    time.sleep(0.5)
    assert reviewer.locator(f"#card-{created.pk}").count() == 0
    author.click(f"#card-{created.pk} [data-action=submit]")
    author.wait_for_selector(f"#card-{created.pk} .badge.status-submitted")
    submitted_at = time.monotonic()
    reviewer.wait_for_selector(f"mark[data-annotation-id='{created.pk}']", timeout=2000)
    reviewer.wait_for_selector(f"#card-{created.pk} .badge.status-submitted", timeout=2000)
    assert time.monotonic() - submitted_at < 2
    assert reviewer.evaluate("window.getSelection().toString()") == "identité numérique"
    assert reviewer.evaluate("window.scrollY") == scroll
    screenshot(reviewer, "live-reviewer-sees-submission")

    # The author starts a second annotation: the reviewer sees them composing; the typed text
    # survives the live update that follows.
    start = TEXT.index("taxer les grandes plateformes")
    select_with_mouse(author, start, start + len("taxer les grandes plateformes"))
    author.get_by_role("button", name="Annoter").click()
    author.fill("#composer-comment", "Texte en cours de frappe")
    reviewer.wait_for_selector(
        "[data-testid=presence] .avatar.is-composing[data-username=factchecker]"
    )

    # The reviewer approves on the annotation's page (a second tab); the author sees it live.
    detail = reviewer.context.new_page()
    detail.goto(f"/annotations/{created.pk}/")
    detail.click("[data-decision=approve]")
    detail.wait_for_selector("[data-testid=annotation-status].status-approved")
    decided_at = time.monotonic()
    author.wait_for_selector(f"#card-{created.pk} .badge.status-approved", timeout=2000)
    assert time.monotonic() - decided_at < 2
    author.wait_for_selector(f"mark.hl-approved[data-annotation-id='{created.pk}']")
    assert author.input_value("#composer-comment") == "Texte en cours de frappe"
    assert author.locator("#composer").is_visible()
    # The inbox counter in the top bar went up without a reload.
    author.wait_for_selector("[data-testid=nav-unread-count]:has-text('1')")
    assert author.evaluate("window.__noReload") is True
    assert reviewer.evaluate("window.__noReload") is True
    screenshot(author, "live-author-sees-approval")

    # Leaving: the other's avatar goes (at once for a closed tab, within 30 s at worst).
    reviewer.close()
    detail.close()
    author.wait_for_selector(
        "[data-testid=presence] .avatar[data-username=reviewer]", state="detached", timeout=30_000
    )


def test_with_the_stream_blocked_the_page_works_and_once_restored_it_equals_a_reload(team, open_as):  # type: ignore[no-untyped-def]
    article, author = team["article"], team["factchecker"]
    kept = submitted_annotation(article=article, author=author, exact="identité numérique gratuite")
    removed = submitted_annotation(article=article, author=author, exact="grandes plateformes")
    reviewer = open_as("reviewer")
    blocked = {"on": True}

    def stream_route(route):  # type: ignore[no-untyped-def]
        if blocked["on"]:
            route.abort()
        else:
            route.continue_()

    reviewer.route("**/live/stream/**", stream_route)
    reviewer.goto(f"/articles/{article.pk}/")
    reviewer.wait_for_selector("body[data-reader-ready=true]")
    reviewer.evaluate("window.__noReload = true")
    assert reviewer.evaluate("document.documentElement.dataset.live") != "open"
    assert reader_state(reviewer)["marks"] == sorted([kept.pk, removed.pk])

    # Meanwhile, colleagues work.
    start = TEXT.index("très haut débit")
    new = annotation_create(
        actor=author, article=article.pk,
        quote={"exact": "très haut débit"}, position={"start": start, "end": start + 15},
    )  # fmt: skip
    annotation_submit(actor=author, annotation_id=new.pk)
    draft_start = TEXT.index("chaque citoyen")
    annotation_create(
        actor=author, article=article.pk,
        quote={"exact": "chaque citoyen"}, position={"start": draft_start, "end": draft_start + 14},
    )  # fmt: skip
    annotation_review(actor=UserFactory(role="reviewer"), annotation_id=kept.pk, decision="approve")
    removed.refresh_from_db()
    annotation_delete(actor=author, annotation_id=removed.pk, expected_version=removed.version)
    time.sleep(1)
    assert reviewer.locator(f"#card-{new.pk}").count() == 0  # nothing arrived: blocked

    blocked["on"] = False
    reviewer.wait_for_selector(f"#card-{new.pk}", timeout=15_000)
    reviewer.wait_for_selector(f"#card-{removed.pk}", state="detached")
    reviewer.wait_for_selector(f"#card-{kept.pk} .badge.status-approved")
    assert reviewer.evaluate("window.__noReload") is True
    live_state = reader_state(reviewer)
    screenshot(reviewer, "live-after-reconnection")

    fresh = reviewer.context.new_page()
    fresh.goto(f"/articles/{article.pk}/")
    fresh.wait_for_selector("body[data-reader-ready=true]")
    assert reader_state(fresh) == live_state
    assert live_state["marks"] == sorted([kept.pk, new.pk])


def test_the_review_queue_shows_who_is_reviewing_and_drops_what_another_reviewer_decided(
    team, open_as
):  # type: ignore[no-untyped-def]
    article, author = team["article"], team["factchecker"]
    first = submitted_annotation(article=article, author=author, exact="identité numérique")
    second = submitted_annotation(article=article, author=author, exact="grandes plateformes")
    other = UserFactory(username="reviewer2", first_name="Léa", last_name="Petit", role="reviewer")
    queue = open_as("reviewer")
    queue.goto("/review/")
    queue.wait_for_selector("html[data-live=open]")
    queue.evaluate("window.__noReload = true")
    assert queue.locator(".review-item").count() == 2

    colleague = open_as("reviewer2")
    colleague.goto(f"/annotations/{first.pk}/")
    busy = queue.locator(f".review-item[data-id='{first.pk}'] [data-testid=being-reviewed]")
    busy.wait_for(state="visible", timeout=5000)
    assert "Léa Petit" in busy.inner_text()
    assert queue.locator(
        f".review-item[data-id='{second.pk}'] [data-testid=being-reviewed]"
    ).is_hidden()

    annotation_review(actor=other, annotation_id=first.pk, decision="approve")
    outcome = queue.locator(f".review-item[data-id='{first.pk}'] .review-outcome")
    outcome.wait_for(state="visible", timeout=3000)
    assert "Léa Petit" in outcome.inner_text() and "Approuvée" in outcome.inner_text()
    assert "is-done" in queue.locator(f".review-item[data-id='{first.pk}']").get_attribute("class")
    # The colleague's own page warns that it changed (before any 409 could surprise them).
    colleague.wait_for_selector("[data-live-notice]:not([hidden])")
    assert colleague.locator("[data-decision=approve]").is_disabled()
    assert queue.evaluate("window.__noReload") is True
    screenshot(queue, "live-review-queue")
    colleague.close()
    busy.wait_for(state="hidden", timeout=30_000)
