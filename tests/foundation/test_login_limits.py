"""Failed-login limits per account (never per address alone), expiring and revocable tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

SAME_ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


def page_login(username: str, password: str, **extra):
    return Client(**SAME_ADDRESS).post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )


def token_login(username: str, password: str):
    return APIClient(**SAME_ADDRESS).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_the_eleventh_page_login_on_an_account_is_refused_while_another_account_logs_in(
    fact_checker, fact_checker2
):
    for _ in range(10):
        assert page_login("fc", "wrong").status_code in (200, 429)
    refused = page_login("fc", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session
    assert "Trop de connexions échouées" in refused.content.decode()
    assert refused["Retry-After"] == str(15 * 60)
    colleague = page_login("fc2", PASSWORD)
    assert colleague.status_code == 302
    assert colleague.wsgi_request.user.username == "fc2"


def test_the_eleventh_token_request_on_an_account_is_refused_while_another_account_gets_one(
    fact_checker, fact_checker2
):
    for _ in range(10):
        assert token_login("fc", "wrong").status_code in (400, 429)
    refused = token_login("fc", PASSWORD)
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "locked_out" and body["fields"] == {} and body["detail"]
    assert "token" not in body
    assert token_login("fc2", PASSWORD).status_code == 200


def test_nine_failures_then_a_success_start_the_count_again(fact_checker):
    for _ in range(9):
        token_login("fc", "wrong")
    assert token_login("fc", PASSWORD).status_code == 200
    for _ in range(9):
        token_login("fc", "wrong")
    assert token_login("fc", PASSWORD).status_code == 200


def test_an_account_is_usable_again_after_the_cool_off(fact_checker):
    for _ in range(10):
        token_login("fc", "wrong")
    assert token_login("fc", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert token_login("fc", PASSWORD).status_code == 200


def test_many_failures_on_other_accounts_from_one_address_do_not_lock_it_for_everyone(
    fact_checker,
):
    for index in range(12):
        token_login(f"typo{index}", "wrong")
    assert token_login("fc", PASSWORD).status_code == 200


def test_the_token_endpoint_keeps_its_contract_and_returns_the_same_valid_token(fact_checker):
    first = token_login("fc", PASSWORD).json()
    second = token_login("fc", PASSWORD).json()
    assert first["token"] == second["token"]
    assert dt.datetime.fromisoformat(first["expires_at"]) > timezone.now()


def test_an_expired_token_is_refused_and_a_new_one_is_issued(fact_checker, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    key = token_login("fc", PASSWORD).json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=2))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/articles/")
    assert response.status_code in (401, 403)
    assert response.json()["error"] == "token_expired"
    fresh = token_login("fc", PASSWORD).json()["token"]
    assert fresh != key
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert client.get("/api/articles/").status_code == 200


def test_the_owner_revokes_their_token(fact_checker):
    key = token_login("fc", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert client.get("/api/articles/").status_code in (401, 403)
    assert not Token.objects.filter(user=fact_checker).exists()


def test_a_moderator_revokes_someone_elses_token_and_a_fact_checker_may_not(
    fact_checker, fact_checker2, moderator
):
    key = token_login("fc", PASSWORD).json()["token"]
    other = APIClient()
    other.force_authenticate(fact_checker2)
    refused = other.post(f"/api/auth/tokens/{fact_checker.pk}/revoke/")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert Token.objects.filter(key=key).exists()
    moderating = APIClient()
    moderating.force_authenticate(moderator)
    assert moderating.post(f"/api/auth/tokens/{fact_checker.pk}/revoke/").status_code == 204
    assert not Token.objects.filter(key=key).exists()
    missing = moderating.post("/api/auth/tokens/999999/revoke/")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_revoking_requires_authentication():
    response = APIClient().post("/api/auth/token/revoke/")
    assert response.status_code in (401, 403)
    assert "error" in response.json()
