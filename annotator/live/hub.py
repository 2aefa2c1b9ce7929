"""One hub per web process: a single Redis pub/sub connection fans events out to the streams
connected to this process, and presence lives in Redis with a time to live.

- Events arrive on the `events` channel (published by any process after commit). When Redis is
  unreachable the hub polls the `Event` table every second instead, and after reconnecting it
  reads what it missed from PostgreSQL, so an event is never lost between processes. It also
  sweeps the table every LIVE_SWEEP_SECONDS (one query per process) in case a message was dropped.
- Presence: each open stream refreshes its entry every HEARTBEAT seconds in a sorted set scored
  by time; entries older than PRESENCE_TTL are ignored and pruned, so someone whose laptop closed
  disappears within PRESENCE_TTL + HEARTBEAT seconds, and a tab that closes leaves at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable
from typing import Any, cast

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from annotator.live.models import Event

logger = logging.getLogger(__name__)

HEARTBEAT = 8.0
PRESENCE_TTL = 20.0
POLL_WHEN_DOWN = 1.0


def key(name: str) -> str:
    # Same scoping as annotator.live.events.channel (one namespace per database).
    return f"annotator:live:{settings.DATABASES['default']['NAME']}:{name}"


def redis_async_client() -> aioredis.Redis:
    """Fails fast (no retry): the hub has its own backoff and falls back on PostgreSQL."""
    return aioredis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=5, retry=Retry(NoBackoff(), 0)
    )


def in_thread(function: Any) -> Any:
    """Run ORM code from the event loop in the shared thread pool (not one thread per stream, so
    500 streams do not hold 500 database connections)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(run, thread_sensitive=False)


def _events_after(last_id: int) -> list[dict]:
    return [e.message() for e in Event.objects.filter(id__gt=last_id).order_by("id")[:1000]]


def _last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


class Listener:
    """One connected stream, as the hub sees it."""

    def __init__(self, *, topic: str | None, reviewer: bool) -> None:
        self.topic = topic
        self.reviewer = reviewer
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=2000)
        self.overflowed = False

    def put(self, item: tuple[str, Any]) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            # The stream ends; its client reconnects and catches up from PostgreSQL.
            if not self.overflowed:
                logger.warning("live stream too slow: closing it (the client will catch up)")
            self.overflowed = True


