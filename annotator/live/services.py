"""Maintenance of the event log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from annotator.live.models import Event


def event_prune(*, now: dt.datetime | None = None) -> int:
    """Delete events older than LIVE_EVENT_RETENTION_DAYS. A client away longer than that asks
    for events that are gone: it gets what remains and, with the page's version checks, a reload
    is what brings it up to date (the reader offers one when the text changed). Returns the count."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.LIVE_EVENT_RETENTION_DAYS)
    deleted, _ = Event.objects.filter(created__lt=cutoff).delete()
    return deleted
