"""What the stream sends to whom, checked on the stored events (no web process needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotator.exports.services import export_cancel, export_run
from annotator.live.delivery import Recipient, Topic, deliver, replay
from annotator.live.models import Event
from annotator.live.services import event_prune
from tests.factories import UserFactory
from tests.factories.exports import ExportJobFactory


def recipient(user, **topic) -> Recipient:  # type: ignore[no-untyped-def]
    return Recipient(user=user, language="en", topic=Topic(**topic))


def test_export_progress_reaches_its_requester_and_moderators_only(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EXPORT_ROOT = str(tmp_path)
    owner = UserFactory(role="reviewer")
    job = ExportJobFactory(requested_by=owner)
    export_run(job_id=job.pk)
    messages = [e.message() for e in Event.objects.filter(kind="job.progress").order_by("id")]
    states = [m["payload"]["job"]["state"] for m in messages]
    assert states[0] == "running" and states[-1] == "succeeded"
    assert messages[-1]["payload"]["job"]["download_url"] == f"/api/exports/{job.pk}/download/"
    moderator, stranger = UserFactory(role="moderator"), UserFactory(role="reviewer")
    for message in messages:
        assert deliver(recipient(owner), message)[0] == "job"
        assert deliver(recipient(moderator), message)[0] == "job"
        assert deliver(recipient(stranger), message) is None


def test_a_cancelled_export_is_announced(db):  # type: ignore[no-untyped-def]
    job = ExportJobFactory()
    export_cancel(actor=job.requested_by, job_id=job.pk)
    event = Event.objects.get(kind="job.progress")
    assert event.payload["job"]["state"] == "cancelled" and event.audience == {
        "owner": job.requested_by_id
    }


def test_a_reconnection_replays_only_what_concerns_the_page_and_the_user(db):  # type: ignore[no-untyped-def]
    me, other = UserFactory(role="reviewer"), UserFactory(role="reviewer")
    start = Event.objects.create(kind="rating.count", payload={"proposal": 1, "ratings": 1})
    Event.objects.create(kind="inbox", recipient=other)
    Event.objects.create(kind="inbox", recipient=me)
    Event.objects.create(kind="article.revised", article_id=99, audience={})
    Event.objects.create(kind="article.revised", article_id=7, audience={})
    Event.objects.update(created=timezone.now() - dt.timedelta(minutes=1))  # outside the overlap
    messages, truncated = replay(recipient(me, article_id=7), after_id=start.pk - 1, since=None)
    assert [m["kind"] for m in messages] == ["rating.count", "inbox", "article.revised"]
    assert messages[1]["recipient_id"] == me.pk and messages[2]["article_id"] == 7
    assert not truncated
    assert replay(recipient(me), after_id=None, since=None) == ([], False)


def test_old_events_are_pruned(db, settings):  # type: ignore[no-untyped-def]
    settings.LIVE_EVENT_RETENTION_DAYS = 7
    old = Event.objects.create(kind="rating.count")
    Event.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(days=8))
    recent = Event.objects.create(kind="rating.count")
    assert event_prune() == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.parametrize("query", ["article=x", "annotation=-1", "last_event_id=1.5", "since=abc"])
def test_bad_stream_parameters_are_a_400_not_a_500(transactional_db, query):  # type: ignore[no-untyped-def]
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from django.test import AsyncClient

    user = UserFactory(role="reviewer")
    client = AsyncClient()
    client.force_login(user)
    # In a thread of its own: the browser tests' Playwright may run a loop in this one.
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(asyncio.run, client.get(f"/live/stream/?{query}")).result()
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_a_reconnection_also_replays_a_late_commit_with_a_lower_id(db):  # type: ignore[no-untyped-def]
    me = UserFactory(role="reviewer")
    late = Event.objects.create(kind="rating.count", payload={"proposal": 1, "ratings": 2})
    seen = Event.objects.create(kind="rating.count", payload={"proposal": 1, "ratings": 3})
    messages, _ = replay(recipient(me), after_id=seen.pk, since=None)
    assert [m["id"] for m in messages] == [late.pk, seen.pk]  # in id order: the newest last
