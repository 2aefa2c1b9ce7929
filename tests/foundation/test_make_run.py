"""`make run` serves with the production settings; only the loopback exceptions differ."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from annotator.lib.localrun import LOOPBACK_DEPLOY_EXCEPTIONS, run_environment

ROOT = Path(__file__).resolve().parents[2]
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for Playwright, never by make run.
STRIPPED = {
    "SECRET_KEY",
    "DEBUG",
    "PYTEST_XDIST_WORKER",
    "ANNOTATOR_TESTING",
    "LOCAL_HTTP",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _base_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in STRIPPED}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_run_goes_through_localrun_without_forcing_debug():
    dry_run = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "-m annotator.lib.localrun" in dry_run.stdout
    assert "DEBUG=" not in dry_run.stdout


def test_make_run_settings_are_the_production_ones(tmp_path):
    env = run_environment(_base_environment(), local=tmp_path)
    shown = _manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print('SETTINGS', s.DEBUG, s.SESSION_COOKIE_HTTPONLY, s.STORAGES['staticfiles']['BACKEND'], "
        "sorted(s.ALLOWED_HOSTS), 'BrowsableAPIRenderer' in str(s.REST_FRAMEWORK))",
    )
    assert shown.returncode == 0, shown.stderr
    line = next(line for line in shown.stdout.splitlines() if line.startswith("SETTINGS "))
    assert line.split()[1:] == [
        "False",
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "['127.0.0.1',",
        "'[::1]',",
        "'localhost']",
        "False",
    ]


def test_check_deploy_reports_only_the_documented_loopback_exceptions(tmp_path):
    env = run_environment(_base_environment(), local=tmp_path)
    result = _manage(env, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    reported = set(re.findall(r"\((security\.W\d+)\)", result.stdout + result.stderr))
    assert reported == LOOPBACK_DEPLOY_EXCEPTIONS


def test_the_secret_key_is_generated_once_privately_and_reused(tmp_path):
    first = run_environment({}, local=tmp_path)["SECRET_KEY"]
    second = run_environment({}, local=tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 50
    mode = stat.S_IMODE((tmp_path / "secret-key").stat().st_mode)
    assert mode == 0o600
    assert run_environment({"SECRET_KEY": "given"}, local=tmp_path)["SECRET_KEY"] == "given"


def test_debug_is_off_unless_asked_for(tmp_path):
    assert run_environment({}, local=tmp_path)["DEBUG"] == "0"
    assert run_environment({"DEBUG": "1"}, local=tmp_path)["DEBUG"] == "1"
