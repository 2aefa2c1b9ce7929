"""The run's guarantees: progress, manifest, atomic publication, idempotence, cancellation,
readable failures, filters, constant queries, and the beat tasks (re-enqueue, retention)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils import timezone

from annotator.exports import services
from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.models import ExportJob
from annotator.exports.services import (
    export_cancel,
    export_delete_expired_files,
    export_requeue_lost,
    export_run,
)
from tests.exports.helpers import ALL, read_bytes, run_export
from tests.factories.exports import ExportJobFactory, approved_annotation

pytestmark = pytest.mark.django_db


def test_a_finished_job_records_file_size_hash_rows_and_manifest(corpus, settings):
    job = run_export("jsonl", requester=corpus["approved"][0].author)
    data = read_bytes(job)
    assert job.state == "succeeded"
    assert job.size == len(data)
    assert job.sha256 == hashlib.sha256(data).hexdigest()
    assert job.row_count == 2
    assert job.rows_done == job.rows_total == 2
    assert job.progress_percent == 100
    assert job.finished_at is not None and job.started_at is not None
    manifest = job.manifest
    assert manifest["format"] == "jsonl"
    assert manifest["schema_version"] == "1.0"
    assert manifest["filters"] == ALL
    assert manifest["counts"] == {"annotations": 2, "links": 3, "proposals": 2, "articles": 1}
    assert manifest["sha256"] == job.sha256
    assert manifest["app_version"] == settings.APP_VERSION
    assert dt.datetime.fromisoformat(manifest["generated_at"])


def test_progress_is_saved_after_every_chunk(corpus, settings, monkeypatch):
    settings.EXPORT_CHUNK_SIZE = 1
    seen = []
    original = services._progress

    def spy(job_id, attempt, rows_done):  # type: ignore[no-untyped-def]
        original(job_id, attempt, rows_done)
        job = ExportJob.objects.get(pk=job_id)
        seen.append((job.rows_done, job.rows_total, job.state))

    monkeypatch.setattr(services, "_progress", spy)
    run_export("jsonl")
    assert seen == [(1, 2, "running"), (2, 2, "running")]


def test_the_file_is_not_published_while_it_is_being_written(corpus, settings, monkeypatch):
    settings.EXPORT_CHUNK_SIZE = 1
    published_during_run = []
    original = services._progress

    def spy(job_id, attempt, rows_done):  # type: ignore[no-untyped-def]
        original(job_id, attempt, rows_done)
        published_during_run.append(any(settings.EXPORT_ROOT.glob("export-*")))

    monkeypatch.setattr(services, "_progress", spy)
    job = run_export("jsonl")
    assert published_during_run == [False, False]
    assert job.path.exists()


def test_a_failing_run_fails_the_job_with_a_readable_error_and_leaves_no_file(
    corpus, monkeypatch, settings
):
    def broken(self, out):  # type: ignore[no-untyped-def]
        out.write(b'{"half": ')
        raise ValueError("disk quota exceeded")

    monkeypatch.setattr(JsonLinesFormatter, "write", broken)
    job = run_export("jsonl")
    assert job.state == "failed"
    assert "disk quota exceeded" in job.error
    assert job.sha256 == "" and not job.file_name
    assert [p for p in settings.EXPORT_ROOT.rglob("*") if p.is_file()] == []


def test_the_soft_time_limit_fails_the_job_with_a_readable_message(corpus, monkeypatch):
    def too_slow(self, out):  # type: ignore[no-untyped-def]
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(JsonLinesFormatter, "write", too_slow)
    job = run_export("jsonl")
    assert job.state == "failed"
    assert "time limit" in job.error or "durée maximale" in job.error


def test_transient_database_errors_propagate_for_the_task_to_retry(corpus, monkeypatch):
    def flaky(self):  # type: ignore[no-untyped-def]
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(JsonLinesFormatter, "count", flaky)
    job = ExportJobFactory()
    with pytest.raises(OperationalError):
        export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "running"
    services.export_release(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "queued"


def test_rerunning_a_job_rewrites_the_same_file_with_the_same_bytes(corpus):
    job = run_export("jsonl")
    first = read_bytes(job)
    ExportJob.objects.filter(pk=job.pk).update(state="queued")
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert read_bytes(job) == first
    assert job.attempts == 2
    assert sorted(p.name for p in job.path.parent.iterdir() if p.is_file()) == [job.file_name]


def test_a_duplicate_delivery_does_nothing_while_a_live_run_owns_the_job(corpus):
    job = ExportJobFactory(state="running", attempts=1, heartbeat_at=timezone.now())
    assert export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1 and job.state == "running"


def test_a_finished_job_is_not_run_again(corpus):
    job = run_export("jsonl")
    assert export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_cancelling_a_running_export_stops_it_at_the_next_chunk_without_a_file(
    corpus, settings, monkeypatch
):
    settings.EXPORT_CHUNK_SIZE = 1
    original = services._progress
    job = ExportJobFactory()

    def cancel_after_first_chunk(job_id, attempt, rows_done):  # type: ignore[no-untyped-def]
        original(job_id, attempt, rows_done)
        if rows_done == 1:
            export_cancel(actor=job.requested_by, job_id=job_id)

    monkeypatch.setattr(services, "_progress", cancel_after_first_chunk)
    assert export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert job.rows_done == 1
    assert [p for p in settings.EXPORT_ROOT.rglob("*") if p.is_file()] == []


def test_a_run_taken_over_after_a_lost_heartbeat_stops_writing(corpus, settings, monkeypatch):
    settings.EXPORT_CHUNK_SIZE = 1
    original = services._progress
    job = ExportJobFactory()

    def taken_over(job_id, attempt, rows_done):  # type: ignore[no-untyped-def]
        ExportJob.objects.filter(pk=job_id).update(attempts=attempt + 1)
        original(job_id, attempt, rows_done)

    monkeypatch.setattr(services, "_progress", taken_over)
    assert export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.state == "running" and job.rows_done == 0


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"election": "presidentielle-2022"}, ["first", "second"]),
        ({"candidate": "melenchon"}, ["second"]),
        ({"theme": "INFRA"}, ["first", "second"]),
        ({"date_from": "2022-03-01"}, []),
        ({"date_to": "2022-02-01"}, ["first", "second"]),
        # Unverified exports hold submitted work, never anyone's draft (issue 12).
        ({"verified_only": False}, ["first", "second"]),
    ],
)
def test_filters_select_the_matching_annotations(corpus, filters, expected):
    names = {
        corpus["approved"][0].pk: "first",
        corpus["approved"][1].pk: "second",
        corpus["draft"].pk: "draft",
    }
    job = run_export("jsonl", **filters)
    got = [names[json.loads(line)["id"]] for line in read_bytes(job).decode().splitlines()]
    assert sorted(got) == sorted(expected)


def test_the_article_filter_keeps_only_that_articles_annotations(corpus):
    other = approved_annotation()
    job = run_export("jsonl", article=other.article_id)
    assert [json.loads(line)["id"] for line in read_bytes(job).decode().splitlines()] == [other.pk]


def test_hidden_and_deleted_annotations_are_never_exported(corpus):
    job = run_export("jsonl", verified_only=False)
    ids = {json.loads(line)["id"] for line in read_bytes(job).decode().splitlines()}
    assert corpus["hidden"].pk not in ids


@pytest.mark.parametrize("format", ["jsonl", "csv", "w3c", "datapackage"])
def test_an_export_runs_the_same_number_of_queries_whatever_the_number_of_rows(
    corpus, format, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        job = ExportJobFactory(format=format)
        with CaptureQueriesContext(connection) as captured:
            export_run(job_id=job.pk)
        return len(captured)

    small = queries()
    for _ in range(15):
        approved_annotation(
            article=corpus["article"],
            author=corpus["approved"][0].author,
            exact="Programmes",
            proposals=[corpus["fibre"], corpus["cyber"]],
        )
    assert queries() == small


def test_beat_reenqueues_jobs_left_queued_when_the_broker_was_down(corpus, settings):
    old = timezone.now() - dt.timedelta(seconds=settings.EXPORT_REQUEUE_AFTER + 5)
    lost = ExportJobFactory()
    fresh = ExportJobFactory()
    ExportJob.objects.filter(pk=lost.pk).update(created=old)
    result = export_requeue_lost()
    assert result["queued"] == 1 and result["enqueued"] == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.enqueued_at is not None
    assert fresh.enqueued_at is None


def test_beat_reenqueues_running_jobs_whose_heartbeat_stopped_and_fails_them_after_max_attempts(
    corpus, settings
):
    stale = timezone.now() - dt.timedelta(seconds=settings.EXPORT_HEARTBEAT_TIMEOUT + 5)
    lost = ExportJobFactory(state="running", attempts=1, heartbeat_at=stale)
    alive = ExportJobFactory(state="running", attempts=1, heartbeat_at=timezone.now())
    hopeless = ExportJobFactory(
        state="running", attempts=settings.EXPORT_MAX_ATTEMPTS, heartbeat_at=stale
    )
    result = export_requeue_lost()
    assert result == {"queued": 0, "running": 1, "enqueued": 1, "failed": 1}
    for job in (lost, alive, hopeless):
        job.refresh_from_db()
    assert lost.enqueued_at is not None and alive.enqueued_at is None
    assert hopeless.state == "failed"
    assert "interrupted" in hopeless.error or "interrompu" in hopeless.error
    # The re-delivered task claims the lost job again and finishes it.
    export_run(job_id=lost.pk)
    lost.refresh_from_db()
    assert lost.state == "succeeded" and lost.attempts == 2


def test_retention_deletes_old_files_but_keeps_the_job_rows(corpus, settings):
    old = run_export("jsonl")
    recent = run_export("csv")
    ExportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS + 1)
    )
    assert export_delete_expired_files() == 1
    old.refresh_from_db()
    assert old.file_deleted_at is not None and not old.path.exists()
    assert old.sha256 and old.state == "succeeded"
    assert recent.path.exists()
    assert export_delete_expired_files() == 0
