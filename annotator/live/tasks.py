"""Thin Celery entry points of the live events (run by beat)."""

from __future__ import annotations

from celery import shared_task

from annotator.live import services


@shared_task(name="live.prune_events", ignore_result=True, soft_time_limit=300, time_limit=360)
def event_prune_task() -> int:
    return services.event_prune()
