"""`manage.py devrun`: the body of `make run`.

Migrates, loads the seed corpus and demo users (idempotent), then runs the web server (gunicorn,
WSGI, on 127.0.0.1:PORT: pages and API), the live stream server (gunicorn + uvicorn, ASGI, on
127.0.0.1:LIVE_STREAM_PORT), a Celery worker and Celery beat under a small supervisor:

- a process that dies is restarted (at most MAX_RESTARTS times within RESTART_WINDOW seconds,
  after which everything stops with an error), and the others keep running meanwhile;
- SIGTERM or SIGINT (Ctrl-C) stops them all (SIGTERM, then SIGKILL after 20 s) and returns, so
  `localservices exec` can then stop the embedded PostgreSQL and Redis;
- each child's pid is kept in `.local/run/<name>.pid` while it runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.demo import DEMO_USERS, create_demo_activity, create_demo_users, demo_password
from annotator.lib.localrun import live_command, web_command

MAX_RESTARTS = 5
RESTART_WINDOW = 60.0
STOP_TIMEOUT = 20.0


def process_commands(port: int, beat_schedule: str, stream_port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": web_command(python, port),
        "live": live_command(python, stream_port),
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "annotator",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "-O",
            "fair",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "annotator",
            "beat",
            "--loglevel",
            "WARNING",
            "--schedule",
            beat_schedule,
        ],
    }


class Supervisor:
    """Starts named processes, restarts the ones that die, stops them all on request."""

    def __init__(self, commands: dict[str, list[str]], *, run_dir: Path, log: Any):
        self.commands = commands
        self.run_dir = run_dir
        self.log = log
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, list[float]] = {name: [] for name in commands}
        self.stopping = False

    def start(self, name: str) -> None:
        self.procs[name] = subprocess.Popen(self.commands[name])  # noqa: S603 - fixed commands
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / f"{name}.pid").write_text(f"{self.procs[name].pid}\n")

    def request_stop(self, signum: int, _frame: Any) -> None:
        self.stopping = True

    def run(self) -> int:
        for name in self.commands:
            self.start(name)
        while not self.stopping:
            for name, proc in list(self.procs.items()):
                if self.stopping or proc.poll() is None:
                    continue
                now = time.monotonic()
                recent = [t for t in self.restarts[name] if now - t < RESTART_WINDOW]
                if len(recent) >= MAX_RESTARTS:
                    self.log(f"{name} exited {len(recent) + 1} times in a minute; stopping.")
                    self.stop()
                    return 1
                self.restarts[name] = [*recent, now]
                self.log(f"{name} exited with status {proc.returncode}; restarting it.")
                self.start(name)
            time.sleep(0.2)
        self.stop()
        return 0

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for name in self.procs:
            (self.run_dir / f"{name}.pid").unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Set up the local database and run web + live + worker + beat until SIGTERM or Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-setup", action="store_true", help="skip migrate/seed/demo users")

    def handle(self, *args: Any, no_setup: bool = False, **options: Any) -> None:
        if not no_setup:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_seed")
            create_demo_users(demo_password())
            created = create_demo_activity()
            if created:
                self.stdout.write(
                    f"Demo activity: {created} annotations, a few ratings and verdicts"
                )
        if not settings.DEBUG:
            # Production mode: whitenoise serves the hashed, compressed files of STATIC_ROOT.
            call_command("collectstatic", interactive=False, verbosity=0)
        port = settings.PORT
        local = Path(os.environ.get("ANNOTATOR_LOCAL_DIR") or Path(settings.BASE_DIR) / ".local")
        supervisor = Supervisor(
            process_commands(
                port, str(local / "celerybeat-schedule"), settings.LIVE_STREAM_PORT or port + 1
            ),
            run_dir=local / "run",
            log=lambda message: self.stderr.write(self.style.WARNING(message)),
        )
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        os.environ.setdefault("PYTHONUNBUFFERED", "1")
        self.banner(port)
        status = supervisor.run()
        self.stdout.write("Stopped web, live stream, worker and beat.")
        if status:
            raise CommandError("a process kept exiting; see the messages above", returncode=status)

    def banner(self, port: int) -> None:
        password = demo_password()
        mode = (
            "development mode (DEBUG=1: tracebacks on error pages)"
            if settings.DEBUG
            else "production mode (DEBUG off; `DEBUG=1 make run` for development)"
        )
        lines = [
            "",
            f"  Annotator is running at http://127.0.0.1:{port}/ in {mode}",
            f"  API docs: http://127.0.0.1:{port}/api/docs/   Admin: http://127.0.0.1:{port}/admin/",
            f"  Live updates are streamed from port {settings.LIVE_STREAM_PORT or port + 1}.",
            "",
            "  Demo logins (password for all: " + password + "):",
        ]
        lines += [f"    {username:<14} {role or 'superuser'}" for username, role, _ in DEMO_USERS]
        lines += ["", "  Press Ctrl-C to stop.", ""]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
