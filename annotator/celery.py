"""The Celery application. Workers: `celery -A annotator worker`; scheduler: `celery -A annotator beat`."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

app = Celery("annotator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="annotator.ping", acks_late=True, soft_time_limit=10, time_limit=20)
def ping() -> str:
    """Round-trip check: a worker answers through the broker and the result backend."""
    return "pong"
