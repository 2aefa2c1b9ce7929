"""Live events a web request commits are published once its response has been sent, in the
order they committed; at once outside a request, for a streamed response and when the view
fails (`annotator.live.events.PublishAfterResponseMiddleware`)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from annotator.live import events
from annotator.live.events import PublishAfterResponseMiddleware, publish_committed


@pytest.fixture
def published():  # type: ignore[no-untyped-def]
    sent: list[dict] = []  # type: ignore[type-arg]
    with mock.patch.object(events, "publish", side_effect=lambda m: sent.append(m) or True):
        yield sent


def test_outside_a_request_an_event_goes_out_at_once(published):  # type: ignore[no-untyped-def]
    publish_committed({"n": 1})
    assert published == [{"n": 1}]


@pytest.mark.django_db
def test_in_a_request_events_go_out_in_order_once_the_response_is_sent(published):  # type: ignore[no-untyped-def]
    def view(request):  # type: ignore[no-untyped-def]
        publish_committed({"n": 1})
        publish_committed({"n": 2})
        return HttpResponse("ok")

    response = PublishAfterResponseMiddleware(view)(RequestFactory().get("/"))
    assert published == []  # the client has not been answered yet
    response.close()  # what the server calls after the last byte
    assert published == [{"n": 1}, {"n": 2}]
    response.close()
    assert len(published) == 2  # never twice
    publish_committed({"n": 3})  # the request is over: at once again
    assert published[-1] == {"n": 3}


def test_a_streamed_response_or_a_failing_view_publishes_at_once(published):  # type: ignore[no-untyped-def]
    def streaming(request):  # type: ignore[no-untyped-def]
        publish_committed({"n": "stream"})
        return StreamingHttpResponse(iter([b"a"]))

    PublishAfterResponseMiddleware(streaming)(RequestFactory().get("/"))
    assert published == [{"n": "stream"}]

    def failing(request):  # type: ignore[no-untyped-def]
        publish_committed({"n": "failed"})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        PublishAfterResponseMiddleware(failing)(RequestFactory().get("/"))
    assert published[-1] == {"n": "failed"}


@pytest.mark.django_db(transaction=True)  # real commits: the event's on_commit runs
def test_a_create_through_the_api_publishes_its_event_after_answering(fact_checker, published):  # type: ignore[no-untyped-def]
    from django.http import HttpResponseBase
    from rest_framework.test import APIClient

    from tests.annotations.test_api_create import body_for
    from tests.factories import ArticleFactory

    article = ArticleFactory(text="Le candidat veut la fibre partout.\n")
    client = APIClient()
    client.force_authenticate(fact_checker)
    close = HttpResponseBase.close

    def closing(response):  # type: ignore[no-untyped-def]
        published.append("response sent")
        close(response)

    with mock.patch.object(HttpResponseBase, "close", closing):
        body = body_for(article, "la fibre partout")
        response = client.post("/api/annotations/", body, format="json")
    assert response.status_code == 201
    assert published[0] == "response sent"
    assert [m["kind"] for m in published[1:]] == ["annotation.created"]
    assert published[1]["annotation_id"] == response.json()["id"]
