"""The ASGI server keeps a PostgreSQL connection pool per process; everything else does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from django.conf import settings as s; d = s.DATABASES['default']; "
    "print('DB', d['CONN_MAX_AGE'], d.get('OPTIONS', {}).get('pool'))"
)


def _settings_line(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_POOL"}
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env={**base, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    return next(line for line in shown.stdout.splitlines() if line.startswith("DB "))


def test_the_pool_is_on_only_when_asked_for_with_no_persistent_connections():
    assert _settings_line() == "DB 60 None"
    assert _settings_line(DATABASE_POOL="1", DATABASE_POOL_SIZE="4") == (
        "DB 0 {'min_size': 2, 'max_size': 4, 'timeout': 10}"
    )


def test_the_asgi_server_turns_it_on_unless_told_otherwise_and_the_wsgi_server_does_not():
    """The stream's ASGI server runs each request in a new thread (a pool); the pages' WSGI
    threads keep their own persistent connections (no pool to check connections in and out)."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_POOL", "DJANGO_SETTINGS_MODULE")
    }
    base["DEBUG"] = "1"
    cases = (
        ("annotator.asgi", None, "DB 0 {'min_size': 2, 'max_size': 10, 'timeout': 10}"),
        ("annotator.asgi", "0", "DB 60 None"),
        ("annotator.wsgi", None, "DB 60 None"),
    )
    for module, given, expected in cases:
        env = base if given is None else {**base, "DATABASE_POOL": given}
        check = f"import {module}; {SHOW}"
        out = subprocess.run(
            [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert out.stdout.strip().splitlines()[-1] == expected, (module, given, out.stderr)
