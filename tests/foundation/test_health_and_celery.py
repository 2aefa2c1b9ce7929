from __future__ import annotations

import pytest
from django.test import Client

from annotator.celery import ping


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_broker_answer():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_redis_is_down(settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/no-such-redis.sock"
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_postgres_is_down(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        from django.db.utils import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
    assert response.json()["broker"] == "ok"


def test_ping_task_round_trips_through_redis_on_a_real_worker(celery_worker_app):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


def test_celery_acknowledges_late_and_requeues_on_worker_loss(settings):
    from annotator.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://", "rediss://"))
