"""POST /api/annotations/: the server checks every selector and who may annotate."""

from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.review.models import AnnotationEvent
from tests.annotations.helpers import english_client as client_for
from tests.factories import ArticleFactory, UserFactory, passage

URL = "/api/annotations/"


def body_for(target, exact: str, **overrides):  # type: ignore[no-untyped-def]
    selected = passage(target, exact)
    body = {
        "article": target.pk,
        "quote": {k: selected[k] for k in ("exact", "prefix", "suffix")},
        "position": {"start": selected["start"], "end": selected["end"]},
        "comment": "Promesse **chiffrée** ?",
        "tags": ["Ministère", "promesse"],
        "proposals": [],
    }
    body.update(overrides)
    return body


def test_fact_checker_creates_a_draft_annotation_linked_to_a_proposal(
    fact_checker, article, proposal
):
    body = body_for(article, "créer un ministère du numérique", proposals=[proposal.pk])
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["quote"]["exact"] == "créer un ministère du numérique"
    assert data["position"] == body["position"]
    assert data["proposals"] == [proposal.pk]
    assert data["status"] == "draft"
    assert data["author"] == "fc"
    assert data["tags"] == ["ministère", "promesse"]
    assert data["version"] == 1
    assert response["ETag"] == '"1"'
    annotation = Annotation.objects.get(pk=data["id"])
    assert annotation.revision.number == 1
    assert AnnotationEvent.objects.filter(annotation=annotation, action="create").count() == 1


def test_the_server_fills_prefix_and_suffix_from_the_text(fact_checker, article):
    body = body_for(article, "créer un ministère du numérique")
    body["quote"].update(prefix="wrong", suffix="")
    data = client_for(fact_checker).post(URL, body, format="json").json()
    assert data["quote"]["prefix"] == passage(article, "créer un ministère du numérique")["prefix"]


@pytest.mark.parametrize("role", ["fact-checker", "reviewer", "moderator"])
def test_every_newsroom_role_may_annotate(role, article):
    user = UserFactory(role=role)
    response = client_for(user).post(URL, body_for(article, "la fibre"), format="json")
    assert response.status_code == 201


def test_a_user_without_a_role_may_not_annotate(outsider, article):
    response = client_for(outsider).post(URL, body_for(article, "la fibre"), format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_anonymous_clients_are_refused(api_client, article):
    assert api_client.post(URL, body_for(article, "la fibre"), format="json").status_code in (
        401,
        403,
    )


def test_empty_selection_is_refused_with_a_message(fact_checker, article):
    body = body_for(article, "la fibre")
    body["quote"]["exact"] = ""
    body["position"]["end"] = body["position"]["start"]
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [(-1, 5, "out of range"), (10, 100_000, "out of range"), (40, 30, "reversed")],
)
def test_offsets_out_of_range_or_reversed_are_refused(fact_checker, article, start, end, words):
    body = body_for(article, "la fibre", position={"start": start, "end": end})
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert "position" in response.json()["fields"]


def test_an_exact_quote_that_differs_from_the_text_at_the_offsets_is_refused(fact_checker, article):
    body = body_for(article, "la fibre")
    body["quote"]["exact"] = "la FIBRE"
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "differs from the text" in response.json()["detail"]


def test_a_passage_over_5000_characters_is_refused(fact_checker):
    long_article = ArticleFactory(text="Début. " + "x" * 6000 + " Fin.")
    text = long_article.text
    body = {
        "article": long_article.pk,
        "quote": {"exact": text[0:5001]},
        "position": {"start": 0, "end": 5001},
    }
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "maximum is 5000" in response.json()["detail"]


def test_an_unknown_article_is_refused(fact_checker, article):
    body = body_for(article, "la fibre", article=987654)
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "Unknown article" in response.json()["detail"]


def test_an_unknown_proposal_is_refused(fact_checker, article):
    body = body_for(article, "la fibre", proposals=[987654])
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "987654" in response.json()["detail"]


def test_offsets_are_code_points_so_an_emoji_counts_as_one(fact_checker):
    emoji_article = ArticleFactory(text="Le 🚀 décolle : la fibre partout.")
    start = emoji_article.text.index("la fibre")
    assert start == 15  # 16 UTF-16 code units in the browser
    body = {
        "article": emoji_article.pk,
        "quote": {"exact": "la fibre"},
        "position": {"start": start, "end": start + 8},
    }
    assert client_for(fact_checker).post(URL, body, format="json").status_code == 201
    body["position"] = {"start": 16, "end": 24}
    assert client_for(fact_checker).post(URL, body, format="json").status_code == 400


def test_archived_sources_are_read_only(fact_checker):
    archived = ArticleFactory(status=Article.Status.ARCHIVED)
    exact = archived.text.split("\n")[0]
    body = {
        "article": archived.pk,
        "quote": {"exact": exact},
        "position": {"start": 0, "end": len(exact)},
    }
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 409
    assert "archived" in response.json()["detail"]


def test_draft_sources_cannot_be_annotated_even_by_a_moderator(moderator):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    exact = draft.text.split("\n")[0]
    body = {"article": draft.pk, "quote": {"exact": exact}, "position": {"start": 0, "end": 2}}
    body["quote"]["exact"] = exact[:2]
    response = client_for(moderator).post(URL, body, format="json")
    assert response.status_code == 409
    assert "not published" in response.json()["detail"]


def test_a_draft_source_of_someone_else_is_an_unknown_article(fact_checker):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    body = {
        "article": draft.pk,
        "quote": {"exact": draft.text[:2]},
        "position": {"start": 0, "end": 2},
    }
    response = client_for(fact_checker).post(URL, body, format="json")
    assert response.status_code == 400


def test_malformed_bodies_get_400_not_500(fact_checker, article):
    client = client_for(fact_checker)
    for body in (
        {},
        {"article": "x", "quote": "y", "position": []},
        {"article": article.pk, "quote": {"exact": "a"}, "position": {"start": "a", "end": 2}},
        {**body_for(article, "la fibre"), "tags": "not-a-list"},
        {**body_for(article, "la fibre"), "tags": ["x" * 65]},
    ):
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, body
        assert set(response.json()) >= {"error", "detail", "fields"}


def test_messages_are_in_french_by_default(fact_checker, article):
    from tests.utils import client_for as french_client

    body = body_for(article, "la fibre", article=987654)
    response = french_client(fact_checker).post(URL, body, format="json")
    assert response.json()["detail"] == "Article inconnu : 987654."
