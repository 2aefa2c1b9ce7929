"""Background job machinery shared by export and import jobs: a job row (state, attempts,
heartbeat, version) is claimed by one run at a time, beats while it works, and is cancelled or
failed through the row, never only in Celery.

A job model has `state` (queued, running, succeeded, failed, cancelled), `attempts`, `version`,
`started_at`, `heartbeat_at`, `finished_at`, `enqueued_at` and `error`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotator.lib.errors import InvalidTransitionError, StaleVersionError

logger = logging.getLogger(__name__)
QUEUED, RUNNING, CANCELLED, FAILED = "queued", "running", "cancelled", "failed"


class JobInterruptedError(Exception):
    """This run no longer owns the job (cancelled, or claimed again by another run)."""


def job_claim(model: Any, job_id: int, *, heartbeat_timeout: int, reset: dict[str, Any]) -> Any:
    """Take the job for this run (row lock): queued, or running with a lost heartbeat; None
    otherwise (a live run owns it, or it is finished). `reset` are the fields a new run starts
    from. Increments `attempts`: an older run notices at its next heartbeat and stops."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=heartbeat_timeout)
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in (QUEUED, RUNNING):
            return None
        if job.state == RUNNING and job.heartbeat_at and job.heartbeat_at > stale:
            return None  # a live run owns it: this delivery is a duplicate
        job.attempts += 1
        job.state = RUNNING
        job.started_at = job.heartbeat_at = now
        job.error = ""
        job.version += 1
        for name, value in reset.items():
            setattr(job, name, value)
        job.save()
    return job


def job_heartbeat(model: Any, job_id: int, attempt: int, **fields: Any) -> None:
    """Save progress and the heartbeat; JobInterruptedError when this run lost the job."""
    updated = model.objects.filter(pk=job_id, attempts=attempt, state=RUNNING).update(
        heartbeat_at=timezone.now(), **fields
    )
    if not updated:
        raise JobInterruptedError


def job_cancel_locked(
    job: Any, *, expected_version: int | None, stale_message: str, finished_message: str
) -> Any:
    """Cancel a job whose row the caller locked: 409 when `expected_version` is stale
    (`stale_message`) or the job is finished (`finished_message`)."""
    if expected_version is not None and expected_version != job.version:
        raise StaleVersionError(stale_message, current={"state": job.state, "version": job.version})
    if job.state not in (QUEUED, RUNNING):
        raise InvalidTransitionError(finished_message, state=job.state)
    job.state = CANCELLED
    job.finished_at = timezone.now()
    job.version += 1
    job.save(update_fields=["state", "finished_at", "version"])
    return job


def job_fail(model: Any, job_id: int, *, attempt: int | None = None, message: str) -> bool:
    """Mark the job failed with a readable message (only the current attempt, if given); True
    when it was still queued or running."""
    jobs = model.objects.filter(pk=job_id, state__in=[QUEUED, RUNNING])
    if attempt is not None:
        jobs = jobs.filter(attempts=attempt)
    return bool(jobs.update(state=FAILED, error=message, finished_at=timezone.now()))


def job_enqueue(task: Any, model: Any, job_id: int) -> bool:
    """Send the task to the broker; False (job left queued for the beat task) if it is down."""
    try:
        task.apply_async(args=[job_id], retry=False)
    except Exception as exc:
        logger.warning(
            "%s %s: broker unavailable (%s: %s), left queued for re-enqueue",
            _label(model),
            job_id,
            type(exc).__name__,
            exc,
        )
        return False
    model.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    return True


def job_release(model: Any, job_id: int, transient: tuple[type[BaseException], ...]) -> None:
    """Put a running job back to `queued` before a retry (best effort)."""
    try:
        model.objects.filter(pk=job_id, state=RUNNING).update(state=QUEUED)
    except transient:
        logger.warning(
            "%s %s: could not release the job before retrying", model._meta.model_name, job_id
        )


def job_requeue_lost(
    model: Any,
    *,
    enqueue: Callable[[int], bool],
    requeue_after: int,
    heartbeat_timeout: int,
    max_attempts: int,
    give_up: Callable[[int], str],
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Beat task body: re-enqueue jobs still `queued` `requeue_after` seconds after their request
    (broker down, message lost) and `running` jobs whose heartbeat stopped; fail those
    interrupted `max_attempts` times with `give_up(attempts)`."""
    now = now or timezone.now()
    waited = now - dt.timedelta(seconds=requeue_after)
    stale = now - dt.timedelta(seconds=heartbeat_timeout)
    queued = list(
        model.objects.filter(state=QUEUED, created__lte=waited)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=waited))
        .values_list("pk", flat=True)
    )
    lost = model.objects.filter(state=RUNNING).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lte=stale)
    )
    failed = 0
    for job in lost.filter(attempts__gte=max_attempts):
        job_fail(model, job.pk, attempt=job.attempts, message=give_up(job.attempts))
        failed += 1
    running = list(lost.filter(attempts__lt=max_attempts).values_list("pk", flat=True))
    enqueued = sum(enqueue(pk) for pk in queued + running)
    return {"queued": len(queued), "running": len(running), "enqueued": enqueued, "failed": failed}


def _label(model: Any) -> str:
    """ "export" for ExportJob, "import" for ImportJob: the word the logs have always used."""
    return str(model._meta.model_name).removesuffix("job")
