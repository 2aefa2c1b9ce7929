"""Per-request cost of the API (issue 17): token requests skip the page middleware, the token is
read from the cache and dropped from it the moment it is revoked, expires or its user changes;
session-authenticated API calls from the browser keep CSRF."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotator.lib import auth_tokens
from annotator.lib.auth_tokens import ExpiringTokenAuthentication, token_issue
from annotator.team.services import member_deactivate
from tests.factories import ArticleFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db


def token_client(user) -> tuple[APIClient, str]:  # type: ignore[no-untyped-def]
    key = token_issue(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


def queries(call) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 400, response.content
    return len(captured)


def test_a_token_request_authenticates_from_the_cache_without_a_query(fact_checker):
    client, key = token_client(fact_checker)
    assert queries(lambda: client.get("/api/proposals/?page_size=1")) > queries(
        lambda: client.get("/api/proposals/?page_size=1")
    )
    assert cache.get(auth_tokens._cache_key(key)) is not None
    # The cache key is a digest: the token itself is never written to Redis.
    assert key not in auth_tokens._cache_key(key)


def test_a_revoked_token_is_refused_at_the_next_request_though_it_was_cached(fact_checker):
    client, _key = token_client(fact_checker)
    assert client.get("/api/articles/").status_code == 200  # now cached
    assert client.post("/api/auth/token/revoke/").status_code == 204
    refused = client.get("/api/articles/")
    assert refused.status_code in (401, 403)
    assert refused.json()["error"] == "authentication_failed"


def test_a_token_revoked_by_a_moderator_is_refused_at_once(fact_checker, moderator):
    client, _key = token_client(fact_checker)
    assert client.get("/api/articles/").status_code == 200
    moderating, _ = token_client(moderator)
    assert moderating.post(f"/api/auth/tokens/{fact_checker.pk}/revoke/").status_code == 204
    assert client.get("/api/articles/").status_code in (401, 403)


def test_a_cached_token_past_its_lifetime_is_refused_and_deleted(fact_checker, settings):
    client, key = token_client(fact_checker)
    assert client.get("/api/articles/").status_code == 200
    settings.API_TOKEN_TTL_HOURS = 1
    later = timezone.now() + dt.timedelta(hours=2)
    with mock.patch("annotator.lib.auth_tokens.timezone.now", return_value=later):
        refused = client.get("/api/articles/")
    assert refused.status_code in (401, 403) and refused.json()["error"] == "token_expired"
    assert not Token.objects.filter(key=key).exists()
    assert cache.get(auth_tokens._cache_key(key)) is None


def test_deactivating_a_member_refuses_their_cached_token_at_once(fact_checker, moderator):
    client, _key = token_client(fact_checker)
    assert client.get("/api/articles/").status_code == 200
    member_deactivate(actor=moderator, user_id=fact_checker.pk)
    assert client.get("/api/articles/").status_code in (401, 403)


def test_a_role_taken_away_applies_to_the_cached_token_at_once(fact_checker):
    client, _key = token_client(fact_checker)
    article = ArticleFactory(text="Une mesure : la fibre partout.")
    body = {
        "article": article.pk,
        "quote": {"exact": "la fibre"},
        "position": {"start": 13, "end": 21},
    }
    assert client.post("/api/annotations/", body, format="json").status_code == 201
    fact_checker.groups.remove(Group.objects.get(name="fact-checker"))
    assert client.post("/api/annotations/", body, format="json").status_code == 403
    Group.objects.get(name="fact-checker").user_set.add(fact_checker)  # from the group's side
    assert client.post("/api/annotations/", body, format="json").status_code == 201


def test_the_cached_user_is_the_stored_one_and_saving_it_keeps_the_password(fact_checker):
    key = token_issue(user=fact_checker).key
    ExpiringTokenAuthentication().authenticate_credentials(key)  # fills the cache
    user, token = ExpiringTokenAuthentication().authenticate_credentials(key)
    stored = type(fact_checker).objects.get(pk=fact_checker.pk)
    for name in auth_tokens.PRINCIPAL_FIELDS:
        assert getattr(user, name) == getattr(stored, name), name
    assert token.key == key and token.user_id == fact_checker.pk
    assert "password" in user.get_deferred_fields()
    user.first_name = "Renamed"
    user.save()
    stored.refresh_from_db()
    assert stored.first_name == "Renamed" and stored.check_password(PASSWORD)


def test_tokens_still_work_when_the_cache_is_unreachable(fact_checker):
    client, _key = token_client(fact_checker)
    with (
        mock.patch.object(auth_tokens.cache, "get", side_effect=ConnectionError),
        mock.patch.object(auth_tokens.cache, "set", side_effect=ConnectionError),
    ):
        assert client.get("/api/articles/").status_code == 200
    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert client.get("/api/articles/").status_code in (401, 403)


def test_a_bogus_token_never_falls_back_on_the_session(fact_checker):
    client = Client()
    client.force_login(fact_checker)
    assert client.get("/api/articles/").status_code == 200  # the session alone works
    response = client.get("/api/articles/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code in (401, 403)


def test_token_requests_get_no_session_cookie_but_the_security_headers(fact_checker):
    client, _key = token_client(fact_checker)
    response = client.get("/api/articles/")
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")
    page = Client()
    page.force_login(fact_checker)
    assert response["Content-Security-Policy"] == page.get("/articles/")["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_session_api_calls_from_the_browser_still_need_the_csrf_token(fact_checker):
    article = ArticleFactory(text="Une mesure : la fibre partout.")
    body = {"article": article.pk, "quote": {"exact": "la fibre"}, "position": {"start": 13, "end": 21}}  # fmt: skip
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fact_checker)
    refused = browser.post("/api/annotations/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/articles/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/annotations/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
