"""HTTP benchmarks in the configuration users get: `make run`'s web server and settings, the
benchmark workload (1,000 articles x 100 annotations by 20 fact-checkers), a sequential client.

    make bench                                  # every benchmark
    python -m annotator.lib.localservices exec -- .venv/bin/python bench/bench_http.py [options]

Options: `--rounds N` (measured requests per figure, default 300, after 20 warm-up ones),
`--only create,annotations,...`, `--profile DIR` (records a py-spy flame graph of the gunicorn
workers for each figure into DIR/<figure>.svg).

Prints, per request: p50, p95, the CPU time the gunicorn workers spent per request (from /proc:
what the server itself costs, which neighbours on a shared machine change less than wall time),
the number of SQL queries the request runs (counted in process by bench/queries.py, the same
code path) and the load average before and after, since the machine may be shared. Targets (issue 17, idle machine): create p50 <= 5 ms, one article's 100
annotations p50 <= 5 ms, list page p50 <= 10 ms, reader page (100 annotations) p50 <= 30 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Client, gunicorn, manage, p95, prepare

WARM_UP = 20
TARGETS = {"create": 5, "annotations": 5, "list_page": 10, "reader": 30}
LABELS = {
    "annotations": "one article's 100 annotations (API)",
    "reader": "reader page, 100 annotations",
    "list_page": "articles list page (50 rows)",
    "api_list": "articles list API, page of 10",
    "create": "create an annotation",
    "submit": "submit it for review",
    "review": "approve it (reviewer)",
}


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used (from /proc): the server's own cost of
    the requests, which neighbours on a shared machine change much less than wall time."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime and stime (fields 14 and 15 of stat)
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def cpu_per_request(before: dict[int, float], after: dict[int, float], rounds: int) -> str:
    """Milliseconds of CPU per request; "n/a" when a process ended meanwhile (its time is lost:
    a database connection older than CONN_MAX_AGE is replaced between requests)."""
    if set(before) - set(after):
        return "  n/a"
    total = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return f"{total * 1000 / rounds:5.1f}"


@contextlib.contextmanager
def profiled(base: str, name: str, directory: Path | None) -> Iterator[None]:
    """py-spy record of the gunicorn master and its workers while the block runs."""
    if directory is None:
        yield
        return
    from bench.common import gunicorn_pids

    pids = gunicorn_pids(base)
    directory.mkdir(parents=True, exist_ok=True)
    recorders = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--rate",
                "500",
                "--format",
                "flamegraph",
                "--output",
                str(directory / f"{name}-{n}.svg"),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n, pid in enumerate(pids)
    ]
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes the file and exits
        for recorder in recorders:
            recorder.wait(timeout=60)
        # Keep the flame graph of the worker that served the requests (the larger file).
        files = sorted(directory.glob(f"{name}-*.svg"), key=lambda p: p.stat().st_size)
        if files:
            files[-1].rename(directory / f"{name}.svg")
            for other in files[:-1]:
                other.unlink()


def database_pids() -> list[int]:
    """The PostgreSQL backends serving the bench database (the web workers' connections)."""
    from bench.common import BENCH_DB, _admin

    with _admin() as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [BENCH_DB]
        ).fetchall()
    return [pid for (pid,) in rows]


def measure(
    name: str, call: Callable[[int], float], rounds: int, queries: dict[str, int], base: str, args
) -> float:
    for i in range(WARM_UP):
        call(i)
    before = load()
    from bench.common import gunicorn_pids

    workers = gunicorn_pids(base)
    cpu_before, db_before = cpu_seconds(workers), cpu_seconds(database_pids())
    with profiled(base, name, args.profile):
        samples = [call(WARM_UP + i) for i in range(rounds)]
    cpu = cpu_per_request(cpu_before, cpu_seconds(workers), rounds)
    db_cpu = cpu_per_request(db_before, cpu_seconds(database_pids()), rounds)
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    target = TARGETS.get(name)
    verdict = f"target {target} ms: {'met' if p50 <= target else 'NOT met'}" if target else ""
    print(
        f"{LABELS[name]:<36}  p50 {p50:6.1f} ms  p95 {p95(samples):6.1f} ms  n={rounds}  "
        f"CPU/request: web {cpu} ms, PostgreSQL {db_cpu} ms  queries {queries.get(name, '?')}  "
        f"load {before} -> {load()}  {verdict}",
        flush=True,
    )
    return p50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    rounds = args.rounds

    info = prepare()
    article_id, target_id = info["article_id"], info["create_article_id"]
    print(f"data: {info['articles']} articles, {info['annotations']} annotations")
    out = manage("shell", "-c", f"from bench.queries import main; main({article_id}, {target_id})")
    queries = {k: int(v) for k, v in (w.split("=") for w in out.split()[-1].split(","))}
    print(f"load average {load()} (1/5/15 min) on {os.cpu_count()} CPUs")
    with gunicorn() as base:
        api = Client(base, "bench")
        pages = Client(base, "bench", session=True)
        reviewer = Client(base, "bench-reviewer")
        text = api.request("GET", f"/api/articles/{target_id}/")["text"]
        created: list[tuple[int, int]] = []

        def wanted(name: str) -> bool:
            return not only or name in only

        def timed(client: Client, method: str, path: str, body=None):  # type: ignore[no-untyped-def]
            return client.timed(method, path, body)

        figures = {
            "annotations": lambda i: timed(api, "GET", f"/api/annotations/?article={article_id}")[
                0
            ],
            "reader": lambda i: pages.timed_page(f"/articles/{article_id}/"),
            "list_page": lambda i: pages.timed_page("/articles/"),
            "api_list": lambda i: timed(api, "GET", "/api/articles/?page_size=10")[0],
        }
        for name, call in figures.items():
            if wanted(name):
                measure(name, call, rounds, queries, base, args)

        def create(i: int) -> float:
            start = 100 + (i * 37) % (len(text) - 400)
            end = start + 60
            body = {
                "article": target_id,
                "quote": {
                    "exact": text[start:end],
                    "prefix": text[max(0, start - 32) : start],
                    "suffix": text[end : end + 32],
                },
                "position": {"start": start, "end": end},
                "comment": "Chiffrage **à vérifier** : voir le rapport de la Cour des comptes.",
                "tags": ["bench-create"],
                "proposals": [],
            }
            ms, annotation = timed(api, "POST", "/api/annotations/", body)
            created.append((annotation["id"], annotation["version"]))
            return ms

        def submit(i: int) -> float:
            annotation_id, version = created[i]
            ms, state = timed(
                api, "POST", f"/api/annotations/{annotation_id}/submit/", {"version": version}
            )
            created[i] = (annotation_id, state["version"])
            return ms

        def review(i: int) -> float:
            annotation_id, version = created[i]
            body = {"decision": "approve", "comment": "", "version": version}
            return timed(reviewer, "POST", f"/api/annotations/{annotation_id}/reviews/", body)[0]

        if wanted("create") or wanted("submit") or wanted("review"):
            measure("create", create, rounds, queries, base, args)
        if wanted("submit") or wanted("review"):
            measure("submit", submit, rounds, queries, base, args)
        if wanted("review"):
            measure("review", review, rounds, queries, base, args)


if __name__ == "__main__":
    main()
