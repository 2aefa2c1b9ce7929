"""`manage.py devrun`: the body of `make run`.

Migrates, loads the seed corpus and demo users (idempotent), then runs the web server, a Celery
worker and Celery beat side by side until Ctrl-C, which stops all three.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from annotator.demo import DEMO_USERS, create_demo_activity, create_demo_users, demo_password


class Command(BaseCommand):
    help = "Set up the dev database and run web + worker + beat until Ctrl-C."

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
        port = settings.PORT
        python = sys.executable
        env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
        beat_schedule = os.path.join(settings.BASE_DIR, ".local", "celerybeat-schedule")
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "annotator.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
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
        if env["DEBUG"] in ("1", "true", "True", "yes", "on"):
            call_command("collectstatic", interactive=False, verbosity=0)
        procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603
        time.sleep(1.5)
        self.banner(port)
        try:
            while all(proc.poll() is None for proc in procs.values()):
                time.sleep(0.5)
            dead = [name for name, proc in procs.items() if proc.poll() is not None]
            self.stderr.write(self.style.ERROR(f"stopped: {', '.join(dead)} exited"))
        except KeyboardInterrupt:
            self.stdout.write("\nStopping web, worker and beat…")
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs.values():
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def banner(self, port: int) -> None:
        password = demo_password()
        lines = [
            "",
            f"  Annotator is running at http://127.0.0.1:{port}/",
            f"  API docs: http://127.0.0.1:{port}/api/docs/   Admin: http://127.0.0.1:{port}/admin/",
            "",
            "  Demo logins (password for all: " + password + "):",
        ]
        lines += [f"    {username:<14} {role or 'superuser'}" for username, role, _ in DEMO_USERS]
        lines += ["", "  Press Ctrl-C to stop.", ""]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
