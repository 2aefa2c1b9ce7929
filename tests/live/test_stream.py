"""The event stream end to end: real web processes, real Redis, the test database."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from annotator.annotations.services import annotation_create, annotation_delete, annotation_update
from annotator.lib.auth_tokens import token_issue
from annotator.live.models import Event
from annotator.review.services import annotation_review, annotation_submit
from proposals.services.ratings import rating_submit
from tests.factories import ArticleFactory, ProposalFactory, UserFactory
from tests.factories.proposals import rating_payload
from tests.live.servers import Stream, session_cookie, start_web

pytestmark = pytest.mark.slow

TEXT = "Le candidat promet la fibre partout en 2027. Il promet aussi des impôts plus bas pour tous."


def passage(text: str, exact: str) -> dict:
    start = text.index(exact)
    return {"quote": {"exact": exact}, "position": {"start": start, "end": start + len(exact)}}


def api_for(web, user) -> APIClient:  # type: ignore[no-untyped-def]
    """Requests sent over HTTP to a web process (not through the test client)."""
    import urllib.request

    token = token_issue(user=user).key

    class Http:
        def post(self, path: str, body: dict) -> tuple[int, dict]:
            request = urllib.request.Request(  # noqa: S310 - loopback test server
                web.url + path,
                data=json.dumps(body).encode(),
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    return response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read() or b"{}")

    return Http()  # type: ignore[return-value]


@pytest.fixture
def newsroom(transactional_db):  # type: ignore[no-untyped-def]
    return {
        "author": UserFactory(username="auteur", role="fact-checker"),
        "colleague": UserFactory(username="collegue", role="fact-checker"),
        "reviewer": UserFactory(username="relecteur", role="reviewer"),
        "article": ArticleFactory(text=TEXT),
    }


def test_an_event_written_through_one_web_process_reaches_a_stream_on_another(newsroom, streams):  # type: ignore[no-untyped-def]
    first, second = start_web(), start_web()
    try:
        article = newsroom["article"]
        stream = Stream(second, session_cookie(newsroom["reviewer"]), f"article={article.pk}")
        streams.append(stream)
        assert stream.status == 200
        stream.next("hello")
        http = api_for(first, newsroom["author"])
        status, created = http.post(
            "/api/annotations/", {"article": article.pk, **passage(TEXT, "la fibre partout")}
        )
        assert status == 201, created
        status, _ = http.post(f"/api/annotations/{created['id']}/submit/", {"version": 1})
        assert status == 200
        _name, event_id, data = stream.next("annotation", timeout=2)
        # The reviewer never saw the draft: the first thing they hear of it is the submission.
        assert data["kind"] == "annotation.submitted"
        assert data["annotation"]["id"] == created["id"]
        assert data["annotation"]["status"] == "submitted"
        assert Event.objects.get(pk=event_id).kind == "annotation.submitted"
    finally:
        first.stop()
        second.stop()


def test_a_draft_never_reaches_another_user_and_blind_rating_values_never_travel(
    newsroom, web, streams
):  # type: ignore[no-untyped-def]
    article, author = newsroom["article"], newsroom["author"]
    own = Stream(web, session_cookie(author), f"article={article.pk}")
    colleague = Stream(web, session_cookie(newsroom["colleague"]), f"article={article.pk}")
    reviewer = Stream(web, session_cookie(newsroom["reviewer"]), f"article={article.pk}")
    streams.extend([own, colleague, reviewer])
    for stream in (own, colleague, reviewer):
        stream.next("hello")

    draft = annotation_create(
        actor=author,
        article=article.pk,
        comment="Brouillon secret",
        **passage(TEXT, "impôts plus bas"),
    )
    annotation_update(
        actor=author, annotation_id=draft.pk, expected_version=1, comment="Brouillon secret, revu"
    )
    annotation_delete(actor=author, annotation_id=draft.pk, expected_version=2)
    # The author follows their own draft live: created, edited, removed.
    kinds = [own.next(where=lambda d: "kind" in d)[2]["kind"] for _ in range(3)]
    assert kinds == ["annotation.created", "annotation.edited", "annotation.deleted"]

    proposal = ProposalFactory()
    rating_submit(
        actor=newsroom["colleague"], proposal_id=proposal.pk,
        **rating_payload(feasibility="hardly_feasible", justification="Chiffrage introuvable. " * 6),
    )  # fmt: skip
    submitted = annotation_create(actor=author, article=article.pk, **passage(TEXT, "la fibre"))
    annotation_submit(actor=author, annotation_id=submitted.pk)

    for stream in (colleague, reviewer):
        _name, _id, data = stream.next("annotation", timeout=3)
        # The first annotation event others receive is the submitted one: nothing of the draft.
        assert data["annotation"]["id"] == submitted.pk and data["kind"] == "annotation.submitted"
        assert stream.next("rating")[2] == {"proposal": proposal.pk, "ratings": 1}
        text = "\n".join(stream.raw)
        assert "Brouillon secret" not in text and "impôts plus bas" not in text
        assert f'"id":{draft.pk},' not in text and "hardly_feasible" not in text
        assert "Chiffrage" not in text and "numerama" not in text
    # The stored events carry no rating value either.
    stored = json.dumps(list(Event.objects.values("payload", "audience")))
    assert "hardly_feasible" not in stored and "Chiffrage" not in stored


def test_a_removal_reaches_those_who_saw_the_annotation_and_a_reviewer_sees_a_decision(
    newsroom, web, streams
):  # type: ignore[no-untyped-def]
    article, author = newsroom["article"], newsroom["author"]
    annotation = annotation_create(actor=author, article=article.pk, **passage(TEXT, "la fibre"))
    annotation_submit(actor=author, annotation_id=annotation.pk)
    own = Stream(web, session_cookie(author), f"article={article.pk}")
    colleague = Stream(web, session_cookie(newsroom["colleague"]), f"article={article.pk}")
    streams.extend([own, colleague])
    own.next("hello")
    colleague.next("hello")
    annotation_review(actor=newsroom["reviewer"], annotation_id=annotation.pk, decision="approve")
    _n, _i, data = own.next("annotation", timeout=3)
    assert data["annotation"]["status"] == "approved" and data["actor"]["username"] == "relecteur"
    assert own.next("inbox", timeout=3)[2] == {"unread": 1}
    annotation_delete(actor=author, annotation_id=annotation.pk, expected_version=3)
    assert colleague.next("annotation-removed", timeout=3)[2]["id"] == annotation.pk


def test_the_stream_refuses_strangers_and_bad_input(newsroom, web):  # type: ignore[no-untyped-def]
    hidden = ArticleFactory(status="draft", imported_by=newsroom["reviewer"])
    assert Stream(web, "nobody").status == 403
    assert Stream(web, session_cookie(newsroom["author"]), "article=abc").status == 400
    assert Stream(web, session_cookie(newsroom["author"]), f"article={hidden.pk}").status == 404
    assert Stream(web, session_cookie(newsroom["author"]), "review=1").status == 403


def _stream_headers(web, cookie: str, origin: str) -> tuple[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    import http.client

    from django.conf import settings

    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    try:
        conn.request(
            "GET",
            "/live/stream/",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Origin": origin},
        )
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def test_a_stream_server_of_its_own_lets_only_the_same_hosts_pages_read_it(newsroom):  # type: ignore[no-untyped-def]
    """make run and compose serve the stream on its own port: the pages (same host name, the web
    port) read it with the session cookie; a page of any other site gets no CORS grant."""
    web = start_web(extra_env={"LIVE_STREAM_PORT": "8001"})
    try:
        cookie = session_cookie(newsroom["author"])
        status, headers = _stream_headers(web, cookie, "http://127.0.0.1:8000")
        assert status == 200
        assert headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
        assert headers["access-control-allow-credentials"] == "true"
        assert "Origin" in headers["vary"]
        for foreign in ("http://evil.example", "http://127.0.0.2:8000", "null", "file://"):
            status, headers = _stream_headers(web, cookie, foreign)
            assert "access-control-allow-origin" not in headers, foreign
            assert "access-control-allow-credentials" not in headers, foreign
    finally:
        web.stop()


def test_a_stream_on_the_pages_own_origin_sends_no_cors_grant(newsroom):  # type: ignore[no-untyped-def]
    web = start_web()
    try:
        status, headers = _stream_headers(
            web, session_cookie(newsroom["author"]), "http://127.0.0.1:8000"
        )
        assert status == 200
        assert "access-control-allow-origin" not in headers
    finally:
        web.stop()
