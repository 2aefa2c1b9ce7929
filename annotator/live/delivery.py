"""What one recipient receives of an event: the policy decides, the read model shapes.

`deliver` turns an event message (as stored and as published) into the Server-Sent Event a given
user may receive on a given page, or None. It runs no query except for the inbox count, so one web
process can fan an event out to hundreds of streams.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from annotator.annotations.read_model import relabel
from annotator.lib import policy
from annotator.live.models import Event

Kind = Event.Kind
ANNOTATION_KINDS = frozenset(k for k in Kind.values if k.startswith("annotation."))
# The most events replayed on a reconnection; past that the client is asked to reload.
REPLAY_LIMIT = 1000
# Ids are taken when rows are inserted, not when they commit: a transaction that took id 10 may
# commit after one that took id 11. A reconnection after id 11 also replays what was created in
# the last few seconds, so a late commit is not skipped (the client ignores what it has).
REPLAY_OVERLAP = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class Topic:
    """What the page has open: an article (reader), an annotation (review detail), the review
    queue, or nothing in particular (every page: inbox counter, jobs, ratings)."""

    article_id: int | None = None
    annotation_id: int | None = None
    review_queue: bool = False

    @property
    def name(self) -> str | None:
        if self.article_id is not None:
            return f"article:{self.article_id}"
        if self.annotation_id is not None:
            return f"annotation:{self.annotation_id}"
        return "review" if self.review_queue else None

    def wants(self, message: Mapping[str, Any]) -> bool:
        """Whether events about this article or annotation concern the page at all."""
        kind = message["kind"]
        if kind in ANNOTATION_KINDS or kind in (Kind.REPLY_ADDED, Kind.ARTICLE_REVISED):
            if self.review_queue and kind in ANNOTATION_KINDS:
                return True
            if self.article_id is not None:
                return message["article_id"] == self.article_id
            if self.annotation_id is not None:
                return message["annotation_id"] == self.annotation_id
            return False
        return True

    def replay_q(self, user_id: int) -> Q:
        """The rows a reconnection may need, before the policy filters them one by one."""
        mine = Q(recipient__isnull=True) | Q(recipient_id=user_id)
        scoped = Q(
            kind__in=[Kind.RATING_COUNT, Kind.VERDICT_PUBLISHED, Kind.INBOX, Kind.JOB_PROGRESS]
        )
        if self.article_id is not None:
            scoped |= Q(article_id=self.article_id)
        elif self.annotation_id is not None:
            scoped |= Q(annotation_id=self.annotation_id)
        elif self.review_queue:
            scoped |= Q(kind__in=ANNOTATION_KINDS)
        return mine & scoped


@dataclass
class Recipient:
    user: Any  # roles already loaded (`roles.has_role` runs no query then)
    language: str
    topic: Topic
    sent: set[int] = field(default_factory=set)


def sse(event: str, data: Any, *, event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines += [f"event: {event}", "data: " + json.dumps(data, separators=(",", ":"))]
    return "\n".join(lines) + "\n\n"


def deliver(recipient: Recipient, message: Mapping[str, Any]) -> tuple[str, Any] | None:
    """(SSE event name, data) for this recipient, or None when the policy says they may not see
    it or the page has no use for it. The inbox event's data is filled in by the caller."""
    user = recipient.user
    kind = message["kind"]
    if not recipient.topic.wants(message):
        return None
    audience = message.get("audience") or {}
    payload = message.get("payload") or {}
    if kind in ANNOTATION_KINDS:
        before, after = audience.get("before"), audience.get("after")
        if policy.annotation_state_visible(user, after):
            record = relabel(payload["annotation"], recipient.language)
            return "annotation", {"kind": kind, "annotation": record, "actor": payload.get("actor")}
        if policy.annotation_removal_visible(user, before=before, after=after):
            return "annotation-removed", {"kind": kind, "id": message["annotation_id"]}
        return None
    if kind == Kind.REPLY_ADDED:
        return (
            ("reply", payload) if policy.annotation_state_visible(user, audience["after"]) else None
        )
    if kind == Kind.ARTICLE_REVISED:
        visible = policy.article_state_visible(
            user, status=audience["article_status"], imported_by_id=audience["article_imported_by"]
        )
        return ("article-revised", payload) if visible else None
    if kind == Kind.RATING_COUNT:
        return ("rating", payload) if policy.rating_count_visible(user) else None
    if kind == Kind.VERDICT_PUBLISHED:
        return ("verdict", payload) if policy.rating_count_visible(user) else None
    if kind == Kind.INBOX:
        return ("inbox", {}) if message["recipient_id"] == user.pk else None
    if kind == Kind.JOB_PROGRESS:
        visible = policy.job_visible(user, owner_id=audience.get("owner"))
        return ("job", payload) if visible else None
    return None


def replay(recipient: Recipient, *, after_id: int | None, since: Any) -> tuple[list[dict], bool]:
    """Stored events after `after_id` (or created since `since`) for this page, oldest first, and
    whether there were more than REPLAY_LIMIT. Runs in a worker thread (one query)."""
    rows = Event.objects.filter(recipient.topic.replay_q(recipient.user.pk))
    if after_id is not None:
        rows = rows.filter(Q(id__gt=after_id) | Q(created__gte=timezone.now() - REPLAY_OVERLAP))
    elif since is not None:
        rows = rows.filter(created__gte=since)
    else:
        return [], False
    messages = [event.message() for event in rows.order_by("id")[: REPLAY_LIMIT + 1]]
    return messages[:REPLAY_LIMIT], len(messages) > REPLAY_LIMIT
