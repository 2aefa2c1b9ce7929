"""Real web processes for the live tests: gunicorn with uvicorn workers (as `make run` and
docker-compose serve the app) on the test database, and a small Server-Sent Events reader."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class WebProcess:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_web(
    *,
    redis_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    wsgi: bool = False,
    port: int | None = None,
) -> WebProcess:
    """One gunicorn master with one uvicorn worker on a free port, on this test's database; with
    `wsgi`, the pages and API server of `make run` instead (threaded WSGI workers)."""
    # The URL the tests were given (TCP or a Unix socket of the embedded server), on the test
    # database this process created.
    name = connection.settings_dict["NAME"]
    database_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url or settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1",
        "ANNOTATOR_TESTING": "1",
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    log = ROOT / "test-artifacts" / f"web-{port}.log"
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *(
                ("annotator.wsgi:application", "--worker-class", "gthread", "--threads", "4")
                if wsgi
                else (
                    "annotator.asgi:application",
                    "--worker-class",
                    "uvicorn_worker.UvicornWorker",
                )
            ),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    web = WebProcess(port=port, process=process, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{web.url}/healthz", timeout=1):  # noqa: S310
                return web
        except urllib.error.HTTPError:
            return web  # answering (503 when its Redis is down on purpose)
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    web.stop()
    raise RuntimeError(f"the web process did not start: {log.read_text()[-2000:]}")


def session_cookie(user: Any) -> str:
    """A session for `user` in the test database, usable by any web process."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass
class Stream:
    """A Server-Sent Events connection read by a thread into a queue of (event, id, data)."""

    web: WebProcess
    cookie: str
    query: str = ""
    last_event_id: int | None = None
    events: queue.Queue[tuple[str, int | None, Any]] = field(default_factory=queue.Queue)
    raw: list[str] = field(default_factory=list)
    status: int | None = None
    received: list[tuple[str, int | None, Any]] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.web.port, timeout=60)
        headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}",
            "Accept": "text/event-stream",
        }
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        self.conn.request("GET", f"/live/stream/?{self.query}", headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.thread = threading.Thread(target=self._read, daemon=True)
        if self.status == 200:
            self.thread.start()

    def _read(self) -> None:
        name, event_id, data = "message", None, []
        try:
            for raw_line in self.response:
                line = raw_line.decode().rstrip("\n")
                self.raw.append(line)
                if line == "":
                    if data:
                        self.events.put((name, event_id, json.loads("\n".join(data))))
                    name, event_id, data = "message", None, []
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("id: "):
                    event_id = int(line[4:])
                elif line.startswith("data: "):
                    data.append(line[6:])
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return

    def next(
        self, name: str | None = None, *, timeout: float = 5.0, where: Any = None
    ) -> tuple[str, int | None, Any]:
        """The first event not taken yet (named `name`, satisfying `where`), in arrival order;
        events skipped stay available. AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.all()):
                if index in self.taken:
                    continue
                if (name is None or event[0] == name) and (where is None or where(event[2])):
                    self.taken.add(index)
                    return event
            if time.monotonic() > deadline:
                raise AssertionError(f"no {name or 'event'} within {timeout} s")
            time.sleep(0.05)

    def all(self, seconds: float = 0.0) -> list[tuple[str, int | None, Any]]:
        """Every event received so far (after waiting `seconds`)."""
        time.sleep(seconds)
        while True:
            try:
                self.received.append(self.events.get_nowait())
            except queue.Empty:
                return list(self.received)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.conn.sock:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()
