"""Recording live events: the services call these inside their transaction.

Each function writes one `Event` row (or one INSERT for many) in the caller's transaction and
publishes it to Redis pub/sub only after that transaction commits (`transaction.on_commit`; in a
web request, once the response is sent): a rolled-back change publishes nothing, and a committed
one is in PostgreSQL even when Redis is down (publishing then gives up within half a second; the
streams catch up from the table).

Payloads come from the read models (`annotator.annotations.read_model` for annotations) and never
carry what some recipients may not see: filtering per recipient happens in the stream through
`annotator.lib.policy`, with the facts kept in `audience`. Rating events carry counts only.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from redis.backoff import NoBackoff
from redis.retry import Retry

from annotator.live.models import Event

logger = logging.getLogger(__name__)
Kind = Event.Kind

_client: redis.Redis | None = None


def channel(name: str) -> str:
    """A Redis name scoped to this database, so that test processes (one database each) and
    several installations sharing a Redis never hear each other."""
    return f"annotator:live:{connection.settings_dict['NAME']}:{name}"


def redis_client() -> redis.Redis:
    global _client
    if _client is None:
        # No retry: a web request must not wait for Redis (the stream catches up from PostgreSQL).
        _client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=0.5,
            socket_timeout=0.5,
            retry=Retry(NoBackoff(), 0),
        )
    return _client


# Within a web request, committed events are published once the response has been sent
# (`PublishAfterResponseMiddleware`): the client does not wait for Redis, and the events go out
# in the order they committed. Elsewhere (workers, commands) they go out at commit.
_after_response: contextvars.ContextVar[list[Mapping[str, Any]] | None] = contextvars.ContextVar(
    "live_events_after_response", default=None
)


def publish_committed(message: Mapping[str, Any]) -> None:
    """Publish a committed event now, or after the current request's response is sent."""
    pending = _after_response.get()
    if pending is None:
        publish(message)
    else:
        pending.append(message)


class PublishAfterResponseMiddleware:
    """Holds the events a request commits and publishes them when the server has sent the
    response (the response's `close()`, which WSGI and ASGI servers call after the last byte);
    at once for a streamed response, and when the view fails."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        pending: list[Mapping[str, Any]] = []
        token = _after_response.set(pending)
        try:
            response = self.get_response(request)
        except BaseException:
            _publish_all(pending)
            raise
        finally:
            _after_response.reset(token)
        if pending:
            if response.streaming:
                _publish_all(pending)
            else:
                # Django's list of what `close()` runs (it closes a file response's file too).
                response._resource_closers.append(lambda: _publish_all(pending))  # type: ignore[attr-defined]
        return response


def _publish_all(messages: list[Mapping[str, Any]]) -> None:
    for message in messages:
        publish(message)
    messages.clear()


def publish(message: Mapping[str, Any]) -> bool:
    """Send a committed event to every web process; False when Redis is unreachable (the event
    stays in PostgreSQL and reaches the streams through their catch-up)."""
    try:
        redis_client().publish(channel("events"), json.dumps(message, default=str))
    except redis.RedisError as exc:
        logger.warning("live event %s not published (%s): streams will catch up", message, exc)
        return False
    return True


def record(
    kind: str,
    *,
    article_id: int | None = None,
    annotation_id: int | None = None,
    recipient_id: int | None = None,
    audience: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Event:
    """Write one event in the current transaction; publish it after commit."""
    event = Event.objects.create(
        kind=kind,
        article_id=article_id,
        annotation_id=annotation_id,
        recipient_id=recipient_id,
        audience=dict(audience or {}),
        payload=dict(payload or {}),
    )
    publish_on_commit(event)
    return event


# Annotations -----------------------------------------------------------------------------------

STATE_COLUMNS = ("author_id", "status_before_orphan", "hidden_at", "deleted_at")
ARTICLE_COLUMNS = ("article__status", "article__imported_by_id")


def annotation_before(annotation: Any) -> dict[str, Any]:
    """What the policy needs of an annotation's state before a change (no query)."""
    return {
        "author": annotation.author_id,
        "status": annotation.status,
        "status_before_orphan": annotation.status_before_orphan,
        "moderated": not annotation.is_visible,
    }


def _who(actor: Any) -> dict[str, str] | None:
    if actor is None:
        return None
    return {"username": actor.get_username(), "name": actor.get_full_name() or actor.get_username()}


