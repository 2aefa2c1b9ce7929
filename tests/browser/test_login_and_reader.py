from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.browser.helpers import login, screenshot
from tests.factories import UserFactory
from tests.utils import PASSWORD


@pytest.fixture
def seeded(transactional_db):  # type: ignore[no-untyped-def]
    call_command("load_seed")
    UserFactory(username="factchecker", role="fact-checker")


def test_fact_checker_logs_in_and_sees_the_five_seed_sources(seeded, page):
    login(page, "factchecker", PASSWORD)
    page.goto("/articles/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 5
    assert page.locator("text=Le programme numérique de Jean-Luc Mélenchon").count() == 1
    screenshot(page, "articles-list")


def test_wrong_password_shows_a_form_error(seeded, page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "factchecker")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").is_visible()
