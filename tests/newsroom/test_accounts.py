"""Password reset by email and password change, with Django's validators."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import UserFactory
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Rédaction-2022-fiable"


def test_the_login_page_links_to_password_reset(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page
    assert "Mot de passe oublié ?" in page


def test_password_reset_by_email_lets_the_person_choose_a_new_password(client):
    UserFactory(username="oubli", email="oubli@example.org", role="fact-checker")
    response = client.post("/accounts/password/reset/", {"email": "oubli@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["oubli@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert client.login(username="oubli", password=NEW_PASSWORD)


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "personne@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_everyone_can_change_their_password_with_validation(client):
    user = UserFactory(username="change", role="reviewer")
    client.force_login(user)
    assert client.get("/accounts/password/change/").status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "change", "new_password2": "change"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/accounts/password/change/done/"
    client.logout()
    assert client.login(username="change", password=NEW_PASSWORD)


def test_password_change_needs_a_login(client):
    assert client.get("/accounts/password/change/")["Location"].startswith("/accounts/login/")