def annotation_changed(
    kind: str, *, annotation_id: int, before: Mapping[str, Any] | None, actor: Any = None
) -> Event | None:
    """Record a change of one annotation: its record after the change (the read model) and its
    state before and after, for the policy to decide per recipient. One read and one INSERT."""
    from annotator.annotations.read_model import annotation_record_of

    found = annotation_record_of(
        annotation_id, language=settings.LANGUAGE_CODE, extra=STATE_COLUMNS + ARTICLE_COLUMNS
    )
    if found is None:
        return None
    record_, row = found
    article = {
        "article_status": row["article__status"],
        "article_imported_by": row["article__imported_by_id"],
    }
    after = {
        "author": row["author_id"],
        "status": row["status"],
        "status_before_orphan": row["status_before_orphan"],
        "moderated": row["hidden_at"] is not None or row["deleted_at"] is not None,
        **article,
    }
    return record(
        kind,
        article_id=row["article_id"],
        annotation_id=annotation_id,
        audience={"before": {**before, **article} if before else None, "after": after},
        payload={"annotation": record_, "actor": _who(actor)},
    )


def annotation_created_event(
    *, annotation: Any, article_status: str, article_imported_by: Any
) -> Event:
    """The (unsaved) `annotation.created` event of a new annotation whose author, editor and
    proposals are loaded: the record is built from the instance (the read model's
    `annotation_data`). The annotation's write inserts it in the same statement
    (`annotations.writes.insert_with_audit`) and `publish_on_commit` sends it."""
    from annotator.annotations.read_model import annotation_data

    with translation.override(settings.LANGUAGE_CODE):
        record_ = annotation_data(annotation)
    after = {
        **annotation_before(annotation),
        "article_status": article_status,
        "article_imported_by": article_imported_by,
    }
    return Event(
        kind=Kind.ANNOTATION_CREATED,
        article_id=annotation.article_id,
        annotation_id=annotation.pk,
        audience={"before": None, "after": after},
        payload={"annotation": record_, "actor": _who(annotation.author)},
    )


def publish_on_commit(event: Event) -> None:
    """Publish an event written by the caller (in its transaction) once that commits."""
    transaction.on_commit(lambda: publish_committed(event.message()))


def article_revised(*, article: Any, counts: Mapping[str, int]) -> Event:
    """The text of a source changed: readers of it are told to reload (their offsets moved)."""
    return record(
        Kind.ARTICLE_REVISED,
        article_id=article.pk,
        audience={"article_status": article.status, "article_imported_by": article.imported_by_id},
        payload={"article": article.pk, "version": article.version, "counts": dict(counts)},
    )


# Replies, ratings, verdicts, inbox, jobs -------------------------------------------------------


def reply_added(*, reply: Any, annotation: Any) -> Event:
    """A reply on an annotation: seen by whoever may see the annotation (its state now)."""
    from annotator.annotations.models import Annotation

    article = Annotation.objects.filter(pk=annotation.pk).values(*ARTICLE_COLUMNS).get()
    state = {
        **annotation_before(annotation),
        "article_status": article["article__status"],
        "article_imported_by": article["article__imported_by_id"],
    }
    return record(
        Kind.REPLY_ADDED,
        article_id=annotation.article_id,
        annotation_id=annotation.pk,
        audience={"before": state, "after": state},
        payload={"annotation": annotation.pk, "reply": reply.pk, "author": reply.author_id},
    )


def rating_count_changed(*, proposal_id: int, count: int) -> Event:
    """How many ratings a proposal has: never a value, a rater or a justification."""
    return record(Kind.RATING_COUNT, payload={"proposal": proposal_id, "ratings": count})


def verdict_published(*, verdict: Any) -> Event:
    return record(
        Kind.VERDICT_PUBLISHED,
        payload={
            "proposal": verdict.proposal_id,
            "feasibility": verdict.feasibility,
            "verdict": verdict.pk,
        },
    )


def inbox_changed(*, recipient_id: int) -> Event:
    """The recipient's unread count changed (the stream counts it for them)."""
    return record(Kind.INBOX, recipient_id=recipient_id)


def inbox_changed_many(*, recipient_ids: Iterable[int]) -> list[Event]:
    """`inbox_changed` for many recipients in one INSERT."""
    created = Event.objects.bulk_create(
        [Event(kind=Kind.INBOX, recipient_id=pk) for pk in sorted(set(recipient_ids))]
    )
    messages = [event.message() for event in created]

    def publish_all() -> None:
        for message in messages:
            publish_committed(message)

    transaction.on_commit(publish_all)
    return created


def job_progress(*, job_kind: str, owner_id: int, job: Mapping[str, Any]) -> Event:
    """Progress of a long job (`export`, `import`): seen by its owner and by moderators. `job`
    is what the job's API resource says of its progress (id, state, progress, counts, urls)."""
    return record(
        Kind.JOB_PROGRESS,
        audience={"owner": owner_id},
        payload={"job_kind": job_kind, "job": dict(job)},
    )
