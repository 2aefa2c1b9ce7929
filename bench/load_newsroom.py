"""Load: 50 simulated newsroom members for 2 minutes against gunicorn (issue 15, part 7).

35 fact-checkers read the article list, an article and its annotations, annotate a passage
(with an Idempotency-Key, retried once on a network error), submit it, and now and then request
an export and read its state; 15 reviewers read the submitted queue and approve what is theirs
to review (each reviewer owns the annotations whose id modulo 15 is theirs, so two reviewers
never race on one: a 409 would be a defect here, not a business answer). Each user has its own
keep-alive connection and a think time of 0.3-1.2 s (seeded).

Prints per endpoint p50/p95 and counts, every error (status >= 400, network errors), the load
average, then reconciles the database with what the clients were told: annotations created,
submitted, reviews recorded, export jobs, each counted once (nothing lost, nothing doubled).
Exits non-zero on any error or mismatch.

    DATABASE_URL=... REDIS_URL=... python bench/load_newsroom.py [--users 50] [--seconds 120]

Served as in production (DEBUG off, `gunicorn -c python:annotator.gunicorn_conf`, 2 workers x 4
threads); the load database is `contract_load` (LOAD_DB), 200 articles x 20 annotations. No
Celery worker runs: export requests are counted as jobs saved (the queue is not the subject).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB", os.environ.get("LOAD_DB", "contract_load"))

# bench.common reads BENCH_DB when imported: the load run's database is set first.
from bench.common import bench_env, free_port, manage, prepare  # noqa: E402

FACT_CHECKERS = 35
REVIEWERS = 15
PREFIX = "load-"
# Idempotency keys are unique per run: a key of an earlier run would (rightly) be replayed.
RUN_ID = uuid.uuid4().hex[:12]

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from annotator.lib.auth_tokens import token_issue
users = get_user_model().objects
tokens = {}
for role, count in (("fact-checker", %(fc)d), ("reviewer", %(rev)d)):
    for n in range(count):
        user, _ = users.get_or_create(username=f"%(prefix)s{role}-{n:02d}")
        user.groups.set([Group.objects.get(name=role)])
        tokens[user.username] = [role, user.pk, token_issue(user=user).key]
print(json.dumps(tokens))
"""

RECONCILE = """
import json
from annotator.annotations.models import Annotation
from annotator.exports.models import ExportJob
from annotator.review.models import AnnotationEvent
mine = Annotation.objects.filter(author__username__startswith="%(prefix)s", created__gte="%(since)s")
print(json.dumps({
    "created": mine.count(),
    "submitted_or_later": mine.exclude(status="draft").count(),
    "reviews": AnnotationEvent.objects.filter(
        action="approve", actor__username__startswith="%(prefix)s", created__gte="%(since)s"
    ).count(),
    "approved": Annotation.objects.filter(
        status="approved",
        events__action="approve",
        events__actor__username__startswith="%(prefix)s",
        events__created__gte="%(since)s",
    ).distinct().count(),
    "exports": ExportJob.objects.filter(
        requested_by__username__startswith="%(prefix)s", created__gte="%(since)s"
    ).count(),
}))
"""


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.counts: dict[str, int] = defaultdict(int)

    def record(self, label: str, ms: float, status: int, expected: tuple[int, ...]) -> None:
        with self.lock:
            self.samples[label].append(ms)
            if status not in expected:
                self.errors.append(f"{label}: HTTP {status}")

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class User:
    """One simulated member: its own keep-alive connection and token."""

    def __init__(self, port: int, token: str, stats: Stats, seed: int) -> None:
        self.port = port
        self.token = token
        self.stats = stats
        self.rng = random.Random(seed)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(
        self,
        label: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        expected: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        retry: bool = False,
    ) -> tuple[int, Any]:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        all_headers.update(headers or {})
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=payload, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.stats.error(f"{label}: network error {type(exc).__name__}: {exc}")
                if retry and attempt == 1:
                    continue
                return 0, None
            ms = (time.perf_counter() - start) * 1000
            self.stats.record(label, ms, response.status, expected)
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
            return response.status, json.loads(data) if data else None
        return 0, None

    def think(self) -> None:
        time.sleep(self.rng.uniform(0.3, 1.2))


def fact_checker(user: User, articles: list[int], until: float, stats: Stats) -> None:
    while time.monotonic() < until:
        user.call("GET /api/articles/", "GET", "/api/articles/?page_size=20")
        article_id = user.rng.choice(articles)
        status, article = user.call(
            "GET /api/articles/{id}/", "GET", f"/api/articles/{article_id}/"
        )
        user.call(
            "GET /api/annotations/?article=",
            "GET",
            f"/api/annotations/?article={article_id}&page_size=200",
        )
        user.think()
        if status != 200:
            continue
        text = article["text"]
        start = user.rng.randrange(0, len(text) - 120)
        end = start + user.rng.randrange(20, 100)
        body = {
            "article": article_id,
            "quote": {"exact": text[start:end]},
            "position": {"start": start, "end": end},
            "comment": "Chiffre à vérifier (charge).",
            "tags": ["load"],
        }
        key = f"load-{RUN_ID}-{user.rng.getrandbits(64):016x}"
        status, created = user.call(
            "POST /api/annotations/",
            "POST",
            "/api/annotations/",
            body,
            expected=(201, 200),
            headers={"Idempotency-Key": key},
            retry=True,
        )
        if status == 201:
            stats.count("created")
        elif status == 200:
            stats.count("replayed")  # a retry answered with the first creation, not a second
        else:
            continue
        user.think()
        status, _state = user.call(
            "POST /api/annotations/{id}/submit/",
            "POST",
            f"/api/annotations/{created['id']}/submit/",
            {"version": created["version"]},
        )
        if status == 200:
            stats.count("submitted")
        if user.rng.random() < 0.1:
            status, job = user.call(
                "POST /api/exports/",
                "POST",
                "/api/exports/",
                {"format": "jsonl", "filters": {"article": article_id}},
                expected=(202,),
            )
            if status == 202:
                stats.count("exports")
                user.call("GET /api/exports/{id}/", "GET", f"/api/exports/{job['id']}/")
        user.think()


