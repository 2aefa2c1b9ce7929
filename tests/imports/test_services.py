"""All-or-nothing runs (a cancelled or failed job leaves no row), the parsing child's limits, and
the plain-comment fast path rendering exactly as `render_markdown` does."""

from __future__ import annotations

import json
import random

import pytest

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.imports import loading, services
from annotator.imports.models import ImportJob
from annotator.imports.rows import render_comment
from annotator.lib.markdown import render_markdown
from annotator.review.models import AnnotationEvent
from tests.imports.conftest import run_import, upload
from tests.imports.texts import TEXT_NEW

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (
        Annotation.objects.exists()
        or AnnotationEvent.objects.exists()
        or Annotation.history.exists()
        or Article.objects.filter(text=TEXT_NEW).exists()
    )


def test_a_job_cancelled_while_it_stages_writes_nothing(moderator, article_a, monkeypatch):
    job = services.import_request(
        actor=moderator, upload=upload("doccano.jsonl"), format="doccano", enqueue=False
    )
    parse = services.parse_in_sandbox

    def parse_then_cancel(path, *, source_format):  # type: ignore[no-untyped-def]
        for record in parse(path, source_format=source_format):
            if record["t"] == "end":
                services.import_cancel(actor=moderator, job_id=job.pk)
                yield {"t": "progress", "bytes": 10}  # the next heartbeat notices
            yield record

    monkeypatch.setattr(services, "parse_in_sandbox", parse_then_cancel)
    assert services.import_run(job_id=job.pk) is None
    assert ImportJob.objects.get(pk=job.pk).state == "cancelled"
    assert nothing_written()


def test_a_job_failing_in_its_final_transaction_writes_nothing(moderator, article_a, monkeypatch):
    load = loading.load_staged

    def load_then_fail(**kwargs):  # type: ignore[no-untyped-def]
        load(**kwargs)
        assert Annotation.objects.count() == 4  # written, inside the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "load_staged", load_then_fail)
    job = run_import(moderator, "doccano.jsonl", "doccano")
    assert job.state == "failed"
    assert "disk full" in job.error
    assert (job.created_count, job.skipped_count) == (0, 0)
    assert nothing_written()


def test_a_file_needing_more_memory_than_allowed_is_refused(fact_checker, settings):
    settings.IMPORT_PARSE_MEMORY_MB = 200
    huge = b'[{"data": {"text": "' + b"a" * (150 * 1024 * 1024) + b'"}}]'
    job = run_import(fact_checker, "big.json", "labelstudio", content=huge)
    assert job.state == "failed"
    assert "memory" in job.error or "mémoire" in job.error


def test_a_deeply_nested_file_is_refused_without_harm(fact_checker):
    job = run_import(fact_checker, "deep.json", "w3c", content=b"[" * 100_000 + b"]" * 100_000)
    assert job.state == "failed"
    assert job.error


def test_plain_comments_render_exactly_as_markdown_does():
    rng = random.Random(3)
    alphabet = "abcdeéèàç XYZ 0123456789 .,;:?'\u2019«»()%/€°-*_#>[]!`~|<&\"\\\n1."
    samples = ["1. Liste", "2) Liste", "Promesse chiffrée à vérifier.", "Coût : 3 % (estimé)."]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(3000)
    ]
    cache: dict[str, str] = {}
    for sample in samples:
        comment = sample.strip()
        assert render_comment(comment, cache) == str(render_markdown(comment)), comment


def test_the_command_runs_the_same_service_without_a_worker(fact_checker, article_a, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from tests.imports.conftest import FIXTURES

    out = StringIO()
    call_command(
        "import_annotations",
        str(FIXTURES / "w3c.jsonld"),
        "--format",
        "w3c",
        "--user",
        "fc",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert (result["state"], result["created"], result["skipped"], result["failed"]) == (
        "succeeded",
        3,
        1,
        2,
    )
    assert Annotation.objects.filter(author=fact_checker).count() == 3


def test_the_beat_task_requeues_lost_imports_and_gives_up_after_too_many_attempts(
    fact_checker, article_a, monkeypatch, settings
):
    import datetime as dt

    from django.utils import timezone

    waiting = services.import_request(
        actor=fact_checker, upload=upload("w3c.jsonld"), format="w3c", enqueue=False
    )
    lost = services.import_request(
        actor=fact_checker, upload=upload("w3c.jsonld"), format="w3c", enqueue=False
    )
    old = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=waiting.pk).update(created=old)
    ImportJob.objects.filter(pk=lost.pk).update(
        created=old, state="running", heartbeat_at=old, attempts=settings.IMPORT_MAX_ATTEMPTS
    )
    sent: list[int] = []
    monkeypatch.setattr(services, "import_enqueue", lambda *, job_id: sent.append(job_id) or True)
    result = services.import_requeue_lost()
    assert result == {"queued": 1, "running": 0, "enqueued": 1, "failed": 1}
    assert sent == [waiting.pk]
    assert ImportJob.objects.get(pk=lost.pk).state == "failed"


@pytest.mark.django_db(transaction=True)
def test_cancelling_while_the_run_writes_its_rows_is_refused_at_once(fact_checker):
    import time

    import psycopg

    from annotator.lib.errors import ConflictError
    from tests.exports.worker import test_database_url

    job = services.import_request(
        actor=fact_checker, upload=upload("w3c.jsonld"), format="w3c", enqueue=False
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running")
    with psycopg.connect(test_database_url()) as run:  # the run's final transaction
        run.execute("SELECT 1 FROM imports_importjob WHERE id = %s FOR UPDATE", [job.pk])
        started = time.monotonic()
        with pytest.raises(ConflictError):
            services.import_cancel(actor=fact_checker, job_id=job.pk)
        assert time.monotonic() - started < 2
    assert ImportJob.objects.get(pk=job.pk).state == "running"
