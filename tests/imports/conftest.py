from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ArticleFactory
from tests.imports.texts import TEXT_A, URL_A

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.fixture(autouse=True)
def import_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.IMPORT_ROOT = tmp_path / "imports"
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.IMPORT_ROOT


@pytest.fixture
def article_a(db):  # type: ignore[no-untyped-def]
    return ArticleFactory(title="Fibre partout", text=TEXT_A, url=URL_A)


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def run_import(actor: Any, name: str, format: str, content: bytes | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
    """Request the job as the API does, then run the worker's body in this process."""
    from annotator.imports import services
    from annotator.imports.models import ImportJob

    job = services.import_request(
        actor=actor, upload=upload(name, content), format=format, enqueue=False, **kwargs
    )
    services.import_run(job_id=job.pk)
    return ImportJob.objects.get(pk=job.pk)


def report_of(job) -> list[tuple[Any, str, str]]:  # type: ignore[no-untyped-def]
    return [(e["line"], e["index"], e["status"]) for e in job.report]
