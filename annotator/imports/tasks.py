"""Thin Celery entry points of the imports. Time limits: IMPORT_SOFT_TIME_LIMIT (the job fails
with a readable message, nothing written) and IMPORT_TIME_LIMIT (the worker process is killed;
the final transaction, if open, rolls back with the connection)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from annotator.imports import services

MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="imports.run",
    acks_late=True,
    ignore_result=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.IMPORT_SOFT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT,
)
def import_run_task(self: Any, job_id: int) -> str:
    """Run one import; transient database errors are retried with exponential backoff."""
    try:
        job = services.import_run(job_id=job_id)
    except services.TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            services.import_fail(
                job_id=job_id, message=f"The database stayed unavailable: {exc}"[:500]
            )
            return "failed"
        services.import_release(job_id=job_id)
        raise self.retry(exc=exc, countdown=min(300, 2 ** (self.request.retries + 1))) from exc
    return job.state if job else "skipped"


@shared_task(name="imports.requeue_lost", acks_late=True, soft_time_limit=60, time_limit=90)
def import_requeue_lost_task() -> dict[str, int]:
    return services.import_requeue_lost()
