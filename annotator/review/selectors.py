"""Reads for review pages and the review API, always scoped to what the actor may see."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.annotations.selectors import annotation_visible_q as reader_visible_q
from annotator.lib import policy, roles
from annotator.lib.compiled import prepared_cursor
from annotator.lib.errors import NotFoundError, PermissionDeniedError
from annotator.review.models import AnnotationEvent, Flag, Notification, Reply
from proposals.models import Proposal

Status = Annotation.Status
CONTEXT_CHARS = 280


def annotation_visible_q(actor: Any) -> Q:
    """The reader's visibility rule; moderators also see hidden and deleted annotations here."""
    return reader_visible_q(actor, include_moderated=True)


def _proposals_prefetch() -> Prefetch:
    return Prefetch(
        "proposals",
        queryset=Proposal.objects.select_related(
            "candidacy__candidate", "candidacy__election", "primary_theme"
        ),
    )


def annotation_get_for(*, actor: Any, annotation_id: int) -> Annotation:
    """The annotation with its article, revision, author and proposals; NotFoundError otherwise."""
    annotation = (
        Annotation.objects.filter(annotation_visible_q(actor))
        .select_related("article", "revision", "author")
        .prefetch_related(_proposals_prefetch())
        .filter(pk=annotation_id)
        .first()
    )
    if annotation is None:
        raise NotFoundError(_("No such annotation."))
    return annotation


def annotation_withdrawn_for(*, actor: Any, annotation_id: int) -> Annotation | None:
    """The hidden or deleted annotation the actor was notified about (policy:
    `annotation_withdrawn_notice_q`), with its article; None otherwise. One query."""
    return (
        Annotation.objects.filter(policy.annotation_withdrawn_notice_q(actor))
        .select_related("article")
        .filter(pk=annotation_id)
        .first()
    )


def annotation_review_queue_for(*, actor: Any) -> QuerySet[Annotation]:
    """Submitted annotations the actor did not write nor already approved, oldest submission first."""
    if not roles.is_reviewer(actor):
        raise PermissionDeniedError(_("Only reviewers and moderators review annotations."))
    return (
        _review_queue_q(actor)
        .select_related("article", "revision", "author")
        .prefetch_related(_proposals_prefetch())
        .annotate(
            submitted_at=Max(
                "events__created", filter=Q(events__action=AnnotationEvent.Action.SUBMIT)
            )
        )
        .order_by("submitted_at", "id")
    )


def _to_review_q(actor: Any) -> Q:
    """Submitted, visible, unlocked, written by someone else and not yet approved by the actor
    since its latest submission: what the actor still has to review."""
    approved_by_actor = AnnotationEvent.objects.filter(
        annotation=OuterRef("pk"), action=AnnotationEvent.Action.APPROVE, actor=actor
    ).filter(
        id__gt=AnnotationEvent.objects.filter(
            annotation=OuterRef(OuterRef("pk")), action=AnnotationEvent.Action.SUBMIT
        )
        .order_by("-id")
        .values("id")[:1]
    )
    return (
        Q(status=Status.SUBMITTED, hidden_at__isnull=True, deleted_at__isnull=True, is_locked=False)
        & ~Q(author=actor)
        & ~Q(Exists(approved_by_actor))
    )


def _review_queue_q(actor: Any) -> QuerySet[Annotation]:
    return Annotation.objects.filter(_to_review_q(actor))


def review_counts_for(*, actor: Any) -> dict[str, int]:
    """One query: the review queue size and the actor's own annotations per state."""
    mine = Q(author=actor, hidden_at__isnull=True, deleted_at__isnull=True)
    aggregates: dict[str, Any] = {
        state: Count("pk", filter=mine & Q(status=state)) for state in Status.values
    }
    rows = mine
    if roles.is_reviewer(actor):
        aggregates["to_review"] = Count("pk", filter=_to_review_q(actor))
        rows |= _to_review_q(actor)
    # The WHERE keeps this an index lookup (author, submitted) instead of a scan of every row.
    counts = Annotation.objects.filter(rows).aggregate(**aggregates)
    counts.setdefault("to_review", 0)
    return counts


NAVIGATION_CACHE_SECONDS = 60


