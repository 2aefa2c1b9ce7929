"""Reads on export jobs, scoped to the actor: requesters see their own jobs, moderators all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from annotator.exports.models import ExportJob
from annotator.lib import policy
from annotator.lib.errors import ConflictError, DomainError, NotFoundError


class ExportExpiredError(DomainError):
    """The file was deleted after the retention period; the job row stays (410)."""

    code = "expired"
    status_code = 410


def export_list_for(*, actor: Any) -> QuerySet[ExportJob]:
    return ExportJob.objects.select_related("requested_by").filter(policy.job_visible_q(actor))


def export_get_for(*, actor: Any, job_id: Any) -> ExportJob:
    """The job if the actor requested it or moderates; NotFoundError (404) otherwise."""
    try:
        return export_list_for(actor=actor).get(pk=int(job_id))
    except (ExportJob.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError("No such export.") from exc


def export_download_for(*, actor: Any, job_id: Any) -> ExportJob:
    """The job whose file the actor may download now: 404 if not theirs, 409 before it is ready,
    410 once the retention period deleted the file."""
    job = export_get_for(actor=actor, job_id=job_id)
    if job.state != ExportJob.State.SUCCEEDED:
        raise ConflictError("The export is not ready.", state=job.state)
    if job.file_deleted_at is not None or job.path is None or not job.path.exists():
        raise ExportExpiredError("The export file was deleted after the retention period.")
    return job
