"""Writes on export jobs: request, cancel, run (the worker's body), and the beat maintenance.

Guarantees: a job row is committed before its task is enqueued (on commit), and a broker outage
leaves it `queued` for `export_requeue_lost`; a run publishes its file atomically (temporary file,
then `os.replace` under the job's row lock) so a half-written file is never downloadable; a run
whose attempt is no longer current (cancelled, or taken over after a lost heartbeat) stops at its
next chunk and removes its temporary file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotator.exports.filters import clean_filters, clean_options
from annotator.exports.formats import FORMATTERS, ExportContext, HashingWriter
from annotator.exports.models import SCHEMA_VERSION, ExportJob
from annotator.exports.selectors import export_get_for
from annotator.lib import jobs
from annotator.lib.errors import InvalidInputError, PermissionDeniedError
from annotator.lib.roles import is_fact_checker, is_reviewer
from annotator.live import events as live

logger = logging.getLogger(__name__)
State = ExportJob.State


def export_progress_fields(job: ExportJob) -> dict[str, Any]:
    """What the exports page shows of a job's progress (the same fields as its API resource)."""
    from django.urls import reverse

    return {
        "id": job.pk,
        "state": job.state,
        "progress": job.progress_percent,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "row_count": job.row_count,
        "size": job.size,
        "error": job.error,
        "version": job.version,
        "download_url": reverse("api:export-download", args=[job.pk])
        if job.is_downloadable
        else None,
        "cancel_url": reverse("api:export-cancel", args=[job.pk]) if job.is_active else None,
    }


def _announce(job: ExportJob) -> None:
    """Tell the requester's open pages (live stream) where the job stands."""
    live.job_progress(
        job_kind="export", owner_id=job.requested_by_id, job=export_progress_fields(job)
    )


def _announce_id(job_id: int) -> None:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is not None:
        _announce(job)


# This run no longer owns the job (cancelled, or claimed again by another run).
ExportInterruptedError = jobs.JobInterruptedError


def export_root() -> Path:
    root = Path(settings.EXPORT_ROOT)
    (root / ".partial").mkdir(parents=True, exist_ok=True)
    return root


def export_request(
    *, actor: Any, format: str, filters: Any = None, options: Any = None
) -> ExportJob:
    """Create a queued job and enqueue its run once the row is committed.

    Permission: fact-checkers, reviewers and moderators; unverified work only for reviewers and
    moderators. The request succeeds even when the broker is down (the job stays queued)."""
    if not is_fact_checker(actor):
        raise PermissionDeniedError(_("Only newsroom members can export."))
    if format not in FORMATTERS:
        raise InvalidInputError(
            _("Unknown format."),
            fields={"format": [_("Choose one of: %s.") % ", ".join(FORMATTERS)]},
        )
    cleaned = clean_filters(filters, actor=actor)
    if not cleaned["verified_only"] and not is_reviewer(actor):
        raise PermissionDeniedError(_("Only reviewers and moderators can export unverified work."))
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=actor, format=format, filters=cleaned, options=clean_options(options)
        )
        transaction.on_commit(lambda: export_enqueue(job_id=job.pk))
    return job


def export_enqueue(*, job_id: int) -> bool:
    """Send the run task to the broker; False (job left queued for the beat task) if it is down."""
    from annotator.exports.tasks import export_run_task

    return jobs.job_enqueue(export_run_task, ExportJob, job_id)


def export_waits_for_broker(job: ExportJob) -> bool:
    """True when the job was saved but could not be enqueued (the broker was down): the beat
    task `export_requeue_lost` will enqueue it once the broker is back."""
    return not ExportJob.objects.filter(pk=job.pk, enqueued_at__isnull=False).exists()


def broker_down_notice(job: ExportJob) -> str:
    return _(
        "The task queue is unavailable right now: export #%(id)s is saved and will start as soon "
        "as it is back."
    ) % {"id": job.pk}


def export_cancel(*, actor: Any, job_id: Any, expected_version: int | None = None) -> ExportJob:
    """Cancel a queued or running job (requester or moderator; 404 for others). The running worker
    notices at its next chunk. Row lock taken; 409 if finished or if `expected_version` is stale."""
    export_get_for(actor=actor, job_id=job_id)
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=int(job_id))
        jobs.job_cancel_locked(
            job,
            expected_version=expected_version,
            stale_message=_("The export changed since you loaded it."),
            finished_message=_("Only a queued or running export can be cancelled."),
        )
        _announce(job)
    return job


def _claim(job_id: int) -> ExportJob | None:
    """Take the job for this run: queued, or running with a lost heartbeat. None otherwise."""
    job: ExportJob | None = jobs.job_claim(
        ExportJob,
        job_id,
        heartbeat_timeout=settings.EXPORT_HEARTBEAT_TIMEOUT,
        reset={"rows_done": 0},
    )
    if job is not None:
        _announce(job)
    return job


def _progress(job_id: int, attempt: int, rows_done: int) -> None:
    jobs.job_heartbeat(ExportJob, job_id, attempt, rows_done=rows_done)
    if settings.EXPORT_TEST_DELAY:
        time.sleep(settings.EXPORT_TEST_DELAY)


def _progress_announced(job: ExportJob, attempt: int, rows_done: int) -> None:
    """`_progress`, and the live stream hears of each whole percent gained (not every chunk)."""
    _progress(job.pk, attempt, rows_done)
    before = job.progress_percent
    job.rows_done = rows_done
    if job.progress_percent != before:
        _announce(job)