class Hub:
    def __init__(self) -> None:
        self.listeners: set[Listener] = set()
        self.task: asyncio.Task[None] | None = None
        self.sweeper: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.last_id: int | None = None
        self.redis: aioredis.Redis | None = None
        self.redis_up = False
        self.snapshots: dict[str, list[dict]] = {}

    # -- listeners -------------------------------------------------------------------------------

    def client(self) -> aioredis.Redis:
        if self.redis is None:
            self.redis = redis_async_client()
        return self.redis

    async def add(self, listener: Listener) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new event loop (tests): start afresh on it
            self.__init__()  # type: ignore[misc]
            self.loop = loop
        self.listeners.add(listener)
        if self.task is None or self.task.done():
            if self.last_id is None:
                self.last_id = await in_thread(_last_event_id)()
            self.task = loop.create_task(self.run())
        if self.sweeper is None or self.sweeper.done():
            self.sweeper = loop.create_task(self.presence_sweeper())

    def remove(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    def dispatch_event(self, message: dict) -> None:
        event_id = message["id"]
        if self.last_id is None or event_id > self.last_id:
            self.last_id = event_id
        for listener in list(self.listeners):
            listener.put(("event", message))

    def dispatch_presence(self, topic: str, members: list[dict]) -> None:
        self.snapshots[topic] = members
        for listener in list(self.listeners):
            if listener.topic == topic:
                listener.put(("presence", {"topic": topic, "members": members}))

    # -- the Redis loop --------------------------------------------------------------------------

    async def catch_up(self) -> None:
        """Read from PostgreSQL what pub/sub did not bring (Redis down, a dropped message)."""
        if self.last_id is None:
            return
        for message in await in_thread(_events_after)(self.last_id):
            self.dispatch_event(message)

    async def run(self) -> None:
        backoff = POLL_WHEN_DOWN
        while self.listeners:
            pubsub = None
            try:
                pubsub = self.client().pubsub()
                await pubsub.subscribe(key("events"), key("presence"))
                self.redis_up = True
                backoff = POLL_WHEN_DOWN
                await self.catch_up()
                swept = time.monotonic()
                while self.listeners:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        await self.on_message(message)
                    if time.monotonic() - swept > settings.LIVE_SWEEP_SECONDS:
                        await self.catch_up()
                        swept = time.monotonic()
            except (RedisError, OSError) as exc:
                if self.redis_up:
                    logger.warning("live: Redis unreachable (%s); polling PostgreSQL", exc)
                self.redis_up = False
                deadline = time.monotonic() + backoff
                while time.monotonic() < deadline and self.listeners:
                    await self.catch_up()
                    await asyncio.sleep(POLL_WHEN_DOWN)
                backoff = min(backoff * 2, 10.0)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        await pubsub.aclose()
        self.task = None

    async def on_message(self, message: dict) -> None:
        channel = message["channel"].decode()
        data = json.loads(message["data"])
        if channel == key("events"):
            self.dispatch_event(data)
        else:
            # Unchanged (another tab of someone already listed): nothing to tell.
            await self.refresh_presence([data["topic"]], only_changed=True)

    # -- presence ---------------------------------------------------------------------------------

    async def presence_sweeper(self) -> None:
        """Every HEARTBEAT seconds, re-read the presence of the topics open here: entries whose
        stream stopped refreshing them (a closed laptop, a killed process) drop out."""
        while self.listeners:
            await asyncio.sleep(HEARTBEAT)
            topics = {listener.topic for listener in self.listeners if listener.topic}
            with contextlib.suppress(RedisError, OSError):
                await self.refresh_presence(topics, only_changed=True)

    async def refresh_presence(self, topics: Iterable[str], *, only_changed: bool = False) -> None:
        for topic in topics:
            if not any(listener.topic == topic for listener in self.listeners):
                continue
            members = await presence_of(self.client(), topic)
            if only_changed and self.snapshots.get(topic) == members:
                continue
            self.dispatch_presence(topic, members)


HUB = Hub()


def _member(user: Any, connection_id: str) -> str:
    return f"{user.pk}:{connection_id}"


async def presence_join(
    client: aioredis.Redis,
    *,
    topic: str,
    user: Any,
    connection_id: str,
    composing: bool | None = None,
    reviewing: int | None = None,
    announce: bool = True,
) -> None:
    """Mark (or refresh) this stream as present on `topic`; composing and reviewing likewise."""
    now = time.time()
    member = _member(user, connection_id)
    name = user.get_full_name() or user.get_username()
    pipe = client.pipeline()
    pipe.zadd(key(f"presence:{topic}"), {member: now})
    pipe.hset(key("names"), str(user.pk), json.dumps([user.get_username(), name]))
    if composing is True:
        pipe.zadd(key(f"composing:{topic}"), {member: now})
    elif composing is False:
        pipe.zrem(key(f"composing:{topic}"), member)
    if reviewing is not None:
        pipe.zadd(key("presence:review"), {f"{reviewing}:{member}": now})
    for name_ in (f"presence:{topic}", f"composing:{topic}", "presence:review"):
        pipe.zremrangebyscore(key(name_), "-inf", now - PRESENCE_TTL)
        pipe.expire(key(name_), int(PRESENCE_TTL * 3))
    await pipe.execute()
    if announce:
        await _announce(client, topic, review=reviewing is not None)


async def presence_leave(
    client: aioredis.Redis, *, topic: str, user: Any, connection_id: str, reviewing: int | None
) -> None:
    member = _member(user, connection_id)
    pipe = client.pipeline()
    pipe.zrem(key(f"presence:{topic}"), member)
    pipe.zrem(key(f"composing:{topic}"), member)
    if reviewing is not None:
        pipe.zrem(key("presence:review"), f"{reviewing}:{member}")
    await pipe.execute()
    await _announce(client, topic, review=reviewing is not None)


async def _announce(client: aioredis.Redis, topic: str, *, review: bool) -> None:
    await client.publish(key("presence"), json.dumps({"topic": topic}))
    if review:
        await client.publish(key("presence"), json.dumps({"topic": "review"}))


async def presence_of(client: aioredis.Redis, topic: str) -> list[dict]:
    """Who is on `topic` now: one entry per user (id, username, name, composing; for the review
    queue, the annotation they have open)."""
    floor = time.time() - PRESENCE_TTL
    if topic == "review":
        entries = cast(
            "list[bytes]", await client.zrangebyscore(key("presence:review"), floor, "+inf")
        )
        pairs = sorted({(e.decode().split(":")[0], e.decode().split(":")[1]) for e in entries})
        names = await _names(client, {user for _a, user in pairs})
        return [
            {"annotation": int(a), "user": int(u), "username": names[u][0], "name": names[u][1]}
            for a, u in pairs
            if u in names
        ]
    pipe = client.pipeline()
    pipe.zrangebyscore(key(f"presence:{topic}"), floor, "+inf")
    pipe.zrangebyscore(key(f"composing:{topic}"), floor, "+inf")
    present, composing = await pipe.execute()
    users = sorted({e.decode().split(":")[0] for e in present}, key=int)
    writing = {e.decode().split(":")[0] for e in composing}
    names = await _names(client, set(users))
    return [
        {"user": int(u), "username": names[u][0], "name": names[u][1], "composing": u in writing}
        for u in users
        if u in names
    ]


async def _names(client: aioredis.Redis, user_ids: set[str]) -> dict[str, list[str]]:
    if not user_ids:
        return {}
    ordered = sorted(user_ids)
    values = await client.hmget(key("names"), ordered)
    return {u: json.loads(v) for u, v in zip(ordered, values, strict=True) if v}
