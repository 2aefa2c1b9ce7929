"""With the broker down, an export request still answers at once: saved, queued for later, said so."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from annotator.exports.models import ExportJob
from tests.exports.test_worker_e2e import app_on_private_redis, private_redis  # noqa: F401
from tests.factories import UserFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_api_export_request_answers_within_two_seconds_while_redis_is_down(
    app_on_private_redis,  # noqa: F811
):
    reviewer = UserFactory(role="reviewer")
    client_for(reviewer).get("/api/exports/")  # a first request loads the URL configuration
    started = time.monotonic()
    response = client_for(reviewer).post("/api/exports/", {"format": "jsonl"}, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 202, response.json()
    assert elapsed < 2.0, elapsed
    body = response.json()
    assert body["state"] == "queued"
    assert "dès qu" in body["notice"]
    job = ExportJob.objects.get(pk=body["id"])
    assert job.state == "queued" and job.enqueued_at is None


def test_the_export_page_says_the_request_is_kept_for_later_while_redis_is_down(
    app_on_private_redis,  # noqa: F811
):
    reviewer = UserFactory(role="reviewer")
    client = Client()
    client.force_login(reviewer)
    client.get("/exports/")
    started = time.monotonic()
    response = client.post("/exports/", {"format": "jsonl"}, follow=True)
    assert time.monotonic() - started < 2.0
    assert response.status_code == 200
    assert "démarrera dès qu" in response.content.decode()
    assert ExportJob.objects.get().enqueued_at is None
