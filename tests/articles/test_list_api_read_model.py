"""`GET /api/articles/` builds its records from plain rows (`annotator/articles/read_model.py`):
they must be what `ArticleListOutputSerializer` makes of the same articles, key for key, in
both languages and time zones, for awkward rows (no date, no URL, no party, several candidacies
in one election, a draft the importer sees)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from rest_framework.test import APIClient

from annotator.articles.api.serializers import ArticleListOutputSerializer
from annotator.articles.models import Article
from annotator.articles.read_model import LIST_FIELDS, article_list_records
from annotator.articles.selectors import article_list_for
from annotator.lib.auth_tokens import token_issue
from tests.factories import ArticleFactory
from tests.factories.core import CandidacyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(fact_checker):  # type: ignore[no-untyped-def]
    plain = ArticleFactory(title="Une <b>promesse</b>", url="https://example.org/a?b=1&c=2")
    ArticleFactory(title="Sans date", url="", published_on=None, kind=Article.Kind.PROGRAMME)
    draft = ArticleFactory(title="Brouillon")
    Article.objects.filter(pk=draft.pk).update(status="draft", imported_by=fact_checker)
    plain.candidacies.add(
        CandidacyFactory(candidate__last_name="Zola", election__date=dt.date(2022, 4, 10)),
        CandidacyFactory(candidate__last_name="Arthaud", election__date=dt.date(2017, 4, 23)),
        CandidacyFactory(
            candidate__last_name="Besancenot", election__date=dt.date(2022, 4, 10), party=None
        ),
    )
    # A modification time with no microseconds (DRF and the read model must agree on it).
    Article.objects.filter(pk=plain.pk).update(
        modified=dt.datetime(2022, 3, 27, 1, 30, tzinfo=dt.UTC)
    )


@pytest.mark.parametrize(
    ("language", "zone"), [("fr", "Europe/Paris"), ("en", "UTC"), ("en", "America/New_York")]
)
def test_the_records_are_what_the_serializer_makes(articles, fact_checker, language, zone):
    request = RequestFactory().get("/api/articles/", HTTP_HOST="testserver")
    request.user = fact_checker
    queryset = article_list_for(actor=fact_checker).order_by("pk")
    with translation.override(language), timezone.override(zone):
        expected = ArticleListOutputSerializer(
            queryset, many=True, context={"request": request}
        ).data
        served = article_list_records(
            queryset.prefetch_related(None).values(*LIST_FIELDS), request=request
        )
    expected = json.loads(json.dumps(expected))
    assert served == expected
    assert [list(record) for record in served] == [list(record) for record in expected]
    assert len(served) == 3 and any(len(r["candidacies"]) == 3 for r in served)


def test_the_api_serves_them(articles, fact_checker):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=fact_checker).key}")
    response = client.get("/api/articles/?page_size=500")
    request = RequestFactory().get("/api/articles/", HTTP_HOST="testserver")
    request.user = fact_checker
    queryset = article_list_for(actor=fact_checker).order_by("-published_on", "title")
    expected = ArticleListOutputSerializer(queryset, many=True, context={"request": request}).data
    assert response.json()["results"] == json.loads(json.dumps(expected))


def test_the_list_takes_three_queries(articles, fact_checker, django_assert_num_queries):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=fact_checker).key}")
    client.get("/api/articles/?page_size=1")  # the token cached, as on a running server
    with django_assert_num_queries(3):  # count, page, candidacies
        response = client.get("/api/articles/?page_size=2")
    assert response.json()["count"] == 3 and len(response.json()["results"]) == 2
