"""Export benchmark: rows per second and peak worker memory of an export, against PostgreSQL's
own `COPY (SELECT ...) TO STDOUT` of the same rows (the ratio to beat: within 3x).

    python -m annotator.lib.localservices exec -- .venv/bin/python bench/bench_export.py 100000 1000000
    ... bench/bench_export.py 100000 --formats jsonl,csv,w3c --repeat 5

Data: a separate database (`<app db>_bench_exports`, re-created each run) filled with
INSERT ... SELECT generate_series: articles of 100 approved annotations each, one approval event
and one linked proposal per annotation. Each export runs in a fresh process (the worker's body,
`export_run`, after loading the URL configuration as a worker process does when it starts),
which reports its own peak RSS. COPY and each export run `--repeat` times; medians are printed,
since a shared virtual machine's timings vary by ±20% from one run to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Settings without DEBUG (no query log) and without a production SECRET_KEY.
os.environ.setdefault("ANNOTATOR_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
ANNOTATIONS_PER_ARTICLE = 100


SUFFIX = "_bench_exports"


def bench_database_url() -> str:
    """The bench database next to the application's (`setup_django` points DATABASE_URL at it,
    so a second size must not add the suffix again)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    if not name.endswith(SUFFIX):
        name += SUFFIX
    return urlunsplit(parts._replace(path="/" + name))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def recreate_database() -> str:
    import psycopg

    from annotator.lib.env import database_from_url

    url = bench_database_url()
    db = database_from_url(url)
    admin = psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
    admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    return url


