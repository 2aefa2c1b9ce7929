"""403, 404 and 500 pages are framed by the app, translated, with a way back; the favicon answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotator import error_views

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_framed_french_404_with_a_way_back(fact_checker):
    client = Client()
    client.force_login(fact_checker)
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in html and 'aria-label="Navigation principale"' in html
    assert "Cette page n\u2019existe pas" in html
    assert 'href="/">Retour aux sources' in html


def test_the_404_page_is_in_english_for_an_english_reader():
    response = Client(headers={"accept-language": "en"}).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'lang="en"' in html and "This page does not exist" in html
    assert "Back to the sources" in html


def test_a_refused_page_is_the_framed_403(fact_checker):
    client = Client()
    client.force_login(fact_checker)
    response = client.get("/team/")  # moderators only
    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="topbar"' in html and "Vous ne pouvez pas ouvrir cette page" in html


def test_the_500_page_is_framed_and_runs_no_query_and_needs_no_user(rf):
    request = rf.get("/articles/")  # no session, no user attribute at all
    with CaptureQueriesContext(connection) as queries:
        response = error_views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert len(queries) == 0
    assert 'class="topbar"' in html and "Un problème est survenu de notre côté" in html
    assert 'href="/">Retour aux sources' in html
    assert "Navigation principale" not in html  # no user: no navigation guessed


def test_an_unexpected_page_failure_shows_the_framed_500(fact_checker, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("annotator.articles.views.list_page", broken)
    client = Client(raise_request_exception=False)
    client.force_login(fact_checker)
    response = client.get("/articles/")
    assert response.status_code == 500
    assert b"secret internals" not in response.content
    assert "Un problème est survenu de notre côté" in response.content.decode()


def test_api_errors_stay_json_envelopes(rf):
    response = error_views.permission_denied(rf.get("/api/articles/"), PermissionDenied())
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_favicon_ico_answers_with_the_static_icon_and_pages_link_it(fact_checker):
    client = Client()
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    client.force_login(fact_checker)
    html = client.get("/articles/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
