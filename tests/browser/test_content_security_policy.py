"""In Chromium, the pages run under the Content-Security-Policy without a single violation."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from annotator.articles.models import Article
from tests.browser.helpers import login, screenshot
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.exports import ExportJobFactory
from tests.utils import PASSWORD

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def seeded(transactional_db):  # type: ignore[no-untyped-def]
    call_command("load_seed")
    moderator = UserFactory(username="moderator", role="moderator", is_staff=True)
    article = Article.objects.order_by("pk").first()
    AnnotationFactory(article=article, author=moderator)
    ExportJobFactory(requested_by=moderator)
    return {"moderator": moderator, "article": article}


def test_pages_load_their_scripts_and_styles_without_any_policy_violation(seeded, page):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    login(page, "moderator", PASSWORD)
    paths = [
        "/articles/",
        f"/articles/{seeded['article'].pk}/",
        "/inbox/",
        "/proposals/",
        "/compare/",
        "/stats/",
        "/methodology/",
        "/exports/",
        "/team/",
        "/api/docs/",
        "/admin/",
    ]
    violations = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 400, path
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[path] = found
    screenshot(page, "csp-admin")
    assert violations == {}
    assert not [text for text in console if "Content Security Policy" in text]

    # The recorder does catch what the policy blocks: an injected inline style is refused.
    page.goto("/articles/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "style-src" in page.evaluate("window.__cspViolations")[0]


def test_the_language_menu_still_switches_without_inline_handlers(seeded, page):
    login(page, "moderator", PASSWORD)
    page.goto("/articles/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.select_option("#lang-select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("html").get_attribute("lang") == "en"
