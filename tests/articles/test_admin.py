"""The article admin saves through the services: import on creation, revision (with re-anchoring)
on a text change, lifecycle on a status change, and a refusal naming who changed the source when
the page the moderator saves is stale."""

from __future__ import annotations

import pytest
from django.test import Client

from annotator.articles.models import Article, ArticleRevision
from annotator.articles.services import article_revise_text
from tests.factories import AnnotationFactory, ArticleFactory, CandidacyFactory, UserFactory
from tests.factories import passage as passage_of
from tests.utils import admin_form_data

pytestmark = pytest.mark.django_db

TEXT = (
    "# Programme\n\nLe candidat veut la fibre optique partout d'ici 2027.\n\n"
    "Il promet aussi un observatoire de la 5G.\n"
)


@pytest.fixture
def article():  # type: ignore[no-untyped-def]
    return ArticleFactory(text=TEXT, title="Programme numérique")


@pytest.fixture
def claire(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="claire", first_name="Claire", last_name="Martin", role="moderator")


def admin_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def load_change_form(client: Client, article: Article) -> dict:  # type: ignore[type-arg]
    page = client.get(change_url(article))
    assert page.status_code == 200
    return admin_form_data(page)


def errors_of(response) -> str:  # type: ignore[no-untyped-def]
    form = response.context["adminform"].form
    return " ".join(str(e) for e in form.errors.values())


def test_a_stale_text_form_is_refused_naming_the_other_moderator_and_saves_nothing(
    moderator, claire, article
):
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    article_revise_text(
        actor=claire, article_id=article.pk, text=TEXT + "Ajout.\n", expected_version=1
    )

    loaded["text"] = TEXT.replace("5G", "5 G")
    response = client.post(change_url(article), loaded)

    assert response.status_code == 409
    message = errors_of(response)
    assert "Claire Martin a enregistré la révision 2" in message, message
    article.refresh_from_db()
    assert article.text == TEXT + "Ajout.\n" and article.version == 2
    assert article.revisions.count() == 2


def test_a_text_saved_on_the_loaded_version_creates_a_revision_and_reanchors_annotations(
    moderator, fact_checker, article
):
    annotation = AnnotationFactory(
        article=article, author=fact_checker, **passage_of(article, "observatoire de la 5G")
    )
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    new_text = TEXT.replace("# Programme\n", "# Programme numérique du candidat\n")
    loaded["text"] = new_text
    loaded["revision_note"] = "Titre complet"

    response = client.post(change_url(article), loaded)

    assert response.status_code == 302, errors_of(response)
    article.refresh_from_db()
    assert article.text == new_text and article.version == 2
    revision = ArticleRevision.objects.get(article=article, number=2)
    assert revision.created_by == moderator and revision.note == "Titre complet"
    annotation.refresh_from_db()
    assert annotation.revision == revision
    assert new_text[annotation.start : annotation.end] == "observatoire de la 5G"
    assert annotation.start > TEXT.index("observatoire de la 5G")


def test_a_browser_sends_crlf_line_breaks_and_the_text_keeps_its_lf_ones(moderator, article):
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    loaded["title"] = "Programme (titre corrigé)"
    loaded["text"] = TEXT.replace("\n", "\r\n")

    response = client.post(change_url(article), loaded)

    assert response.status_code == 302, errors_of(response)
    article.refresh_from_db()
    assert article.text == TEXT and article.revisions.count() == 1
    assert article.title == "Programme (titre corrigé)"


def test_a_metadata_edit_on_a_stale_page_does_not_overwrite_a_concurrent_revision(
    moderator, claire, article
):
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    article_revise_text(
        actor=claire, article_id=article.pk, text=TEXT + "Ajout.\n", expected_version=1
    )

    loaded["title"] = "Un autre titre"
    response = client.post(change_url(article), loaded)

    assert response.status_code == 409
    assert "Claire Martin" in errors_of(response)
    article.refresh_from_db()
    assert article.title == "Programme numérique"
    assert article.text == TEXT + "Ajout.\n" and article.version == 2


def test_a_metadata_edit_on_the_loaded_version_bumps_the_version_and_keeps_the_text(
    moderator, article
):
    candidacy = CandidacyFactory()
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    loaded["title"] = "Un autre titre"
    loaded["candidacies"] = [str(candidacy.pk)]

    response = client.post(change_url(article), loaded)

    assert response.status_code == 302, errors_of(response)
    article.refresh_from_db()
    assert article.title == "Un autre titre" and article.version == 2
    assert list(article.candidacies.all()) == [candidacy]
    assert article.text == TEXT and article.revisions.count() == 1
    assert article.history.first().history_user == moderator


def test_a_stale_metadata_edit_names_who_changed_the_metadata(moderator, claire, article):
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    other = load_change_form(admin_for(claire), article)
    other["outlet"] = "Le Monde"
    assert admin_for(claire).post(change_url(article), other).status_code == 302

    loaded["title"] = "Un autre titre"
    response = client.post(change_url(article), loaded)

    assert response.status_code == 409
    assert "Claire Martin" in errors_of(response)
    article.refresh_from_db()
    assert article.title == "Programme numérique" and article.outlet == "Le Monde"


def test_a_status_change_goes_through_the_lifecycle(moderator, article):
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    loaded["status"] = "archived"
    assert client.post(change_url(article), loaded).status_code == 302
    article.refresh_from_db()
    assert article.status == "archived" and article.version == 2

    loaded = load_change_form(client, article)
    loaded["status"] = "draft"
    response = client.post(change_url(article), loaded)
    assert response.status_code == 400 and "status" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == "archived" and article.version == 2


def add_form(client: Client) -> dict:  # type: ignore[type-arg]
    page = client.get("/admin/articles/article/add/")
    assert page.status_code == 200
    data = admin_form_data(page)
    data.update(title="Entretien", kind="opinion", status="published", language="fr")
    return data


def test_creating_an_article_imports_it_with_its_first_revision(moderator):
    client = admin_for(moderator)
    data = add_form(client)
    data["text"] = "Un entretien sur le numérique.\n"

    response = client.post("/admin/articles/article/add/", data)

    assert response.status_code == 302
    article = Article.objects.get(title="Entretien")
    assert article.text == "Un entretien sur le numérique.\n" and article.imported_by == moderator
    revision = article.revisions.get()
    assert revision.number == 1 and revision.created_by == moderator


def test_creating_a_duplicate_text_is_a_form_error_naming_the_stored_article(moderator, article):
    client = admin_for(moderator)
    data = add_form(client)
    data["text"] = TEXT

    response = client.post("/admin/articles/article/add/", data)

    assert response.status_code == 409
    message = errors_of(response)
    assert f"n° {article.pk}" in message and "Programme numérique" in message
    assert "text" in response.context["adminform"].form.errors
    assert Article.objects.count() == 1


def test_a_change_form_without_the_loaded_version_is_refused(moderator, article):
    client = admin_for(moderator)
    loaded = load_change_form(client, article)
    del loaded["loaded_version"]
    loaded["title"] = "Un autre titre"

    response = client.post(change_url(article), loaded)

    assert response.status_code == 200 and "rechargez la page" in errors_of(response)
    article.refresh_from_db()
    assert article.title == "Programme numérique" and article.version == 1
