"""An import's progress travels on the live stream, to its requester and moderators only."""

from __future__ import annotations

import pytest

from annotator.imports import services
from annotator.live.delivery import Recipient, Topic, deliver
from annotator.live.models import Event
from tests.factories import UserFactory
from tests.imports.conftest import run_import, upload

pytestmark = pytest.mark.django_db


def recipient(user) -> Recipient:  # type: ignore[no-untyped-def]
    return Recipient(user=user, language="en", topic=Topic())


def job_events(job_id: int) -> list[dict]:  # type: ignore[type-arg]
    events = Event.objects.filter(kind="job.progress").order_by("id")
    messages = [event.message() for event in events]
    return [
        m
        for m in messages
        if m["payload"]["job_kind"] == "import" and m["payload"]["job"]["id"] == job_id
    ]


def test_an_import_announces_its_run_to_its_requester_and_moderators_only(fact_checker, article_a):
    job = run_import(fact_checker, "doccano.jsonl", "doccano")
    messages = job_events(job.pk)
    states = [m["payload"]["job"]["state"] for m in messages]
    assert states[0] == "running" and states[-1] == "succeeded"
    assert messages[-1]["payload"]["job"]["counts"]["created"] == job.created_count
    assert messages[-1]["payload"]["job"]["progress"] == 100
    moderator, colleague = UserFactory(role="moderator"), UserFactory(role="fact-checker")
    for message in messages:
        assert deliver(recipient(fact_checker), message)[0] == "job"
        assert deliver(recipient(moderator), message)[0] == "job"
        assert deliver(recipient(colleague), message) is None


def test_a_cancelled_import_is_announced(fact_checker, article_a):
    job = services.import_request(
        actor=fact_checker, upload=upload("doccano.jsonl"), format="doccano", enqueue=False
    )
    services.import_cancel(actor=fact_checker, job_id=job.pk)
    (message,) = job_events(job.pk)
    assert message["payload"]["job"]["state"] == "cancelled"
    assert message["audience"] == {"owner": fact_checker.pk}
