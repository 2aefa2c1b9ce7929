from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    client = Client()
    client.force_login(UserFactory(role="fact-checker"))
    return client


def test_pages_are_in_french_by_default(client):
    page = client.get("/articles/").content.decode()
    assert "Se déconnecter" in page and 'lang="fr"' in page


def test_english_is_available_through_the_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/articles/"})
    assert response.status_code == 302
    page = client.get("/articles/").content.decode()
    assert "Log out" in page and 'lang="en"' in page


def test_times_are_shown_in_europe_paris(settings):
    assert settings.TIME_ZONE == "Europe/Paris"
    utc_noon = dt.datetime(2022, 2, 1, 12, 0, tzinfo=dt.UTC)
    assert timezone.localtime(utc_noon).hour == 13


def test_service_errors_are_translated(client):
    ArticleFactory(text="Même texte.")
    from django.utils import translation

    from annotator.articles.services import article_import
    from annotator.lib.errors import DuplicateError

    with translation.override("fr"), pytest.raises(DuplicateError, match="déjà enregistré"):
        article_import(actor=None, text="Même texte.", title="Doublon")
