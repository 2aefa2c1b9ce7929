"""The reader's call (an article's annotations) is written by PostgreSQL from the same columns
as `read_model.annotation_record`: the two agree field by field, row by row, in every time zone
and language, and the API falls back to Python where PostgreSQL cannot render a row."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from annotator.annotations.models import Annotation
from annotator.annotations.selectors import (
    annotation_page_json_for_article,
    annotation_records_for_article,
)
from annotator.lib.markdown import render_markdown
from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory, UserFactory
from tests.utils import client_for

TEXT = (
    "# Programme\n\nLe candidat promet « la fibre partout » d'ici 2025 🚀, puis une "
    'cyber-réserve "citoyenne" \\ et un cloud souverain.\r\nFin du texte.\n'
)


@pytest.fixture
def article(db):  # type: ignore[no-untyped-def]
    article = ArticleFactory(text=TEXT)
    alice = UserFactory(username="alice", first_name="Alice", last_name="", role="fact-checker")
    bob = UserFactory(username="bob", first_name="", last_name="", role="fact-checker")
    zoé = UserFactory(username="zoe", first_name="Zoé", last_name="d'Arc", role="reviewer")
    fibre = ProposalFactory(title="Fibre partout")
    cloud = ProposalFactory(title="Cloud « souverain »")
    rows = [
        (
            "la fibre partout",
            alice,
            "Chiffrage **à vérifier** <b>&</b>",
            [fibre, cloud],
            "submitted",
        ),
        ("2025 🚀", bob, "", [], "draft"),
        ('"citoyenne" \\', zoé, 'Guillemets "doubles" et\nlignes', [cloud], "approved"),
        ("cloud souverain.\r\nFin", alice, "Fin ✅", [fibre], "rejected"),
    ]
    for exact, author, comment, proposals, status in rows:
        AnnotationFactory(
            article=article, author=author, exact=exact, comment=comment,
            comment_html=render_markdown(comment) if comment else "", proposals=proposals,
            status=status, tags=["é-tag", "b"] if comment else [],
        )  # fmt: skip
    # Times with and without microseconds, in summer and winter, an editor, a lock.
    first, second = Annotation.objects.filter(article=article).order_by("id")[:2]
    Annotation.objects.filter(pk=first.pk).update(
        created=dt.datetime(2022, 3, 27, 0, 59, 59, tzinfo=dt.UTC),
        modified=dt.datetime(2022, 7, 14, 12, 0, 0, 1, tzinfo=dt.UTC),
        modified_by=zoé,
        is_locked=True,
    )
    Annotation.objects.filter(pk=second.pk).update(
        created=dt.datetime(2021, 12, 31, 23, 0, 0, tzinfo=dt.UTC)
    )
    return article


def _python(actor, article) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(json.dumps(annotation_records_for_article(actor=actor, article=article)))


@pytest.mark.parametrize("zone", ["Europe/Paris", "UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_postgresql_writes_the_same_records_as_the_read_model(article, zone, language):  # type: ignore[no-untyped-def]
    moderator = UserFactory(role="moderator")
    author = Annotation.objects.filter(article=article, status="draft").get().author
    for actor in (moderator, author):
        with translation.override(language), timezone.override(zone):
            page = annotation_page_json_for_article(
                actor=actor, article_id=article.pk, page_size=200
            )
            expected = _python(actor, article)
        assert page is not None
        count, records = page
        assert count == len(expected)
        assert json.loads(records) == expected
    # The author sees their draft, the moderator does not: the policy's rule is the same.
    assert len(_python(author, article)) == 4
    assert len(_python(moderator, article)) == 3


def test_the_api_answers_the_reader_in_one_query_with_the_generic_paths_records(article):  # type: ignore[no-untyped-def]
    client = client_for(UserFactory(role="reviewer"))
    path = f"/api/annotations/?article={article.pk}"
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        fast = client.get(path)
    assert fast.status_code == 200 and fast["Content-Type"] == "application/json"
    assert len(captured.captured_queries) == 1
    body = fast.json()
    # Another spelling of the same filter goes through the filter set and the Python records.
    generic = client.get(f"/api/annotations/?article={article.pk}&page=1").json()
    assert body["results"] == generic["results"]
    assert body["count"] == generic["count"] == 3
    assert body["next"] is None and body["previous"] is None


def test_a_row_without_stored_html_is_rendered_by_python(article):  # type: ignore[no-untyped-def]
    annotation = Annotation.objects.filter(article=article).exclude(comment="").first()
    Annotation.objects.filter(pk=annotation.pk).update(comment_html="")
    moderator = UserFactory(role="moderator")
    assert (
        annotation_page_json_for_article(actor=moderator, article_id=article.pk, page_size=200)
        is None
    )
    body = client_for(moderator).get(f"/api/annotations/?article={article.pk}").json()
    shown = next(r for r in body["results"] if r["id"] == annotation.pk)
    assert shown["comment_html"] == str(render_markdown(annotation.comment))


def test_a_full_page_is_left_to_the_paginator(article):  # type: ignore[no-untyped-def]
    moderator = UserFactory(role="moderator")
    assert (
        annotation_page_json_for_article(actor=moderator, article_id=article.pk, page_size=3)
        is None
    )
    assert annotation_page_json_for_article(actor=moderator, article_id=article.pk, page_size=4)


def test_unknown_or_hidden_articles_give_an_empty_page_and_bad_values_a_400(article):  # type: ignore[no-untyped-def]
    client = client_for(UserFactory(role="fact-checker"))
    assert client.get("/api/annotations/?article=999999999").json()["results"] == []
    assert client.get("/api/annotations/?article=abc").status_code == 400
    assert client.get("/api/annotations/?article=-1").json()["results"] == []


def _embedded(html: str) -> list[dict]:
    import re

    found = re.search(
        r'<script id="annotations-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found is not None
    return json.loads(found.group(1))


def test_the_reader_page_embeds_the_same_records_safe_for_a_script_element(article):  # type: ignore[no-untyped-def]
    reviewer = UserFactory(role="reviewer")
    annotation = Annotation.objects.filter(article=article, status="submitted").get()
    Annotation.objects.filter(pk=annotation.pk).update(comment_html="<p>a</script><b>&amp;</b></p>")
    client = Client()
    client.force_login(reviewer)
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "a</script>" not in page  # escaped inside the script element
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert _embedded(page) == _python(reviewer, article)
    assert 'id="annotation-count">3<' in page
    # A row without its stored HTML: the page is built in Python, with the same records.
    Annotation.objects.filter(pk=annotation.pk).update(comment_html="")
    page = client.get(f"/articles/{article.pk}/").content.decode()
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert _embedded(page) == _python(reviewer, article)
