"""Real Celery workers in subprocesses for the end-to-end export tests, against the test database
and this test process's queue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The test database (test_<name>, per xdist process) as a DATABASE_URL."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host, port = s["HOST"] or "", str(s["PORT"] or "")
    if host.startswith("/"):
        netloc = f"{auth}@:{port}" if port else f"{auth}@"
        return f"postgres://{netloc}/{quote(s['NAME'])}?host={quote(host)}"
    return f"postgres://{auth}@{host}:{port or 5432}/{quote(s['NAME'])}"


def queue_name() -> str:
    return getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")


class Worker:
    """`celery worker` in its own process group, so that SIGKILL takes the pool child too."""

    def __init__(self, log: Path, **env: Any) -> None:
        self.log = log
        environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": env.pop("REDIS_URL", settings.REDIS_URL),
            "ANNOTATOR_TESTING": "1",
            "EXPORT_ROOT": str(settings.EXPORT_ROOT),
            **{key: str(value) for key, value in env.items()},
        }
        environment.pop("PYTEST_XDIST_WORKER", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "annotator",
                "worker",
                "-Q",
                queue_name(),
                "--pool",
                "prefork",
                "-c",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                "-n",
                f"exports-{os.getpid()}-{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool child), as an OOM killer would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def wait_for(
    condition: Callable[[], Any],
    *,
    timeout: float = 60,
    what: str = "",
    worker: Worker | None = None,
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    details = worker.output() if worker else ""
    raise AssertionError(f"timed out waiting for {what}\n{details}")