def export_run(*, job_id: int) -> ExportJob | None:
    """Stream the job's rows into a temporary file and publish it atomically (idempotent: the file
    name depends only on the job, so a re-run rewrites the same file). Progress and heartbeat per
    chunk. Transient database errors propagate (the task retries them); any other error fails the
    job with a readable message."""
    job = _claim(job_id)
    if job is None:
        return None
    attempt = job.attempts
    formatter_class = FORMATTERS[job.format]
    root = export_root()
    temporary = root / ".partial" / f"{job.pk}-{attempt}-{uuid.uuid4().hex}.part"
    context = ExportContext(
        job_id=job.pk,
        requester=job.requested_by,
        filters=job.filters,
        options=job.options,
        progress=lambda rows_done: _progress_announced(job, attempt, rows_done),
    )
    context.manifest = {
        "job_id": job.pk,
        "format": job.format,
        "schema_version": SCHEMA_VERSION,
        "filters": job.filters,
        "options": job.options,
        "generated_at": job.started_at.isoformat() if job.started_at else "",
        "app_version": settings.APP_VERSION,
    }
    formatter = formatter_class(context)
    _relax_commits(True)
    try:
        total = formatter.count()
        ExportJob.objects.filter(pk=job.pk, attempts=attempt).update(rows_total=total)
        job.rows_total = total
        with temporary.open("wb") as raw:
            out = HashingWriter(raw)
            try:
                # HashingWriter has the part of BinaryIO that formatters use (write, tell, flush).
                counts = formatter.write(cast(BinaryIO, out))
            except BaseException:
                out.abandon()
                raise
            out.close()
            raw.flush()
            os.fsync(raw.fileno())
        return _publish(job, attempt, temporary, out, counts, formatter_class, context.manifest)
    except ExportInterruptedError:
        logger.info("export %s attempt %s: stopped (cancelled or taken over)", job.pk, attempt)
        return None
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        export_fail(job_id=job.pk, attempt=attempt, message=_describe(exc))
        return None
    finally:
        temporary.unlink(missing_ok=True)
        _relax_commits(False)


def _relax_commits(relaxed: bool) -> None:
    """Progress updates need not wait for the disk: a crash loses at most a progress figure (the
    publication below commits synchronously). Without this, one fsync per chunk dominates."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off" if relaxed else "RESET synchronous_commit")


def _publish(
    job: ExportJob,
    attempt: int,
    temporary: Path,
    out: HashingWriter,
    counts: dict[str, int],
    formatter_class: Any,
    manifest: dict[str, Any],
) -> ExportJob | None:
    final_name = f"export-{job.pk}.{formatter_class.extension}"
    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO on")
        current = ExportJob.objects.select_for_update().get(pk=job.pk)
        if current.attempts != attempt or current.state != State.RUNNING:
            raise ExportInterruptedError
        os.replace(temporary, Path(settings.EXPORT_ROOT) / final_name)
        row_count = counts.get(formatter_class.row_count_key, 0)
        current.manifest = {
            **manifest,
            "counts": counts,
            "row_count": row_count,
            "size": out.size,
            "sha256": out.sha256,
            "file_name": final_name,
            "media_type": formatter_class.media_type,
        }
        current.state = State.SUCCEEDED
        current.file_name = final_name
        current.size = out.size
        current.sha256 = out.sha256
        current.row_count = row_count
        current.rows_done = current.rows_total = counts.get("annotations", row_count)
        if formatter_class.row_count_key == "claim_reviews":
            current.rows_done = current.rows_total = row_count
        current.finished_at = current.heartbeat_at = timezone.now()
        current.version += 1
        current.save()
        _announce(current)
    return current


def _describe(exc: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return _("The export took longer than the time limit (%(seconds)s s).") % {
            "seconds": settings.EXPORT_SOFT_TIME_LIMIT
        }
    return _("The export failed: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]}


def export_fail(*, job_id: int, attempt: int | None = None, message: str) -> None:
    """Mark the job failed with a readable message (only the current attempt, if given)."""
    if jobs.job_fail(ExportJob, job_id, attempt=attempt, message=message):
        _announce_id(job_id)


def export_release(*, job_id: int) -> None:
    """Put a running job back to `queued` before a retry (best effort: the database may be the
    thing that is down, in which case the stale heartbeat will bring it back)."""
    jobs.job_release(ExportJob, job_id, TRANSIENT_ERRORS)


def export_requeue_lost(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat task body: re-enqueue jobs still `queued` some time after their request (broker down,
    message lost) and `running` jobs whose heartbeat stopped; fail those interrupted too often."""
    return jobs.job_requeue_lost(
        ExportJob,
        enqueue=lambda pk: export_enqueue(job_id=pk),
        requeue_after=settings.EXPORT_REQUEUE_AFTER,
        heartbeat_timeout=settings.EXPORT_HEARTBEAT_TIMEOUT,
        max_attempts=settings.EXPORT_MAX_ATTEMPTS,
        give_up=lambda attempts: (
            _("The export was interrupted %(count)s times; giving up.") % {"count": attempts}
        ),
        now=now,
    )


def export_delete_expired_files(*, now: dt.datetime | None = None) -> int:
    """Beat task body: delete files of jobs finished more than EXPORT_RETENTION_DAYS ago (the rows
    stay, marked `file_deleted_at`), and temporary files abandoned by killed workers."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    root = export_root()
    deleted = 0
    for job in ExportJob.objects.filter(
        state=State.SUCCEEDED, finished_at__lt=cutoff, file_deleted_at__isnull=True
    ).only("pk", "file_name"):
        (root / job.file_name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file_deleted_at=now)
        deleted += 1
    abandoned = now.timestamp() - max(settings.EXPORT_TIME_LIMIT, 86400)
    for partial in (root / ".partial").glob("*.part"):
        if partial.stat().st_mtime < abandoned:
            partial.unlink(missing_ok=True)
    return deleted


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


TRANSIENT_ERRORS = _transient_errors()
