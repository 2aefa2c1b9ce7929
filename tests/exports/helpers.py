"""Helpers of the export tests: run a job in-process and read its file back."""

from __future__ import annotations

from typing import Any

from annotator.exports.models import ExportJob
from annotator.exports.services import export_run
from tests.factories.exports import ExportJobFactory

ALL = {
    "election": None,
    "candidate": None,
    "theme": None,
    "article": None,
    "date_from": None,
    "date_to": None,
    "verified_only": True,
}


def run_export(
    format: str, *, requester: Any = None, options: dict | None = None, **filters: Any
) -> ExportJob:
    """Create a job and run it synchronously (the worker's body, without Celery)."""
    kwargs: dict[str, Any] = {
        "format": format,
        "filters": {**ALL, **filters},
        "options": options or {},
    }
    if requester is not None:
        kwargs["requested_by"] = requester
    job = ExportJobFactory(**kwargs)
    export_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def read_bytes(job: ExportJob) -> bytes:
    assert job.state == ExportJob.State.SUCCEEDED, job.error
    assert job.path is not None
    return job.path.read_bytes()
