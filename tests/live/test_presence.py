"""Presence in Redis: who is on a topic, who is composing, and who left (cleanly or not)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from annotator.live.hub import (
    HEARTBEAT,
    PRESENCE_TTL,
    key,
    presence_join,
    presence_leave,
    presence_of,
    redis_async_client,
)
from tests.factories import UserFactory


def run(coroutine_function):  # type: ignore[no-untyped-def]
    """In a thread of its own (the browser tests' Playwright may run a loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


def test_a_stream_that_stops_refreshing_disappears_within_thirty_seconds(db):  # type: ignore[no-untyped-def]
    assert PRESENCE_TTL + HEARTBEAT <= 30  # the bound, for a laptop closed without a word
    ines = UserFactory(username="ines", first_name="Inès", last_name="Morel")
    paul = UserFactory(username="paul")
    topic = f"article:{ines.pk}"

    async def scenario():  # type: ignore[no-untyped-def]
        client = redis_async_client()
        try:
            await presence_join(client, topic=topic, user=ines, connection_id="a1", composing=True)
            await presence_join(client, topic=topic, user=paul, connection_id="b1")
            await presence_join(client, topic=topic, user=paul, connection_id="b2")  # two tabs
            both = await presence_of(client, topic)
            # Paul's first tab closed cleanly; his second one's process died PRESENCE_TTL ago.
            await presence_leave(client, topic=topic, user=paul, connection_id="b1", reviewing=None)
            after_one_tab = await presence_of(client, topic)
            stale = time.time() - PRESENCE_TTL - 1
            await client.zadd(key(f"presence:{topic}"), {f"{paul.pk}:b2": stale})
            after_crash = await presence_of(client, topic)
            await presence_join(client, topic=topic, user=ines, connection_id="a1", composing=False)
            done_writing = await presence_of(client, topic)
            return both, after_one_tab, after_crash, done_writing
        finally:
            await client.delete(key(f"presence:{topic}"), key(f"composing:{topic}"))
            await client.aclose()

    both, after_one_tab, after_crash, done_writing = run(scenario)
    assert [(m["username"], m["composing"]) for m in both] == [("ines", True), ("paul", False)]
    assert both[0]["name"] == "Inès Morel"
    assert [m["username"] for m in after_one_tab] == ["ines", "paul"]  # his other tab is open
    assert [m["username"] for m in after_crash] == ["ines"]
    assert [m["composing"] for m in done_writing] == [False]


def test_the_review_queue_lists_who_has_which_annotation_open(db):  # type: ignore[no-untyped-def]
    lea = UserFactory(username="lea", first_name="Léa", last_name="Petit", role="reviewer")

    async def scenario():  # type: ignore[no-untyped-def]
        client = redis_async_client()
        try:
            await presence_join(
                client, topic="annotation:41", user=lea, connection_id="c", reviewing=41
            )
            listed = await presence_of(client, "review")
            await presence_leave(
                client, topic="annotation:41", user=lea, connection_id="c", reviewing=41
            )
            return listed, await presence_of(client, "review")
        finally:
            await client.delete(key("presence:review"), key("presence:annotation:41"))
            await client.aclose()

    listed, after = run(scenario)
    assert listed == [{"annotation": 41, "user": lea.pk, "username": "lea", "name": "Léa Petit"}]
    assert after == []
