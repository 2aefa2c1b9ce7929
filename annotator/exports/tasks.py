"""Thin Celery entry points of the exports. Time limits: EXPORT_SOFT_TIME_LIMIT (the job fails
with a readable message) and EXPORT_TIME_LIMIT (the worker process is killed; the beat task
re-enqueues the job when its heartbeat goes stale, up to EXPORT_MAX_ATTEMPTS runs)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from annotator.exports import services

MAX_RETRIES = 5


@shared_task(
    bind=True,
    name="exports.run",
    acks_late=True,
    # The job's state lives in ExportJob; no result is stored (nor waited on when enqueueing).
    ignore_result=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.EXPORT_SOFT_TIME_LIMIT,
    time_limit=settings.EXPORT_TIME_LIMIT,
)
def export_run_task(self: Any, job_id: int) -> str:
    """Run one export; transient database errors are retried with exponential backoff."""
    try:
        job = services.export_run(job_id=job_id)
    except services.TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            services.export_fail(
                job_id=job_id, message=f"The database stayed unavailable: {exc}"[:500]
            )
            return "failed"
        # Back to queued so that the retry may claim it at once (heartbeat need not go stale).
        services.export_release(job_id=job_id)
        raise self.retry(exc=exc, countdown=min(300, 2 ** (self.request.retries + 1))) from exc
    return job.state if job else "skipped"


@shared_task(name="exports.requeue_lost", acks_late=True, soft_time_limit=60, time_limit=90)
def export_requeue_lost_task() -> dict[str, int]:
    return services.export_requeue_lost()


@shared_task(
    name="exports.delete_expired_files", acks_late=True, soft_time_limit=300, time_limit=360
)
def export_delete_expired_files_task() -> int:
    return services.export_delete_expired_files()
