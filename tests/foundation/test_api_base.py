from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.utils import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("load_seed")


def test_token_endpoint_returns_a_token_that_authenticates_api_calls(fact_checker):
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "fc", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/articles/").status_code == 200


def test_token_endpoint_rejects_bad_credentials_with_the_error_shape(fact_checker):
    response = APIClient().post(
        "/api/auth/token/", {"username": "fc", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and "credentials" in body["detail"] and body["fields"] == {}
    missing = APIClient().post("/api/auth/token/", {"username": "fc"}, format="json")
    assert missing.status_code == 400
    assert "password" in missing.json()["fields"]


def test_api_requires_authentication():
    for path in (
        "/api/articles/",
        "/api/proposals/",
        "/api/elections/",
        "/api/candidates/",
        "/api/themes/",
    ):
        response = APIClient().get(path)
        assert response.status_code in (401, 403), path
        assert "error" in response.json()


def test_openapi_schema_and_docs_are_served(fact_checker):
    client = APIClient()
    client.force_login(fact_checker)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/articles/" in paths and "/api/proposals/" in paths and "/api/auth/token/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_read_only_lists_are_paginated_and_filterable(seeded, fact_checker):
    client = client_for(fact_checker)
    articles = client.get("/api/articles/").json()
    assert articles["count"] == 5 and {"next", "previous", "results"} <= set(articles)
    assert "text" not in articles["results"][0]

    programmes = client.get("/api/articles/?kind=programme").json()
    assert [a["outlet"] for a in programmes["results"]] == ["Parti socialiste"]

    elections = client.get("/api/elections/").json()["results"]
    e2022 = next(e for e in elections if e["key"] == "presidentielle-2022")
    in_2022 = client.get(f"/api/articles/?election={e2022['id']}").json()
    assert in_2022["count"] == 2

    themes = client.get("/api/themes/?page_size=100").json()
    assert themes["count"] == 20
    cyber = client.get("/api/proposals/?theme=CYBER&page_size=100").json()["results"]
    assert cyber and all("CYBER" in [p["primary_theme"], *p["secondary_themes"]] for p in cyber)

    melenchon = client.get("/api/candidates/?key=melenchon").json()["results"][0]
    by_candidate = client.get(f"/api/proposals/?candidate={melenchon['id']}&page_size=200").json()[
        "results"
    ]
    assert by_candidate and {p["candidacy"]["candidate"]["key"] for p in by_candidate} == {
        "melenchon"
    }

    candidacies = client.get(f"/api/candidacies/?election={e2022['id']}").json()
    assert candidacies["count"] == 2


def test_a_bad_filter_value_is_a_400_not_a_500(fact_checker):
    response = client_for(fact_checker).get("/api/articles/?election=abc")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_article_detail_includes_the_exact_text(seeded, fact_checker):
    client = client_for(fact_checker)
    first = client.get("/api/articles/").json()["results"][0]
    detail = client.get(f"/api/articles/{first['id']}/").json()
    assert detail["text"] and detail["text_sha256"] == first["text_sha256"]
    assert client.get("/api/articles/999999/").status_code == 404


def test_roles_are_groups_created_by_migration_without_any_user():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "fact-checker",
        "reviewer",
        "moderator",
    }
    from django.contrib.auth import get_user_model

    assert (
        not get_user_model()
        .objects.filter(username__in=["factchecker", "reviewer", "moderator"])
        .exists()
    )


def test_demo_users_get_their_roles_and_the_given_password(monkeypatch, tmp_path):
    from annotator.demo import create_demo_users

    create_demo_users("demo-pass-123")
    create_demo_users("demo-pass-123")
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert (
        users.filter(
            username__in=[
                "factchecker",
                "factchecker2",
                "reviewer",
                "reviewer2",
                "moderator",
                "admin",
            ]
        ).count()
        == 6
    )
    assert users.get(username="reviewer").groups.get().name == "reviewer"
    assert users.get(username="moderator").is_staff
    assert users.get(username="admin").is_superuser
    assert APIClient().login(username="factchecker", password="demo-pass-123")


def test_pages_require_login_and_show_the_seed_articles(seeded):
    from django.test import Client

    anonymous = Client().get("/articles/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = Client()
    client.force_login(UserFactory(role="fact-checker"))
    page = client.get("/articles/")
    assert page.status_code == 200
    assert "Le programme numérique de Jean-Luc Mélenchon".encode() in page.content


def test_proposal_search_ignores_accents_and_case(seeded, fact_checker):
    client = client_for(fact_checker)
    accented = client.get("/api/proposals/?search=sécurité&page_size=200").json()["results"]
    plain = client.get("/api/proposals/?search=SECURITE&page_size=200").json()["results"]
    assert accented and [p["id"] for p in accented] == [p["id"] for p in plain]
    found = client.get("/api/proposals/?search=MELENCHON&page_size=200").json()["results"]
    all_melenchon = client.get("/api/proposals/?page_size=200").json()["results"]
    expected = {p["id"] for p in all_melenchon if p["candidacy"]["candidate"]["key"] == "melenchon"}
    assert expected and expected <= {p["id"] for p in found}
    nothing = client.get("/api/proposals/?search=zzzyxw").json()
    assert nothing["count"] == 0
