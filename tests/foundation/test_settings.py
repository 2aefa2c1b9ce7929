from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from annotator.lib.env import (
    ConfigurationError,
    celery_url_from_redis_url,
    database_from_url,
    env_bool,
)

ROOT = Path(__file__).resolve().parents[2]


def test_database_url_with_host_and_port():
    db = database_from_url("postgres://postgres:secret@127.0.0.1:5432/test")
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "test",
        "postgres",
        "secret",
        "127.0.0.1",
        "5432",
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"


def test_database_url_with_a_unix_socket_directory():
    assert database_from_url("postgres://postgres@%2Ftmp%2Fpg/annotator")["HOST"] == "/tmp/pg"
    assert database_from_url("postgresql://u@/annotator?host=/run/pg")["HOST"] == "/run/pg"


@pytest.mark.parametrize(
    "url", ["sqlite:///db.sqlite3", "mysql://root@localhost/x", "postgres://host:5432/"]
)
def test_only_postgresql_urls_with_a_database_are_accepted(url):
    with pytest.raises(ConfigurationError):
        database_from_url(url)


def test_redis_unix_socket_url_is_spelled_for_kombu():
    assert celery_url_from_redis_url("unix:///tmp/r.sock?db=0") == "redis+socket:///tmp/r.sock?db=0"
    assert celery_url_from_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_a_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match="DEBUG"):
        env_bool("DEBUG")


def _run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "PYTEST_XDIST_WORKER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.pop("ANNOTATOR_TESTING", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_check_deploy_passes_with_production_settings_and_a_real_secret_key():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x7!p" + "q" * 60 + "Zr9#kL2@vB",
        DEBUG="0",
        ALLOWED_HOSTS="factcheck.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_migrations_are_in_sync_with_models():
    result = _run_manage("makemigrations", "--check", "--dry-run", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_describes_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "live", "worker", "beat"} <= set(services)
    # Pages and API on WSGI workers; the live stream on an ASGI server of its own, whose port
    # the pages are told.
    assert "annotator.wsgi:application" in services["web"]["command"]
    assert "annotator.asgi:application" in services["live"]["command"]
    assert "uvicorn_worker.UvicornWorker" in services["live"]["command"]
    assert services["web"]["environment"]["LIVE_STREAM_PORT"] == "${LIVE_PORT:-8001}"
    assert services["live"]["ports"] == ["${LIVE_PORT:-8001}:8001"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in " ".join(services["worker"]["command"])
    assert "beat" in " ".join(services["beat"]["command"])
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "exports"} <= set(compose["volumes"])
    assert (ROOT / "Dockerfile").exists()


def test_env_example_lists_every_variable_the_settings_read():
    import re

    settings_src = (ROOT / "annotator" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', settings_src))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_src))
    read -= {"PYTEST_XDIST_WORKER", "ANNOTATOR_TESTING"}
    documented = {
        line.split("=")[0].lstrip("# ")
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line
    }
    assert read <= documented, sorted(read - documented)


def test_a_deep_checkout_gets_the_same_redis_socket_in_every_process(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    code = "from annotator.lib import localservices as l; print(l._redis_socket())"
    env = {**os.environ, "ANNOTATOR_LOCAL_DIR": str(deep)}
    paths = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(paths) == 1 and len(paths.pop()) < 100
