"""`make run`'s process supervision: a dead worker comes back, SIGTERM stops everything."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from annotator.lib.localrun import run_environment

ROOT = Path(__file__).resolve().parents[2]
STRIPPED = {"SECRET_KEY", "DEBUG", "PYTEST_XDIST_WORKER", "ANNOTATOR_TESTING", "LOCAL_HTTP"}

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): read its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _wait_for(condition, timeout: float, step: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def _pid(run_dir: Path, name: str) -> int | None:
    try:
        return int((run_dir / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None


def _healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as answer:
            return int(answer.status)
    except OSError:
        return None


def test_a_killed_worker_is_restarted_while_the_web_keeps_answering_and_sigterm_stops_all(
    tmp_path,
):
    port, stream_port = _free_port(), _free_port()
    base = {k: v for k, v in os.environ.items() if k not in STRIPPED}
    env = run_environment(
        {
            **base,
            "PORT": str(port),
            "LIVE_STREAM_PORT": str(stream_port),
            "ANNOTATOR_LOCAL_DIR": str(tmp_path),
        },
        local=tmp_path,
    )
    run_dir = tmp_path / "run"
    root = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "annotator.lib.localservices",
            "exec",
            "--",
            sys.executable,
            "manage.py",
            "devrun",
            "--no-setup",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: _healthz(port) == 200, timeout=90), "web never answered"
        assert _wait_for(lambda: _healthz(stream_port) == 200, timeout=30), "no stream server"
        pids = {
            name: _wait_for(lambda n=name: _pid(run_dir, n), timeout=10)
            for name in ("web", "live", "worker", "beat")
        }
        assert all(pids.values()), pids

        os.kill(pids["worker"], signal.SIGKILL)
        replaced = _wait_for(
            lambda: (p := _pid(run_dir, "worker")) and p != pids["worker"] and _alive(p) and p,
            timeout=15,
        )
        assert replaced, "the worker was not restarted"
        assert _healthz(port) == 200
        assert _pid(run_dir, "web") == pids["web"] and _alive(pids["web"])
        assert _alive(pids["beat"]) and _alive(pids["live"])

        root.send_signal(signal.SIGTERM)
        assert root.wait(timeout=40) == 0, (
            root.stderr.read().decode()[-2000:] if root.stderr else ""
        )
        for pid in (pids["web"], pids["live"], replaced, pids["beat"]):
            assert _wait_for(lambda p=pid: not _alive(p), timeout=5), pid
        assert _healthz(port) is None and _healthz(stream_port) is None
    finally:
        if root.poll() is None:
            os.killpg(root.pid, signal.SIGKILL)
            root.wait()


def test_sigterm_on_the_run_command_stops_the_embedded_services_it_started(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", *STRIPPED}}
    env["ANNOTATOR_LOCAL_DIR"] = str(tmp_path)
    root = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "annotator.lib.localservices",
            "exec",
            "--",
            sys.executable,
            "-c",
            "import time; time.sleep(120)",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    pidfile = tmp_path / "redis" / "redis.pid"
    try:
        redis_pid = _wait_for(
            lambda: pidfile.exists() and int(pidfile.read_text() or 0), timeout=30
        )
        assert redis_pid and _alive(redis_pid)
        time.sleep(0.5)  # the command has started
        root.send_signal(signal.SIGTERM)
        root.wait(timeout=30)
        assert _wait_for(lambda: not _alive(redis_pid), timeout=10), "embedded Redis left running"
        assert not pidfile.exists()
    finally:
        if root.poll() is None:
            os.killpg(root.pid, signal.SIGKILL)
            root.wait()