def navigation_counts_for(*, actor: Any) -> dict[str, int]:
    """What the navigation shows on every page: `review_counts_for` plus `unread`, in one small
    query when nothing changed.

    That query reads the latest annotation event id (an index lookup) and the actor's unread
    notifications (an index range). The annotation counts are cached per actor, role and latest
    event id: every change of an annotation's state, visibility or lock records an event
    (services, reviews, moderation, re-anchoring), so a new event makes the next page count
    again. Two events committing out of id order can leave a page's counts one change behind
    for at most NAVIGATION_CACHE_SECONDS."""
    events = connection.ops.quote_name(AnnotationEvent._meta.db_table)
    notifications = connection.ops.quote_name(Notification._meta.db_table)
    with prepared_cursor() as cursor:  # planned once per connection
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {events}), "  # noqa: S608 - table names from models
            f"(SELECT count(*) FROM {notifications} WHERE recipient_id = %s AND read_at IS NULL), "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [actor.pk],
        )
        latest_event, unread, database = cursor.fetchone()
    # The database's oid: a re-created database (tests, a restore) never reads older entries.
    role = int(roles.is_reviewer(actor))
    key = f"nav-counts:{database}:{actor.pk}:{role}:{latest_event or 0}"
    try:
        counts = cache.get(key)
    except Exception:
        counts = None
    if counts is None:
        counts = review_counts_for(actor=actor)
        with contextlib.suppress(Exception):  # the cache is an optimisation
            cache.set(key, counts, NAVIGATION_CACHE_SECONDS)
    return {**counts, "unread": int(unread)}


def passage_in_context(annotation: Annotation, *, chars: int = CONTEXT_CHARS) -> dict[str, str]:
    """The quoted passage with a few lines of its revision's text before and after it."""
    text = annotation.revision.text
    start, end = annotation.start, annotation.end
    before_from = max(0, start - chars)
    newline = text.find("\n", before_from, start)
    if before_from > 0 and newline != -1:
        before_from = newline + 1
    after_to = min(len(text), end + chars)
    newline = text.rfind("\n", end, after_to)
    if after_to < len(text) and newline != -1:
        after_to = newline
    return {
        "before": ("… " if before_from > 0 else "") + text[before_from:start],
        "passage": text[start:end],
        "after": text[end:after_to] + (" …" if after_to < len(text) else ""),
    }


def events_of(annotation: Annotation) -> QuerySet[AnnotationEvent]:
    return AnnotationEvent.objects.filter(annotation=annotation).select_related("actor")


def event_list_for(*, actor: Any, annotation_id: int) -> QuerySet[AnnotationEvent]:
    return events_of(annotation_get_for(actor=actor, annotation_id=annotation_id))


def approvers_in_round(events: list[AnnotationEvent]) -> set[int]:
    """Who approved since the latest submission, from an annotation's ordered events."""
    approvers: set[int] = set()
    for event in events:
        if event.action == AnnotationEvent.Action.SUBMIT:
            approvers.clear()
        elif event.action == AnnotationEvent.Action.APPROVE and event.actor_id is not None:
            approvers.add(event.actor_id)
    return approvers


def replies_of(annotation: Annotation, *, actor: Any) -> QuerySet[Reply]:
    """Replies of an annotation already checked visible, oldest first; hidden ones for moderators."""
    replies = Reply.objects.filter(annotation=annotation).select_related("author")
    if not roles.is_moderator(actor):
        replies = replies.filter(hidden_at__isnull=True)
    return replies


def reply_list_for(*, actor: Any, annotation_id: int) -> QuerySet[Reply]:
    return replies_of(annotation_get_for(actor=actor, annotation_id=annotation_id), actor=actor)


def reply_threads(replies: list[Reply]) -> list[tuple[Reply, int]]:
    """Replies in thread order (each followed by its answers) with their depth, capped at 4."""
    children: dict[int | None, list[Reply]] = {}
    ids = {reply.pk for reply in replies}
    for reply in replies:
        parent = reply.parent_id if reply.parent_id in ids else None
        children.setdefault(parent, []).append(reply)
    ordered: list[tuple[Reply, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for reply in children.get(parent, []):
            ordered.append((reply, min(depth, 4)))
            walk(reply.pk, depth + 1)

    walk(None, 0)
    return ordered


def reply_get_for(*, actor: Any, reply_id: int) -> Reply:
    reply = Reply.objects.filter(pk=reply_id).first()
    if reply is None:
        raise NotFoundError(_("No such reply."))
    annotation_get_for(actor=actor, annotation_id=reply.annotation_id)
    if reply.hidden_at is not None and not roles.is_moderator(actor):
        raise NotFoundError(_("No such reply."))
    return reply


def notification_list_for(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=actor).select_related(
        "actor", "annotation", "proposal"
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def unread_count_for(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def flag_list_for(*, actor: Any, status: str | None = Flag.Status.OPEN) -> QuerySet[Flag]:
    """The moderators' queue of flags (open ones by default)."""
    if not roles.is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators see the flags queue."))
    flags = Flag.objects.select_related("reporter", "annotation", "reply", "resolved_by")
    return flags.filter(status=status) if status else flags


def annotation_list_mine(*, actor: Any, status: str | None = None) -> QuerySet[Annotation]:
    """The actor's own visible annotations, most recently changed first."""
    mine = Annotation.objects.filter(
        author=actor, hidden_at__isnull=True, deleted_at__isnull=True
    ).select_related("article", "revision")
    if status in Status.values:
        mine = mine.filter(status=status)
    return mine.prefetch_related(_proposals_prefetch()).order_by("-modified", "-id")
