"""Every API error is the JSON envelope, hostile bodies are refused before any work."""

from __future__ import annotations

import json
import time

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client

from annotator.annotations.models import Annotation
from annotator.lib.api import exception_handler
from tests.factories import ArticleFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"error", "detail", "fields"}
    assert body["error"] == code
    assert body["detail"]
    return body


def annotation_body(article, **extra) -> dict:
    text = article.text
    return {
        "article": article.pk,
        "quote": {"exact": text[0:10], "prefix": "", "suffix": text[10:20]},
        "position": {"start": 0, "end": 10},
        **extra,
    }


def test_a_twelve_megabyte_body_is_a_json_413(fact_checker):
    body = json.dumps({"comment": "x" * (12 * 1024 * 1024)})
    response = client_for(fact_checker).post(
        "/api/annotations/", body, content_type="application/json"
    )
    assert_envelope(response, 413, "too_large")


def test_an_anonymous_oversized_body_is_refused_before_authentication():
    response = Client().post(
        "/api/auth/token/", "x" * (12 * 1024 * 1024), content_type="application/json"
    )
    assert_envelope(response, 413, "too_large")


def test_a_body_too_big_found_while_reading_maps_to_413():
    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response is not None
    assert response.status_code == 413
    assert response.data["error"] == "too_large"


def test_a_body_nested_a_thousand_deep_is_a_400_not_a_500(fact_checker):
    body = "[" * 1000 + "]" * 1000
    response = client_for(fact_checker).post(
        "/api/annotations/", body, content_type="application/json"
    )
    assert_envelope(response, 400, "too_deep")


def test_a_body_nested_past_the_depth_limit_is_refused_even_when_python_could_parse_it(
    fact_checker,
):
    nested: object = "fin"
    for _ in range(40):
        nested = {"a": nested}
    response = client_for(fact_checker).post(
        "/api/annotations/", json.dumps({"comment": nested}), content_type="application/json"
    )
    assert_envelope(response, 400, "too_deep")


def test_a_million_and_a_half_tags_are_refused_quickly_and_nothing_is_stored(fact_checker):
    article = ArticleFactory()
    body = json.dumps(annotation_body(article, tags=["tag"] * 1_500_000))
    started = time.monotonic()
    response = client_for(fact_checker).post(
        "/api/annotations/", body, content_type="application/json"
    )
    assert time.monotonic() - started < 5
    assert_envelope(response, 400, "too_long")
    assert not Annotation.objects.exists()


def test_tags_are_counted_as_sent_before_duplicates_are_dropped(fact_checker):
    article = ArticleFactory()
    response = client_for(fact_checker).post(
        "/api/annotations/",
        annotation_body(article, tags=["même"] * 21),
        format="json",
    )
    body = assert_envelope(response, 400, "invalid")
    assert "tags" in body["fields"]
    assert not Annotation.objects.exists()


def test_twenty_tags_are_accepted_and_stored_without_duplicates(fact_checker):
    article = ArticleFactory()
    response = client_for(fact_checker).post(
        "/api/annotations/",
        annotation_body(article, tags=["a", "A", "b"] + [f"t{i}" for i in range(17)]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["tags"][:2] == ["a", "b"]


def test_an_unknown_api_address_is_a_json_404(fact_checker):
    response = client_for(fact_checker).get("/api/no-such-thing/")
    assert_envelope(response, 404, "not_found")


def test_an_unknown_page_is_an_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unexpected_api_failure_is_a_json_500_without_a_traceback(fact_checker, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("annotator.articles.api.views.article_list_for", broken)
    client = client_for(fact_checker)
    client.raise_request_exception = False
    response = client.get("/api/articles/")
    body = assert_envelope(response, 500, "server_error")
    assert "secret internals" not in json.dumps(body)


def test_an_unexpected_page_failure_is_an_html_500_without_a_traceback(fact_checker, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("annotator.articles.views.list_page", broken)
    client = Client(raise_request_exception=False)
    client.force_login(fact_checker)
    response = client.get("/articles/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
