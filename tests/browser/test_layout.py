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
