"""Import benchmark: wall time and peak worker memory of an import job, through a real Celery
worker (solo pool: the job runs in the worker's process, whose peak RSS is read from /proc).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/bench_import.py 100000 1000000

Data: a separate database (`<app db>_bench_imports`, re-created each run) holding the benchmark's
1,000 articles (bench/data.py texts); the file is this app's JSONL export shape, generated from
those texts: N annotations spread evenly over the articles, with quotes, context, one tag, one
proposal link in ten, and comments (a third empty, a third among 50 Markdown comments, a third
unique plain sentences). Each size is imported into an empty annotation table (the previous
size's rows are deleted first). Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANNOTATOR_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
SUFFIX = "_bench_imports"
ARTICLES = 1000
QUEUE = "bench-imports"


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    if not name.endswith(SUFFIX):
        name += SUFFIX
    return urlunsplit(parts._replace(path="/" + name))


def recreate_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> list[tuple[int, str, str]]:
    """Migrate, create the users and the 1,000 articles; (id, sha256, text) of each article."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.data import generate

    generate(ARTICLES, 0)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    importer, _ = get_user_model().objects.get_or_create(username="bench-importer")
    importer.groups.add(Group.objects.get(name="fact-checker"))
    from annotator.articles.models import Article

    return list(
        Article.objects.filter(title__startswith="Bench ")
        .order_by("pk")
        .values_list("pk", "text_sha256", "text")
    )


def write_file(path: Path, size: int, articles: list[tuple[int, str, str]]) -> None:
    from proposals.models import Proposal

    slugs = list(Proposal.objects.values_list("slug", flat=True)[:50])
    markdown = [
        f"Promesse **chiffrée** n°{n} : à [vérifier](https://example.org/{n})." for n in range(50)
    ]
    rng = random.Random(7)
    per_article = size // len(articles)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as out:
        number = 0
        for pk, sha, text in articles:
            for _ in range(per_article):
                number += 1
                start = rng.randrange(0, len(text) - 200)
                end = start + rng.randrange(20, 180)
                kind = number % 3
                comment = (
                    ""
                    if kind == 0
                    else markdown[number % 50]
                    if kind == 1
                    else f"Chiffre à vérifier dans la source {number}."
                )
                line = {
                    "id": number,
                    "article": {"id": pk, "title": "", "url": "", "text_sha256": sha},
                    "quote": {
                        "exact": text[start:end],
                        "prefix": text[max(0, start - 32) : start],
                        "suffix": text[end : end + 32],
                    },
                    "position": {"start": start, "end": end, "unit": "code_points"},
                    "comment": comment,
                    "tags": ["bench"],
                    "proposals": [{"slug": slugs[number % 50]}] if number % 10 == 0 else [],
                    "author": f"source-user-{number % 20}",
                    "reviewers": [],
                    "approved_at": None,
                }
                out.write(dumps(line) + "\n")


def empty_annotations() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE imports_importedannotation, review_annotationevent,"
            " annotations_annotation_proposals, annotations_historicalannotation_proposals,"
            " annotations_historicalannotation, annotations_annotation CASCADE"
        )


def start_worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "CELERY_TASK_DEFAULT_QUEUE": QUEUE}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "annotator",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            QUEUE,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args()
    url = bench_database_url()
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
    import django

    django.setup()
    from django.conf import settings

    from annotator.celery import app

    app.conf.task_default_queue = QUEUE
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from annotator.imports import services
    from annotator.imports.models import ImportJob

    articles = prepare()
    importer = get_user_model().objects.get(username="bench-importer")
    work = Path(settings.IMPORT_ROOT) / "bench"
    work.mkdir(parents=True, exist_ok=True)
    worker = start_worker(url, work / "worker.log")
    try:
        for _attempt in range(120):  # the worker loads Django and connects to the broker
            if app.control.ping(timeout=0.5):
                break
        else:
            raise RuntimeError((work / "worker.log").read_text()[-2000:])
        for size in args.sizes:
            empty_annotations()
            path = work / f"bench-{size}.jsonl"
            write_file(path, size, articles)
            baseline = rss_mb(worker.pid)
            started = time.perf_counter()
            with path.open("rb") as raw:
                job = services.import_request(
                    actor=importer, upload=File(raw, name=path.name), format="jsonl"
                )
            requested = time.perf_counter()
            while True:
                job.refresh_from_db()
                if not job.is_active:
                    break
                time.sleep(0.05)
            wall = time.perf_counter() - started
            run = (job.finished_at - job.started_at).total_seconds() if job.started_at else None
            print(
                json.dumps(
                    {
                        "annotations": size,
                        "file_mb": round(path.stat().st_size / 2**20, 1),
                        "state": job.state,
                        "error": job.error,
                        "created": job.created_count,
                        "failed": job.failed_count,
                        "wall_s": round(wall, 2),
                        "upload_s": round(requested - started, 2),
                        "run_s": round(run, 2) if run else None,
                        "rows_per_s": round(size / wall),
                        "worker_rss_before_mb": round(baseline, 1),
                        "worker_peak_rss_mb": round(peak_rss_mb(worker.pid), 1),
                        "load_average": os.getloadavg()[0],
                    }
                ),
                flush=True,
            )
            if not args.keep_files:
                path.unlink()
                ImportJob.objects.filter(pk=job.pk).first().path.unlink(missing_ok=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
