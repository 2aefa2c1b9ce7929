"""/articles/new/: paste, upload or fetch, preview the exact text, save; bad inputs."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.articles.models import Article
from tests.factories import ArticleFactory, CandidacyFactory
from tests.factories.newsroom import ARTICLE_HTML, image_only_pdf, text_pdf

pytestmark = pytest.mark.django_db

METADATA = {
    "title": "",
    "outlet": "Le Monde",
    "author": "",
    "kind": "article",
    "url": "",
    "published_on": "2022-03-02",
    "language": "fr",
}


def post(client, action: str, **fields):  # type: ignore[no-untyped-def]
    return client.post("/articles/new/", {**METADATA, "action": action, **fields})


@pytest.fixture
def fc_client(client, fact_checker):  # type: ignore[no-untyped-def]
    client.force_login(fact_checker)
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [("fact_checker", 200), ("moderator", 200), ("reviewer", 403), ("outsider", 403)],
)
def test_the_add_source_page_is_for_fact_checkers_and_moderators(who, expected, client, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/articles/new/").status_code == expected


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/articles/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_is_in_french_by_default(fc_client):
    page = fc_client.get("/articles/new/").content.decode()
    assert "Ajouter une source" in page
    assert "Aperçu" in page


def test_the_page_runs_a_constant_number_of_queries(fc_client, django_assert_max_num_queries):
    CandidacyFactory.create_batch(2)
    with django_assert_max_num_queries(12) as few:
        fc_client.get("/articles/new/")
    CandidacyFactory.create_batch(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        fc_client.get("/articles/new/")


def test_preview_shows_the_pasted_text_exactly_and_stores_nothing(fc_client):
    text = "# Fibre\r\n\r\n  Indentée <b>pas du HTML</b>\r\nFin"
    response = post(fc_client, "preview", mode="paste", text=text)
    assert response.status_code == 200
    page = response.content.decode()
    stored = text.replace("\r\n", "\n")  # the browser's CRLF is a form artefact
    assert f'data-testid="preview-text">{html.escape(stored)}</pre>' in page
    assert response.context["form"]["title"].value() == "Fibre"
    assert not Article.objects.exists()


def test_saving_after_the_preview_stores_the_previewed_text(fc_client, fact_checker):
    candidacy = CandidacyFactory()
    preview = post(
        fc_client,
        "preview",
        mode="upload",
        file=SimpleUploadedFile("page.html", ARTICLE_HTML.encode(), "text/html"),
    )
    previewed = preview.context["preview"].text
    prepared = preview.context["form"]["prepared"].value()
    response = post(
        fc_client,
        "save",
        mode="upload",
        prepared=prepared,
        title="Ministère du numérique",
        candidacies=[candidacy.pk],
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert article.text == previewed
    assert (article.title, article.outlet, article.status) == (
        "Ministère du numérique",
        "Le Monde",
        "draft",
    )
    assert article.imported_by == fact_checker
    assert list(article.candidacies.all()) == [candidacy]


def test_a_tampered_preview_token_is_ignored(fc_client):
    response = post(fc_client, "save", mode="upload", prepared="forged:token", title="T")
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_saving_directly_without_preview_works_too(fc_client):
    response = post(fc_client, "save", mode="paste", text="Texte direct.", title="Direct")
    assert response.status_code == 302
    assert Article.objects.get().text == "Texte direct."


def test_the_mode_decides_which_input_is_used(fc_client):
    post(
        fc_client,
        "save",
        mode="paste",
        text="Le texte collé.",
        title="T",
        file=SimpleUploadedFile("a.txt", b"Le fichier.", "text/plain"),
    )
    assert Article.objects.get().text == "Le texte collé."


def test_a_moderator_can_publish_on_save_and_a_fact_checker_cannot(client, moderator, fact_checker):
    client.force_login(moderator)
    post(client, "save", mode="paste", text="Publié.", title="T", publish="on")
    assert Article.objects.get().status == "published"
    client.force_login(fact_checker)
    assert "publish" not in client.get("/articles/new/").context["form"].fields
    post(client, "save", mode="paste", text="Brouillon.", title="T", publish="on")
    assert Article.objects.get(text="Brouillon.").status == "draft"


def test_a_pdf_upload_is_previewed_with_its_line_breaks(fc_client):
    response = post(
        fc_client,
        "preview",
        mode="upload",
        file=SimpleUploadedFile("p.pdf", text_pdf(), "application/pdf"),
    )
    assert "manque de\ncoordination" in response.context["preview"].text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"mode": "paste", "text": ""}, "text"),
        ({"mode": "paste", "text": "   \r\n  "}, "text"),
        ({"mode": "upload", "file": ("big.txt", b"x" * 2048, "text/plain")}, "file"),
        ({"mode": "upload", "file": ("faux.pdf", b"pas un pdf", "application/pdf")}, "file"),
        (
            {"mode": "upload", "file": ("latin.txt", "Élysée".encode("latin-1"), "text/plain")},
            "file",
        ),
        ({"mode": "upload", "file": ("scan.pdf", image_only_pdf(), "application/pdf")}, "file"),
        ({"mode": "upload"}, "file"),
        ({"mode": "fetch", "source_url": "http://127.0.0.1:9/"}, "source_url"),
        ({"mode": "fetch", "source_url": "ftp://example.org/x"}, "source_url"),
    ],
    ids=[
        "empty",
        "whitespace",
        "too_large",
        "type_mismatch",
        "not_utf8",
        "no_text_layer",
        "no_file",
        "private_address",
        "bad_scheme",
    ],
)
@pytest.mark.parametrize("action", ["preview", "save"])
def test_each_bad_input_shows_a_message_on_its_field_and_stores_nothing(
    fields, field, action, fc_client, settings
):
    settings.MAX_SOURCE_BYTES = 1024
    fields = dict(fields)
    if "file" in fields:
        name, raw, content_type = fields["file"]
        fields["file"] = SimpleUploadedFile(name, raw, content_type)
    response = post(fc_client, action, title="Titre", **fields)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors.get(field), errors
    assert 'role="alert"' in response.content.decode()
    assert not Article.objects.exists()


def test_a_duplicate_shows_a_link_to_the_existing_source(fc_client):
    existing = ArticleFactory(text="Déjà là.")
    response = post(fc_client, "save", mode="paste", text="Déjà là.", title="Copie")
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="/articles/{existing.pk}/" data-testid="duplicate-link"' in page
    assert Article.objects.count() == 1
