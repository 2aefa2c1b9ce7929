"""Nothing is lost without Redis: events are rows in PostgreSQL first, Redis only carries them.

The machine's Redis is shared, so these tests do not stop it: they make Redis unreachable for
one side (a Redis URL on a closed port), which is what a restart looks like to that side."""

from __future__ import annotations

import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from annotator.annotations.services import annotation_create, annotation_update
from annotator.live import events
from annotator.live.models import Event
from annotator.review.services import annotation_submit
from tests.factories import ArticleFactory, UserFactory
from tests.live.servers import Stream, free_port, session_cookie, start_web

pytestmark = pytest.mark.slow

TEXT = "Le candidat promet la fibre partout en 2027. Il promet aussi des impôts plus bas pour tous."


def passage(exact: str) -> dict:
    start = TEXT.index(exact)
    return {"quote": {"exact": exact}, "position": {"start": start, "end": start + len(exact)}}


@pytest.fixture
def redis_down(monkeypatch):  # type: ignore[no-untyped-def]
    """This process publishes to a Redis that is not there (as during a restart)."""
    dead = redis.Redis(port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    monkeypatch.setattr(events, "_client", dead)


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
    return {
        "author": UserFactory(username="auteur", role="fact-checker"),
        "reviewer": UserFactory(username="relecteur", role="reviewer"),
        "article": ArticleFactory(text=TEXT),
    }


def changes_while_redis_is_down(people) -> list[int]:  # type: ignore[no-untyped-def]
    author, article = people["author"], people["article"]
    first = annotation_create(actor=author, article=article.pk, **passage("la fibre partout"))
    annotation_submit(actor=author, annotation_id=first.pk)
    second = annotation_create(actor=author, article=article.pk, **passage("impôts plus bas"))
    annotation_update(actor=author, annotation_id=second.pk, expected_version=1, comment="Vu.")
    annotation_submit(actor=author, annotation_id=second.pk)
    return [first.pk, second.pk]


def test_a_stream_reconnecting_after_redis_was_unreachable_receives_every_event_it_missed(
    people, redis_down, streams
):  # type: ignore[no-untyped-def]
    web = start_web()
    try:
        cookie = session_cookie(people["reviewer"])
        before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = time.monotonic()
        assert not events.publish({"id": 0})  # publishing fails, at once: the service goes on
        assert time.monotonic() - started < 1
        ids = changes_while_redis_is_down(people)
        # The laptop reopens: the client reconnects with the last id it had.
        stream = Stream(web, cookie, f"article={people['article'].pk}", last_event_id=before)
        streams.append(stream)
        received = [stream.next("annotation", timeout=3) for _ in range(2)]
        assert [data["annotation"]["id"] for _n, _i, data in received] == ids
        assert all(data["annotation"]["status"] == "submitted" for _n, _i, data in received)
        # In order, with their ids: the client's next reconnection asks for what follows.
        event_ids = [event_id for _n, event_id, _d in received]
        assert event_ids == sorted(event_ids) and event_ids[0] > before
        # The reviewer never saw the drafts, created and edited while Redis was down.
        assert [d["kind"] for _n, _i, d in received] == ["annotation.submitted"] * 2
    finally:
        web.stop()


def test_an_open_stream_receives_events_that_never_went_through_redis(people, redis_down, streams):  # type: ignore[no-untyped-def]
    web = start_web(extra_env={"LIVE_SWEEP_SECONDS": "1"})
    try:
        stream = Stream(web, session_cookie(people["reviewer"]), f"article={people['article'].pk}")
        streams.append(stream)
        stream.next("hello")
        ids = changes_while_redis_is_down(people)
        received = [stream.next("annotation", timeout=5) for _ in range(2)]
        assert [data["annotation"]["id"] for _n, _i, data in received] == ids
    finally:
        web.stop()


def test_a_web_process_without_redis_still_delivers_events_by_reading_postgresql(people, streams):  # type: ignore[no-untyped-def]
    web = start_web(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    try:
        stream = Stream(web, session_cookie(people["reviewer"]), f"article={people['article'].pk}")
        streams.append(stream)
        stream.next("hello")
        ids = changes_while_redis_is_down(people)
        received = [stream.next("annotation", timeout=5) for _ in range(2)]
        assert [data["annotation"]["id"] for _n, _i, data in received] == ids
    finally:
        web.stop()
