"""POST /api/articles/ and /api/articles/preview/: sources through the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.articles.models import Article
from tests.factories import ArticleFactory, CandidacyFactory
from tests.factories.newsroom import ARTICLE_HTML, image_only_pdf, text_pdf
from tests.utils import client_for

pytestmark = pytest.mark.django_db

TEXT = "# Le plan fibre\r\n\r\nLe candidat promet la fibre partout.  \n"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_fact_checker_adds_pasted_text_stored_exactly_as_a_draft(fact_checker):
    candidacy = CandidacyFactory()
    response = client_for(fact_checker).post(
        "/api/articles/",
        {
            "text": TEXT,
            "title": "Le plan fibre",
            "outlet": "Numerama",
            "author": "A. Journaliste",
            "kind": "opinion",
            "url": "https://example.org/fibre",
            "published_on": "2022-03-01",
            "language": "fr",
            "candidacies": [candidacy.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["text"] == TEXT
    assert body["status"] == "draft"
    assert [c["id"] for c in body["candidacies"]] == [candidacy.pk]
    article = Article.objects.get(pk=body["id"])
    assert article.text == TEXT
    assert article.revisions.get().text == TEXT
    assert article.imported_by == fact_checker
    assert (article.kind, article.author, str(article.published_on)) == (
        "opinion",
        "A. Journaliste",
        "2022-03-01",
    )


def test_uploaded_html_file_is_stored_as_its_main_content(fact_checker):
    response = client_for(fact_checker).post(
        "/api/articles/",
        {"file": upload("page.html", ARTICLE_HTML.encode(), "text/html"), "candidacies": []},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "La candidate veut un ministère du numérique"
    assert "Mentions légales" not in body["text"]


def test_uploaded_pdf_keeps_its_line_breaks(moderator):
    response = client_for(moderator).post(
        "/api/articles/",
        {"file": upload("programme.pdf", text_pdf(), "application/pdf"), "title": "Programme"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert "souffrent d'un manque de\ncoordination" in response.json()["text"]


def test_multipart_candidacies_accept_several_ids(fact_checker):
    first, second = CandidacyFactory(), CandidacyFactory()
    response = client_for(fact_checker).post(
        "/api/articles/",
        {"text": "Texte.", "title": "T", "candidacies": [first.pk, second.pk]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert {c["id"] for c in response.json()["candidacies"]} == {first.pk, second.pk}


def test_moderator_may_publish_on_creation_but_a_fact_checker_may_not(moderator, fact_checker):
    data = {"text": "Texte publié.", "title": "T", "status": "published"}
    assert client_for(moderator).post("/api/articles/", data).json()["status"] == "published"
    data["text"] = "Autre texte."
    response = client_for(fact_checker).post("/api/articles/", data)
    assert response.status_code == 403
    assert Article.objects.count() == 1


@pytest.mark.parametrize("who", ["reviewer", "outsider"])
def test_reviewers_and_people_without_a_role_cannot_add_a_source(who, request):
    user = request.getfixturevalue(who)
    response = client_for(user).post("/api/articles/", {"text": "Texte.", "title": "T"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert not Article.objects.exists()


def test_anonymous_clients_cannot_add_a_source(api_client):
    response = api_client.post("/api/articles/", {"text": "Texte.", "title": "T"})
    assert response.status_code in (401, 403)
    assert not Article.objects.exists()


def _bad_inputs():
    return {
        "empty": ({"text": "", "title": "T"}, "empty"),
        "whitespace": ({"text": "  \n\t ", "title": "T"}, "empty"),
        "too_large": ({"file": ("big.txt", b"x" * 2048, "text/plain")}, "too_large"),
        "type_mismatch": (
            {"file": ("faux.pdf", b"pas un pdf", "application/pdf")},
            "type_mismatch",
        ),
        "not_utf8": (
            {"file": ("latin.txt", "Élysée".encode("latin-1"), "text/plain")},
            "undecodable",
        ),
        "no_text_layer": (
            {"file": ("scan.pdf", image_only_pdf(), "application/pdf")},
            "no_text_layer",
        ),
    }


@pytest.mark.parametrize("case", list(_bad_inputs()))
def test_each_bad_input_gets_a_clear_error_and_stores_nothing(case, fact_checker, settings):
    settings.MAX_SOURCE_BYTES = 1024
    data, code = _bad_inputs()[case]
    data = dict(data, title="Titre")
    if "file" in data:
        name, raw, content_type = data["file"]
        data["file"] = upload(name, raw, content_type)
    response = client_for(fact_checker).post("/api/articles/", data, format="multipart")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["error"] == code
    assert body["detail"]
    assert body["fields"]
    assert not Article.objects.exists()


def test_a_duplicate_text_is_refused_with_a_link_to_the_existing_article(fact_checker):
    existing = ArticleFactory(text="Le même texte.\n")
    response = client_for(fact_checker).post(
        "/api/articles/", {"text": "Le même texte.\n", "title": "Copie"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "duplicate"
    assert body["existing_id"] == existing.pk
    assert body["existing_url"] == f"/articles/{existing.pk}/"
    assert Article.objects.count() == 1


def test_unknown_candidacies_and_overlong_titles_are_refused_not_crashed(fact_checker):
    client = client_for(fact_checker)
    response = client.post(
        "/api/articles/", {"text": "Texte.", "title": "T", "candidacies": [999999]}, format="json"
    )
    assert response.status_code == 400
    assert "candidacies" in response.json()["fields"]
    response = client.post("/api/articles/", {"text": "Texte.", "title": "x" * 301}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["fields"]
    assert not Article.objects.exists()


def test_pasted_text_without_a_title_takes_its_first_line_as_title(fact_checker):
    response = client_for(fact_checker).post("/api/articles/", {"text": "Corps."}, format="json")
    assert response.status_code == 201
    assert response.json()["title"] == "Corps."


def test_preview_returns_the_exact_text_and_stores_nothing(fact_checker):
    response = client_for(fact_checker).post(
        "/api/articles/preview/",
        {"file": upload("page.html", ARTICLE_HTML.encode(), "text/html")},
        format="multipart",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["source_format"] == "html"
    assert body["text"].startswith("# La candidate")
    assert body["characters"] == len(body["text"])
    assert not Article.objects.exists()
    # Saving the same file stores exactly the previewed text.
    saved = client_for(fact_checker).post(
        "/api/articles/",
        {"file": upload("page.html", ARTICLE_HTML.encode(), "text/html")},
        format="multipart",
    )
    assert saved.json()["text"] == body["text"]
    assert saved.json()["text_sha256"] == body["text_sha256"]


def test_preview_is_refused_to_people_who_cannot_add_sources(reviewer):
    response = client_for(reviewer).post("/api/articles/preview/", {"text": "Bonjour"})
    assert response.status_code == 403


def test_url_fetch_through_the_api_is_refused_for_local_addresses_by_default(fact_checker):
    response = client_for(fact_checker).post(
        "/api/articles/", {"source_url": "http://127.0.0.1:9/", "title": "T"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "fetch_refused"
    assert "source_url" in response.json()["fields"]


def test_the_article_list_keeps_a_constant_number_of_queries(
    fact_checker, django_assert_max_num_queries
):
    client = client_for(fact_checker)
    ArticleFactory.create_batch(2)
    with django_assert_max_num_queries(4) as few:
        assert client.get("/api/articles/").status_code == 200
    ArticleFactory.create_batch(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/articles/").json()["count"] == 10
