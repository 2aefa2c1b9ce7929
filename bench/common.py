"""Shared set-up for the HTTP benchmarks: a dedicated database with 1,000 articles x 100
annotations, a production-mode gunicorn on a free port, and an authenticated sequential client.

Run through `make bench` (which provides DATABASE_URL/REDIS_URL, embedded or not).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DB", "annotator_bench")
PASSWORD = "bench-password-1234"  # noqa: S105 - local benchmark account


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def bench_env(**extra: str) -> dict[str, str]:
    static_root = Path(tempfile.gettempdir()) / "annotator-bench-static"
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def ensure_database() -> None:
    import psycopg

    admin_url = os.environ["DATABASE_URL"]
    from annotator.lib.env import database_from_url

    cfg = database_from_url(admin_url)
    with psycopg.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def manage(*args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bench_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(articles: int = 1000, per_article: int = 100) -> dict[str, Any]:
    """Create (once) the bench database and its data; returns ids the benchmarks use."""
    ensure_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    out = manage(
        "shell", "-c", f"from bench.data import generate; generate({articles}, {per_article})"
    )
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(workers: int = 2) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "annotator.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=bench_env(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class Client:
    """A sequential token-authenticated client (urllib, keep it simple and cheap)."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        token = self.request(
            "POST", "/api/auth/token/", {"username": username, "password": PASSWORD}, auth=False
        )
        self.token = token["token"]

    def request(
        self, method: str, path: str, body: Any = None, *, auth: bool = True, raw: bool = False
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Token {self.token}")
        with urllib.request.urlopen(req, timeout=60) as response:
            payload = response.read()
        return payload if raw else json.loads(payload)

    def timed(
        self, method: str, path: str, body: Any = None, *, raw: bool = False
    ) -> tuple[float, Any]:
        start = time.perf_counter()
        result = self.request(method, path, body, raw=raw)
        return (time.perf_counter() - start) * 1000, result


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, n={len(ordered)}"