def reviewer(user: User, index: int, until: float, stats: Stats) -> None:
    reviewed: set[int] = set()
    while time.monotonic() < until:
        status, page = user.call(
            "GET /api/annotations/?status=submitted",
            "GET",
            "/api/annotations/?status=submitted&tag=load&page_size=200",
        )
        mine = [
            a
            for a in (page or {}).get("results", [])
            if a["id"] % REVIEWERS == index and a["id"] not in reviewed
        ]
        for annotation in mine[:3]:
            status, _ = user.call(
                "POST /api/annotations/{id}/reviews/",
                "POST",
                f"/api/annotations/{annotation['id']}/reviews/",
                {"decision": "approve", "comment": "Vérifié.", "version": annotation["version"]},
                expected=(201,),
            )
            if status == 201:
                stats.count("reviews")
                reviewed.add(annotation["id"])
            user.think()
        user.think()


@contextlib.contextmanager
def served(port: int) -> Iterator[None]:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", "python:annotator.gunicorn_conf"),
            *("annotator.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--log-level", "warning"),
        ],
        cwd=ROOT,
        env=bench_env(GUNICORN_WORKERS="2", GUNICORN_THREADS="4"),
    )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=FACT_CHECKERS + REVIEWERS)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    reviewers = max(1, round(args.users * REVIEWERS / (FACT_CHECKERS + REVIEWERS)))
    checkers = args.users - reviewers

    info = prepare(articles=200, per_article=20)
    tokens = json.loads(
        manage("shell", "-c", SETUP % {"fc": checkers, "rev": reviewers, "prefix": PREFIX})
        .strip()
        .splitlines()[-1]
    )
    articles_out = manage(
        "shell",
        "-c",
        "import json; from annotator.articles.models import Article; "
        "print(json.dumps(list(Article.objects.filter(title__startswith='Bench ')"
        ".values_list('id', flat=True)[:200])))",
    )
    articles = json.loads(articles_out.strip().splitlines()[-1])
    since = manage("shell", "-c", "from django.utils import timezone; print(timezone.now())")
    since = since.strip().splitlines()[-1]
    print(f"data: {info['articles']} articles, {info['annotations']} annotations")
    print(f"users: {checkers} fact-checkers, {reviewers} reviewers, {args.seconds:.0f} s")

    stats = Stats()
    port = free_port()
    with served(port):
        load_before = os.getloadavg()
        until = time.monotonic() + args.seconds
        threads = []
        by_role: dict[str, list[str]] = defaultdict(list)
        for name, (role, _pk, _key) in sorted(tokens.items()):
            by_role[role].append(name)
        for n, name in enumerate(by_role["fact-checker"][:checkers]):
            user = User(port, tokens[name][2], stats, seed=n)
            threads.append(
                threading.Thread(target=fact_checker, args=(user, articles, until, stats))
            )
        for n, name in enumerate(by_role["reviewer"][:reviewers]):
            user = User(port, tokens[name][2], stats, seed=1000 + n)
            threads.append(threading.Thread(target=reviewer, args=(user, n, until, stats)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()

    total = sum(len(s) for s in stats.samples.values())
    print(
        f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} "
        f"(1 min) on {os.cpu_count()} CPUs"
    )
    print(f"{total} requests in {elapsed:.0f} s ({total / elapsed:.1f} req/s)")
    for label, samples in sorted(stats.samples.items()):
        print(
            f"  {label:42s} n={len(samples):5d}  p50 {percentile(samples, 0.5):7.1f} ms"
            f"  p95 {percentile(samples, 0.95):7.1f} ms  max {max(samples):7.1f} ms"
        )
    print(f"errors: {len(stats.errors)}")
    for line in sorted(set(stats.errors))[:20]:
        print(f"  {line} (x{stats.errors.count(line)})")

    db = json.loads(
        manage("shell", "-c", RECONCILE % {"prefix": PREFIX, "since": since})
        .strip()
        .splitlines()[-1]
    )
    told = dict(stats.counts)
    retried_posts = sum(1 for e in stats.errors if e.startswith("POST /api/annotations/: network"))
    checks = {
        "annotations created": (told.get("created", 0), db["created"]),
        "creations replayed <= retries": (
            min(told.get("replayed", 0), retried_posts),
            told.get("replayed", 0),
        ),
        "annotations submitted": (told.get("submitted", 0), db["submitted_or_later"]),
        "reviews recorded": (told.get("reviews", 0), db["reviews"]),
        "annotations approved": (told.get("reviews", 0), db["approved"]),
        "export jobs": (told.get("exports", 0), db["exports"]),
    }
    mismatches = 0
    for name, (clients, database) in checks.items():
        ok = clients == database
        mismatches += not ok
        verdict = "ok" if ok else "MISMATCH"
        print(f"  {name:24s} clients told {clients:5d}, database holds {database:5d}  {verdict}")
    print(f"replayed creations (retries answered by Idempotency-Key): {told.get('replayed', 0)}")
    return 1 if stats.errors or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
