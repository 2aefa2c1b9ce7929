"""The user of a browser session comes from the cache (`annotator.lib.session_auth`): no user or
groups query per page, and everything that ends or changes a session still applies at the next
request: a password change, a deactivation, a role given or taken, a deleted account."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotator.lib import session_auth
from annotator.team.services import member_deactivate, member_role_set
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page_queries(client: Client, path: str = "/proposals/") -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return [q["sql"] for q in captured.captured_queries]


def test_a_page_reads_neither_the_user_nor_their_groups_once_cached(fact_checker):
    client = signed_in(fact_checker)
    first = page_queries(client)
    again = page_queries(client)
    assert any('FROM "auth_user"' in sql for sql in first)
    assert not any('"auth_user"' in sql or '"auth_group"' in sql for sql in again)
    entry = cache.get(session_auth._cache_key(fact_checker.pk))
    assert entry["user"]["username"] == fact_checker.username
    assert entry["roles"] == ["fact-checker"]
    # The password hash never goes to the cache.
    assert fact_checker.password not in repr(entry) and "password" not in entry["user"]


def test_a_password_change_ends_the_other_sessions_though_their_user_was_cached(fact_checker):
    elsewhere = signed_in(fact_checker)
    here = signed_in(fact_checker)
    page_queries(elsewhere)  # cached
    response = here.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "Nouveau-mot-2026!", "new_password2": "Nouveau-mot-2026!"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert here.get("/proposals/").status_code == 200  # this session was updated
    assert elsewhere.get("/proposals/").status_code == 302  # the other one ended


def test_a_deactivated_member_is_signed_out_at_the_next_page(fact_checker, moderator):
    client = signed_in(fact_checker)
    page_queries(client)
    member_deactivate(actor=moderator, user_id=fact_checker.pk)
    assert client.get("/proposals/").status_code == 302


def test_a_deleted_account_is_signed_out_at_the_next_page(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    user = UserFactory(role="fact-checker")
    client = signed_in(user)
    page_queries(client)
    user.delete()
    assert client.get("/proposals/").status_code == 302


def test_roles_given_or_taken_apply_at_the_next_page(fact_checker, moderator):
    client = signed_in(fact_checker)
    assert client.get("/review/").status_code == 403  # not a reviewer
    member_role_set(actor=moderator, user_id=fact_checker.pk, role="reviewer")
    assert client.get("/review/").status_code == 200
    Group.objects.get(name="reviewer").user_set.remove(fact_checker)  # from the group's side
    assert client.get("/review/").status_code == 403
    Group.objects.get(name="reviewer").user_set.add(fact_checker)
    assert client.get("/review/").status_code == 200
    Group.objects.get(name="reviewer").user_set.clear()
    assert client.get("/review/").status_code == 403


def test_the_cached_user_is_the_stored_one_and_saving_it_keeps_the_password(fact_checker):
    client = signed_in(fact_checker)
    page_queries(client)
    request = client.get("/proposals/").wsgi_request
    user = request.user._wrapped  # type: ignore[attr-defined]
    stored = type(fact_checker).objects.get(pk=fact_checker.pk)
    for name in session_auth.PRINCIPAL_FIELDS:
        assert getattr(user, name) == getattr(stored, name), name
    assert "password" in user.get_deferred_fields()
    assert user.get_session_auth_hash() == stored.get_session_auth_hash()
    user.first_name = "Renommée"
    user.save()
    stored.refresh_from_db()
    assert stored.first_name == "Renommée" and stored.check_password(PASSWORD)
    assert page_queries(client)  # still signed in, the entry dropped and filled again


def test_pages_still_work_when_the_cache_is_unreachable(fact_checker):
    client = signed_in(fact_checker)
    with mock.patch.object(session_auth.cache, "get", side_effect=ConnectionError):
        assert client.get("/proposals/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/proposals/").status_code == 302


def test_a_session_from_another_secret_is_not_trusted_from_the_cache(fact_checker, settings):
    client = signed_in(fact_checker)
    page_queries(client)
    settings.SECRET_KEY = "another-secret-" + "x" * 50  # rotated without a fallback
    assert client.get("/proposals/").status_code == 302


def test_a_session_with_an_unreadable_user_id_is_signed_out_not_an_error(fact_checker):
    client = signed_in(fact_checker)
    session = client.session
    session["_auth_user_id"] = "not-an-id"
    session.save()
    assert client.get("/proposals/").status_code == 302  # to the login page
