"""The event stream (Server-Sent Events, served under ASGI) and the composing heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from redis.exceptions import RedisError

from annotator.lib import policy, roles
from annotator.lib.middleware import request_host_name
from annotator.live.delivery import Recipient, Topic, deliver, replay, sse
from annotator.live.hub import (
    HEARTBEAT,
    HUB,
    Listener,
    in_thread,
    presence_join,
    presence_leave,
    presence_of,
    redis_async_client,
)

# Clock skew and commit order: a page rendered at T replays events created from T - SINCE_SLACK.
SINCE_SLACK = dt.timedelta(seconds=2)


def _error(status: int, code: str, detail: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail, "fields": fields or {}}, status=status)


class BadRequest(Exception):
    pass


def _int(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest(name) from exc
    if number < 0:
        raise BadRequest(name)
    return number


def _load_user(request: HttpRequest) -> Any:
    user = get_user(request)
    roles.has_role(user, roles.MODERATOR)  # loads the groups once: no query per event later
    return user


def _authorize(user: Any, topic: Topic) -> int:
    """200 if the user may follow this topic, else 404/403 (the selectors and policy decide)."""
    from annotator.annotations.selectors import annotation_get_for
    from annotator.articles.models import Article
    from annotator.articles.selectors import article_visible_q
    from annotator.lib.errors import NotFoundError

    if topic.article_id is not None:
        visible = Article.objects.filter(article_visible_q(user), pk=topic.article_id).exists()
        return 200 if visible else 404
    if topic.annotation_id is not None:
        try:
            annotation_get_for(actor=user, annotation_id=topic.annotation_id)
        except NotFoundError:
            return 404
    if topic.review_queue and not policy.sees_review_presence(user):
        return 403
    return 200


def _unread(user: Any) -> int:
    from annotator.review.selectors import unread_count_for

    return unread_count_for(actor=user)


def _cross_origin(
    request: HttpRequest, response: HttpResponse | StreamingHttpResponse
) -> HttpResponse | StreamingHttpResponse:
    """CORS for pages served on another port of the same host (`LIVE_STREAM_PORT`: the stream
    has a server of its own): their origin, and only theirs, may read it with the session
    cookie. Any other origin gets no CORS header, so its pages cannot read the stream."""
    patch_vary_headers(response, ["Origin"])
    origin = request.headers.get("Origin")
    if not origin or not settings.LIVE_STREAM_PORT:
        return response
    try:
        parts = urlsplit(origin)
    except ValueError:
        return response
    own_host = request_host_name(request)
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname == own_host:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
    return response


@require_GET
async def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """`text/event-stream` of what this user may see, for the page they have open.

    Pages served on another port of the same host name may read it (CORS with credentials)
    when the stream has a server of its own (`LIVE_STREAM_PORT`).

    Query: `article`, `annotation` or `review=1` (the page's topic), `last_event_id` (or the
    `Last-Event-ID` header: replay from PostgreSQL after it), `since` (the page's render time in
    seconds since the epoch: replay what happened since). Every event is filtered for the user by
    `annotator.lib.policy`; 403 when signed out, 404 for an article or annotation they cannot see.
    """
    return _cross_origin(request, await _stream(request))


async def _stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if not isinstance(request, ASGIRequest):
        # Under WSGI a stream would hold a worker thread forever: the pages work without it.
        return _error(501, "not_supported", _("The live stream needs the ASGI server."))
    user = await in_thread(_load_user)(request)
    if not user.is_authenticated:
        return _error(403, "not_authenticated", _("Sign in to follow live changes."))
    try:
        topic = Topic(
            article_id=_int(request.GET.get("article"), "article"),
            annotation_id=_int(request.GET.get("annotation"), "annotation"),
            review_queue=request.GET.get("review") == "1",
        )
        after_id = _int(
            request.headers.get("Last-Event-ID") or request.GET.get("last_event_id"),
            "last_event_id",
        )
        since_raw = request.GET.get("since")
        since = None
        if since_raw:
            try:
                since = dt.datetime.fromtimestamp(float(since_raw), tz=dt.UTC) - SINCE_SLACK
            except (ValueError, OverflowError, OSError) as exc:
                raise BadRequest("since") from exc
    except BadRequest as exc:
        message = _("Not a valid value.")
        return _error(400, "invalid", message, {str(exc): [message]})
    status = await in_thread(_authorize)(user, topic)
    if status != 200:
        return _error(
            status, "not_found" if status == 404 else "permission_denied", _("Not found.")
        )
    recipient = Recipient(user=user, language=getattr(request, "LANGUAGE_CODE", "fr"), topic=topic)
    response = StreamingHttpResponse(
        _events(recipient, after_id=after_id, since=since), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response


async def _format(recipient: Recipient, message: dict) -> str | None:
    event_id = message["id"]
    if event_id in recipient.sent:
        return None
    found = deliver(recipient, message)
    if found is None:
        return None
    if len(recipient.sent) > 5000:
        recipient.sent = {i for i in recipient.sent if i > event_id - 2000}
    recipient.sent.add(event_id)
    name, data = found
    if name == "inbox":
        data = {"unread": await in_thread(_unread)(recipient.user)}
    return sse(name, data, event_id=event_id)


async def _events(recipient: Recipient, *, after_id: int | None, since: Any) -> AsyncIterator[str]:
    user, topic = recipient.user, recipient.topic
    listener = Listener(topic=topic.name, reviewer=policy.sees_review_presence(user))
    connection_id = secrets.token_hex(6)
    reviewing = topic.annotation_id if policy.sees_review_presence(user) else None
    # Registered before the replay: what happens meanwhile waits in the queue (de-duplicated).
    await HUB.add(listener)
    client = HUB.client()
    try:
        yield "retry: 3000\n\n"
        hello = {"connection": connection_id, "user": user.pk, "username": user.get_username()}
        yield sse("hello", hello)
        messages, truncated = await in_thread(replay)(recipient, after_id=after_id, since=since)
        if truncated:
            yield sse("reset", {"reason": "too_many"})
        for message in messages:
            chunk = await _format(recipient, message)
            if chunk:
                yield chunk
        if topic.name:
            with contextlib.suppress(RedisError, OSError):
                await presence_join(
                    client, topic=topic.name, user=user, connection_id=connection_id,
                    reviewing=reviewing,
                )  # fmt: skip
                members = await presence_of(client, topic.name)
                yield sse("presence", {"topic": topic.name, "members": members})
        beat = time.monotonic()
        while True:
            try:
                kind, item = await asyncio.wait_for(listener.queue.get(), timeout=HEARTBEAT)
            except TimeoutError:
                kind, item = "", None
            if kind == "event":
                chunk = await _format(recipient, item)
                if chunk:
                    yield chunk
            elif kind == "presence":
                yield sse("presence", item)
            if listener.overflowed:
                yield sse("reset", {"reason": "overflow"})
                return
            if time.monotonic() - beat >= HEARTBEAT:
                beat = time.monotonic()
                yield ": keep-alive\n\n"
                if topic.name:
                    with contextlib.suppress(RedisError, OSError):
                        await presence_join(
                            client, topic=topic.name, user=user, connection_id=connection_id,
                            reviewing=reviewing, announce=False,
                        )  # fmt: skip
    finally:
        HUB.remove(listener)
        if topic.name:
            with contextlib.suppress(Exception):
                await presence_leave(
                    client, topic=topic.name, user=user, connection_id=connection_id,
                    reviewing=reviewing,
                )  # fmt: skip


@require_POST
async def composing(request: HttpRequest) -> HttpResponse:
    """`{"topic": "article:12", "connection": "...", "composing": true}`: the user is (or no
    longer is) writing an annotation on that article; repeated while they type, it expires
    after the presence time to live. 204; 400 on bad input; 403 signed out; 404 hidden article."""
    user = await in_thread(_load_user)(request)
    if not user.is_authenticated:
        return _error(403, "not_authenticated", _("Sign in to follow live changes."))
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
        topic_name, connection_id = body.get("topic"), body.get("connection")
        is_composing = body.get("composing")
        kind, _sep, raw_id = str(topic_name or "").partition(":")
        if kind != "article" or not isinstance(is_composing, bool):
            raise ValueError
        if (
            not isinstance(connection_id, str)
            or not connection_id.isalnum()
            or len(connection_id) > 32
        ):
            raise ValueError
        topic = Topic(article_id=_int(raw_id, "topic"))
        if topic.article_id is None:
            raise ValueError
    except (ValueError, BadRequest):
        message = _("Send topic (article:<id>), connection and composing (true or false).")
        return _error(400, "invalid", message, {"topic": [message]})
    status = await in_thread(_authorize)(user, topic)
    if status != 200:
        return _error(status, "not_found", _("Not found."))
    client = redis_async_client()
    try:
        await presence_join(
            client, topic=f"article:{topic.article_id}", user=user, connection_id=connection_id,
            composing=is_composing,
        )  # fmt: skip
    except (RedisError, OSError):
        return _error(503, "unavailable", _("Presence is unavailable right now."))
    finally:
        await client.aclose()
    return HttpResponse(status=204)