def generate(annotations: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from tests.factories import CandidacyFactory, ProposalFactory, UserFactory

    call_command("migrate", verbosity=0)
    author = UserFactory(username="bench-author", role="fact-checker")
    reviewer = UserFactory(username="bench-reviewer", role="reviewer")
    requester = UserFactory(username="bench-requester", role="moderator")
    candidacy = CandidacyFactory()
    proposals = [ProposalFactory(candidacy=candidacy).pk for _ in range(10)]
    articles = max(1, annotations // ANNOTATIONS_PER_ARTICLE)
    text = "Le candidat promet la fibre partout et une cyber-réserve citoyenne. " * 20
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO articles_article (title, outlet, author, kind, url, published_on, language,
                 text, text_sha256, status, version, created, modified)
               SELECT 'Article ' || n, 'Le Monde', '', 'article', 'https://example.org/a/' || n,
                 DATE '2022-01-01' + (n %% 100), 'fr', %s || n, md5(n::text) || md5((n + 1)::text),
                 'published', 1, now(), now()
               FROM generate_series(1, %s) AS n""",
            [text, articles],
        )
        cursor.execute(
            """INSERT INTO articles_articlerevision (article_id, number, text, text_sha256, note, created)
               SELECT id, 1, text, text_sha256, '', now() FROM articles_article"""
        )
        cursor.execute(
            """INSERT INTO annotations_annotation (article_id, revision_id, author_id, exact, prefix,
                 suffix, start, "end", comment, comment_html, tags, status, status_before_orphan,
                 is_locked, hidden_reason, version, created, modified)
               SELECT r.article_id, r.id, %s, 'la fibre partout', 'Le candidat promet ',
                 ' et une cyber-réserve', 19, 35, 'Promesse à vérifier n° ' || k,
                 '<p>Promesse à vérifier n° ' || k || '</p>',
                 ARRAY['fibre', 'réseaux'], 'approved', '', false, '', 1, now(), now()
               FROM articles_articlerevision r CROSS JOIN generate_series(1, %s) AS k""",
            [author.pk, ANNOTATIONS_PER_ARTICLE],
        )
        cursor.execute(
            """INSERT INTO review_annotationevent (annotation_id, actor_id, action, from_state,
                 to_state, comment, created)
               SELECT id, %s, 'approve', 'submitted', 'approved', '', now()
               FROM annotations_annotation""",
            [reviewer.pk],
        )
        cursor.execute(
            """INSERT INTO annotations_annotation_proposals (annotation_id, proposal_id)
               SELECT id, (%s::bigint[])[1 + id %% 10] FROM annotations_annotation""",
            [proposals],
        )
        cursor.execute("ANALYZE")
    print(f"generated {annotations:,} annotations on {articles:,} articles", flush=True)
    return requester.pk


BASELINE_FIELDS = (
    "id",
    "article_id",
    "article__title",
    "article__outlet",
    "article__url",
    "article__published_on",
    "article__text_sha256",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "comment",
    "tags",
    "author__username",
)


def baseline_rows(queryset):  # type: ignore[no-untyped-def]
    """The rows every export reads, as plain columns: annotation, article and author columns, the
    linked proposal ids, the approving reviewers and the last approval time (correlated
    subqueries, index lookups). What the exports add to this is formatting."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef, Subquery

    from annotator.exports.source import ProposalLink
    from annotator.review.models import AnnotationEvent

    links = (
        ProposalLink.objects.filter(annotation_id=OuterRef("pk"))
        .order_by("proposal_id")
        .values("proposal_id")
    )
    approvals = AnnotationEvent.objects.filter(
        annotation_id=OuterRef("pk"), action=AnnotationEvent.Action.APPROVE
    )
    return queryset.annotate(
        proposal_ids=ArraySubquery(links),
        reviewer_names=ArraySubquery(approvals.order_by("created", "id").values("actor__username")),
        approved_at=Subquery(approvals.order_by("-created", "-id").values("created")[:1]),
    ).values_list(*BASELINE_FIELDS, "proposal_ids", "reviewer_names", "approved_at")


def time_copy(requester_id: int) -> tuple[float, int]:
    """PostgreSQL's COPY of the rows the exports read (`baseline_rows`), in one statement."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotator.exports.source import annotations_for

    requester = get_user_model().objects.get(pk=requester_id)
    sql, params = baseline_rows(
        annotations_for(filters={"verified_only": True}, requester=requester)
    ).query.sql_with_params()
    connection.ensure_connection()
    started = time.perf_counter()
    size = 0
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy,
    ):
        for block in copy:
            size += len(block)
    return time.perf_counter() - started, size


def run_job_in_this_process(job_id: int) -> None:
    """Child mode: run one export like a worker would and report time and peak memory."""
    from annotator.celery import load_url_configuration
    from annotator.exports.models import ExportJob
    from annotator.exports.services import export_run

    load_url_configuration()  # as a worker process does when it starts
    started, cpu_started = time.perf_counter(), time.process_time()
    export_run(job_id=job_id)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    job = ExportJob.objects.get(pk=job_id)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": peak_mb,
                "state": job.state,
                "rows": job.row_count,
                "size": job.size,
                "error": job.error,
            }
        )
    )


def run_export(url: str, requester_id: int, format: str, export_root: Path) -> dict:
    from annotator.exports.filters import FILTER_KEYS
    from annotator.exports.models import ExportJob

    filters = {key: None for key in FILTER_KEYS} | {"verified_only": True}
    job = ExportJob.objects.create(requested_by_id=requester_id, format=format, filters=filters)
    env = {**os.environ, "DATABASE_URL": url, "EXPORT_ROOT": str(export_root)}
    output = subprocess.run(
        [sys.executable, __file__, "--run-job", str(job.pk)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--formats", default="jsonl,csv,w3c,claimreview,datapackage")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of COPY and of each export; the medians are printed (default 3)",
    )
    parser.add_argument("--run-job", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_job:
        setup_django(os.environ["DATABASE_URL"])
        run_job_in_this_process(args.run_job)
        return
    export_root = ROOT / ".local" / "bench-exports"
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; wall-clock medians of "
        f"{args.repeat} run(s), peak memory the highest of them"
    )
    print(
        f"{'annotations':>12} {'format':>12} {'seconds':>8} {'cpu s':>6} {'rows/s':>10} {'peak MB':>8} "
        f"{'MB out':>7} {'COPY s':>7} {'x COPY':>7}"
    )
    for size in args.sizes:
        from django.apps import apps

        if apps.ready:
            from django.db import connections

            connections.close_all()
        url = recreate_database()
        if not apps.ready:
            setup_django(url)
        requester_id = generate(size)
        copy_seconds = statistics.median(time_copy(requester_id)[0] for _ in range(args.repeat))
        for format in args.formats.split(","):
            runs = [run_export(url, requester_id, format, export_root) for _ in range(args.repeat)]
            assert all(run["state"] == "succeeded" for run in runs), runs
            result = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
            result["peak_mb"] = max(run["peak_mb"] for run in runs)
            print(
                f"{size:>12,} {format:>12} {result['seconds']:>8.2f} {result['cpu']:>6.2f} "
                f"{size / result['seconds']:>10,.0f} {result['peak_mb']:>8.0f} "
                f"{result['size'] / 1e6:>7.1f} {copy_seconds:>7.2f} "
                f"{result['seconds'] / copy_seconds:>7.2f}",
                flush=True,
            )
        for path in export_root.glob("export-*"):
            path.unlink()


if __name__ == "__main__":
    main()
