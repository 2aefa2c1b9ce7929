"""A Content-Security-Policy without inline script or style on every page; templates comply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("annotator/*/templates"), ROOT / "proposals"]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def _parameterless_paths(patterns: list, prefix: str = "") -> list[str]:
    paths = []
    for entry in patterns:
        route = str(entry.pattern)
        if "<" in route or route.startswith("^"):
            continue  # needs an argument, or a regex (admin internals, i18n)
        if isinstance(entry, URLResolver):
            paths += _parameterless_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            paths.append("/" + prefix + route)
    return sorted(set(paths))


def assert_strict_policy(response, path: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{path} has no Content-Security-Policy"
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    for name in ("default-src", "script-src", "style-src"):
        assert directives.get(name) == "'self'", (path, name, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
    assert directives.get("frame-ancestors") == "'none'", path


@pytest.mark.django_db
def test_every_page_and_api_answer_carries_the_strict_policy(moderator):
    article = ArticleFactory()
    annotation = AnnotationFactory(article=article)
    proposal = ProposalFactory()
    paths = _parameterless_paths(get_resolver().url_patterns)
    assert len(paths) > 20
    paths += [
        f"/articles/{article.pk}/",
        f"/annotations/{annotation.pk}/",
        f"/proposals/{proposal.slug}/",
        "/no-such-page/",
        "/api/no-such-thing/",
        "/api/docs/?script=",
    ]
    client = Client(raise_request_exception=False)
    client.force_login(moderator)
    answered = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code != 500, path
        assert_strict_policy(response, path)
        answered += 1
    anonymous = Client().get("/accounts/login/")
    assert_strict_policy(anonymous, "/accounts/login/ (anonymous)")
    assert answered == len(paths)


def _templates() -> list[Path]:
    found: list[Path] = []
    for directory in TEMPLATE_DIRS:
        found += directory.rglob("*.html")
    return sorted(set(found))


def test_templates_hold_no_inline_script_style_or_event_handler():
    templates = _templates()
    assert len(templates) > 30
    offenders = []
    for template in templates:
        source = template.read_text()
        for rule in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER):
            for match in rule.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                offenders.append(f"{template.relative_to(ROOT)}:{line}: {match.group(0)!r}")
    assert offenders == []


def test_the_rules_catch_what_the_policy_would_block():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script type="module" src="/static/js/a.js"></script>')
    assert INLINE_STYLE.search('<span style="width: 3%">')
    assert EVENT_HANDLER.search('<select onchange="this.form.submit()">')
    assert not EVENT_HANDLER.search('<select data-autosubmit name="election">')


@pytest.mark.django_db
def test_with_a_stream_server_of_its_own_pages_name_its_port_and_may_connect_to_it(
    client, settings
):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    settings.LIVE_STREAM_PORT = 8001
    client.force_login(UserFactory(role="fact-checker"))
    for debug, host in ((False, "127.0.0.1:8000"), (False, "localhost:8000"), (True, "[::1]:8000")):
        settings.DEBUG = debug  # django-csp's own path (DEBUG) and the cached one
        response = client.get("/articles/", HTTP_HOST=host)
        assert response.status_code == 200
        name = host.rsplit(":", 1)[0]
        assert b'data-port="8001"' in response.content
        policy = response["Content-Security-Policy"]
        connect = next(d for d in policy.split("; ") if d.startswith("connect-src"))
        assert connect == f"connect-src 'self' http://{name}:8001"

    settings.LIVE_STREAM_PORT = 0
    response = client.get("/articles/", HTTP_HOST="127.0.0.1:8000")
    assert b"data-port=" not in response.content
    assert "connect-src 'self';" in response["Content-Security-Policy"] + ";"
