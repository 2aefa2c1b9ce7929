"""The Celery application. Workers: `celery -A annotator worker`; scheduler: `celery -A annotator beat`."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

app = Celery("annotator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="annotator.ping", acks_late=True, soft_time_limit=10, time_limit=20)
def ping() -> str:
    """Round-trip check: a worker answers through the broker and the result backend."""
    return "pong"


@worker_process_init.connect
def load_url_configuration(**kwargs: object) -> None:
    """Load the URL configuration when a worker process starts, as the web server does: exports
    build URLs with `reverse`, and the first one should not pay for importing every view."""
    from django.urls import get_resolver

    resolver = get_resolver()
    for _prefix, namespace in resolver.namespace_dict.values():
        namespace.reverse_dict  # noqa: B018 - building the reverse lookups is the point
    resolver.reverse_dict  # noqa: B018
