"""Every main page, for every role, at phone, tablet and laptop widths, in French and English:
nothing scrolls sideways, the whole navigation is reachable, and axe-core finds no serious or
critical violation. Screenshots of each page at 390 and 1440 px land in test-artifacts/layout/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import ARTIFACTS, login
from tests.browser.layout import axe_violations, sideways_overflow, unreachable_navigation
from tests.browser.newsroom_data import ROLES, main_pages, navigation, populate
from tests.utils import PASSWORD

WIDTHS = {390: 844, 768: 1024, 1440: 900}
SCREENSHOT_WIDTHS = (390, 1440)


@pytest.fixture
def newsroom(transactional_db):  # type: ignore[no-untyped-def]
    return populate()


def open_as(browser: Any, live_server: Any, user: Any, width: int, locale: str) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale=locale,
        base_url=live_server.url,
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, user.username, PASSWORD)
    return page


def shot_name(role: str, width: int, locale: str, path: str) -> str:
    slug = path.strip("/").replace("/", "_") or "home"
    return f"{locale[:2]}-{role}-{width}-{slug}"


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_fits_every_width_with_its_navigation_and_no_serious_axe_violation(
    newsroom, browser, live_server, role, locale
):
    user = newsroom["users"][role]
    overflow: dict[str, int] = {}
    navigation_problems: dict[str, list[str]] = {}
    violations: dict[str, list[dict[str, Any]]] = {}
    (ARTIFACTS / "layout").mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page = open_as(browser, live_server, user, width, locale)
        for path in main_pages(newsroom, role):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            key = f"{width}px {path}"
            assert page.evaluate("() => document.documentElement.lang") == locale[:2], key
            if (excess := sideways_overflow(page)) > 0:
                overflow[key] = excess
            if width in SCREENSHOT_WIDTHS:
                found = axe_violations(page)
                if found:
                    violations[key] = found
                page.screenshot(
                    path=str(ARTIFACTS / "layout" / f"{shot_name(role, width, locale, path)}.png")
                )
        page.goto("/articles/")
        if problems := unreachable_navigation(page, navigation(role)):
            navigation_problems[f"{width}px"] = problems
        if (excess := sideways_overflow(page)) > 0:  # the open menus fit too
            overflow[f"{width}px menus open"] = excess
        page.context.close()
    assert (overflow, navigation_problems, violations) == ({}, {}, {})


def test_on_a_phone_a_tapped_highlight_raises_its_annotation_in_the_bottom_sheet(
    newsroom, browser, live_server
):
    user = newsroom["users"]["fact-checker"]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        base_url=live_server.url,
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    login(page, user.username, PASSWORD)
    page.goto(f"/articles/{newsroom['article'].pk}/")
    page.wait_for_selector("body[data-reader-ready=true]")
    toggle = page.locator("#sheet-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    annotation = newsroom["annotation"]
    card = page.locator(f"#card-{annotation.pk}")
    assert not card.is_visible() or card.bounding_box()["y"] >= 844 - 1  # collapsed: off screen

    mark = page.locator(f"mark[data-annotation-id='{annotation.pk}']").first
    mark.tap()
    page.wait_for_timeout(400)  # the sheet's slide
    assert toggle.get_attribute("aria-expanded") == "true"
    card_box, mark_box = card.bounding_box(), mark.bounding_box()
    sheet_top = page.locator("#reader-sidebar").bounding_box()["y"]
    assert 0 <= sheet_top < card_box["y"] < 844  # the card is on screen, in the sheet
    assert 0 < mark_box["y"] < sheet_top  # the passage stays visible above it
    assert "is-active" in (card.get_attribute("class") or "")
    assert sideways_overflow(page) == 0
    page.screenshot(path=str(ARTIFACTS / "layout" / "reader-bottom-sheet-390.png"))

    toggle.click()
    page.wait_for_timeout(400)
    assert toggle.get_attribute("aria-expanded") == "false"
    context.close()
