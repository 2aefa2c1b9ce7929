"""Shared set-up for the HTTP benchmarks: a database with 1,000 articles x 100 annotations copied
from a cached template, the web server exactly as `make run` starts it, and a sequential
authenticated client.

Run through `make bench` (which provides DATABASE_URL/REDIS_URL, embedded or not).

- The workload is generated once into `<BENCH_DB>_template` (bench/data.py, bulk INSERTs, then
  ANALYZE) and copied with `CREATE DATABASE ... TEMPLATE` (a file copy, a few seconds) before
  every run: each run measures the same data, whatever the previous run created.
- The server is `make run`'s: the environment of `annotator.lib.localrun.run_environment`
  (production settings, DEBUG off, loopback HTTP) and its gunicorn command line
  (`annotator.lib.localrun.web_command`), only the database and the port differ.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.lib.localrun import run_environment, web_command  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB", "annotator_bench")
PASSWORD = "bench-password-1234"  # noqa: S105 - local benchmark account
# Bump when bench/data.py changes what it generates: the cached template is then rebuilt.
DATA_VERSION = "4"


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench_env(**extra: str) -> dict[str, str]:
    """`make run`'s environment (production settings) on the bench database."""
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ANNOTATOR_TESTING")}
    env = run_environment({**base, "DATABASE_URL": database_url(BENCH_DB)})
    env["LOG_LEVEL"] = "WARNING"
    env.update(extra)
    return env


def _admin() -> Any:
    import psycopg

    from annotator.lib.env import database_from_url

    cfg = database_from_url(os.environ["DATABASE_URL"])
    return psycopg.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        autocommit=True,
    )


def _drop(conn: Any, name: str) -> None:
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
    )
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def manage(*args: str, database: str = BENCH_DB) -> str:
    env = bench_env(DATABASE_URL=database_url(database))
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(articles: int = 1000, per_article: int = 100) -> dict[str, Any]:
    """A fresh copy of the cached workload in BENCH_DB; returns the ids the benchmarks use."""
    template = f"{BENCH_DB}_template"
    marker = f"annotator bench v{DATA_VERSION} {articles}x{per_article}"
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        ).fetchone()
        if row is None or row[0] != marker:
            print(f"generating the workload into {template} (once)…", flush=True)
            _drop(conn, template)
            conn.execute(f'CREATE DATABASE "{template}"')
            manage("migrate", "--noinput", "-v", "0", database=template)
            manage(
                "shell",
                "-c",
                f"from bench.data import analyze, generate; generate({articles}, {per_article}); "
                "analyze()",
                database=template,
            )
            conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{marker}'")
        _drop(conn, BENCH_DB)
        conn.execute(f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{template}"')
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    out = manage(
        "shell",
        "-c",
        "import json; from annotator.articles.models import Article as A; "
        "from annotator.annotations.models import Annotation as N; "
        "ids = dict(A.objects.filter(title__in=['Bench 0000', 'Bench 0001'])"
        ".values_list('title', 'id')); "
        "print(json.dumps({'article_id': ids['Bench 0000'], 'create_article_id': ids['Bench 0001'],"
        " 'articles': A.objects.count(), 'annotations': N.objects.count()}))",
    )
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn() -> Iterator[str]:
    """The web process of `make run` (same command line and environment) on a free port."""
    port = free_port()
    proc = subprocess.Popen(
        web_command(sys.executable, port),
        cwd=ROOT,
        env=bench_env(PORT=str(port)),
        stdout=subprocess.DEVNULL,  # the access log make run prints to the terminal
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def gunicorn_pids(base: str) -> list[int]:
    """The worker processes serving `base` (children of its gunicorn master)."""
    port = urlsplit(base).port
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines()[1:]]
    masters = {r[0] for r in rows if len(r) == 3 and "gunicorn" in r[2] and f":{port}" in r[2]}
    return [int(r[0]) for r in rows if len(r) == 3 and r[1] in masters]


class Client:
    """A sequential client on one keep-alive connection (as an API client library keeps one),
    authenticated by token or, for pages, by the session of the real login form."""

    def __init__(self, base: str, username: str, *, session: bool = False) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.headers: dict[str, str] = {}
        self.cookies: dict[str, str] = {}
        if session:
            self._login(username)
        else:
            token = self.request(
                "POST", "/api/auth/token/", {"username": username, "password": PASSWORD}
            )
            self.headers["Authorization"] = f"Token {token['token']}"

    def _login(self, username: str) -> None:
        import re

        _status, form = self.raw("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1).decode()  # type: ignore[union-attr]
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        self.raw(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self._url("/")},
        )
        if "sessionid" not in self.cookies:
            raise RuntimeError(f"could not log in as {username}")

    def _url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def raw(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()  # the server closed the kept-alive connection: reconnect once
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, payload

    def _sent(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        status, payload = self.raw(
            method, path, data, {"Content-Type": "application/json", **headers}
        )
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status} {payload[:300]!r}")
        return status, payload

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        _status, payload = self._sent(method, path, body, headers)
        return json.loads(payload) if payload else None

    def timed(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[float, Any]:
        """The request's latency, from sending it to reading its last byte (as `timed_page`):
        decoding the JSON afterwards is the client's own work (0.3-0.5 ms for an 85 kB list),
        not the server's answer time. Returns the decoded body too."""
        start = time.perf_counter()
        _status, payload = self._sent(method, path, body, headers)
        elapsed = (time.perf_counter() - start) * 1000
        return elapsed, json.loads(payload) if payload else None

    def timed_page(self, path: str) -> float:
        start = time.perf_counter()
        status, _ = self.raw("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return (time.perf_counter() - start) * 1000


def p95(samples_ms: list[float]) -> float:
    ordered = sorted(samples_ms)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def percentiles(samples_ms: list[float]) -> str:
    return (
        f"p50 {statistics.median(samples_ms):.1f} ms, p95 {p95(samples_ms):.1f} ms, "
        f"n={len(samples_ms)}"
    )
