"""Structured JSON logs with the request id; the Sentry hook stays off without a DSN."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from annotator.lib.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_a_given_one_is_kept():
    client = Client()
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz")["X-Request-ID"] != generated
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-42.a")["X-Request-ID"] == "lb-42.a"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert forged["X-Request-ID"] != "bad id\nwith newline"


@pytest.mark.django_db
def test_an_error_is_logged_as_one_json_line_with_the_request_id(
    fact_checker, monkeypatch, json_log
):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("annotator.articles.api.views.article_list_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(fact_checker)
    response = client.get("/api/articles/", HTTP_X_REQUEST_ID="trace-1")
    assert response.status_code == 500
    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line.strip()]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors, lines
    entry = errors[0]
    assert entry["request_id"] == "trace-1"
    assert entry["logger"] == "django.request"
    assert entry["path"] == "/api/articles/" and entry["status"] == 500
    assert "RuntimeError: boom" in entry["exception"]


def _settings_probe(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"SENTRY_DSN"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import sentry_sdk; "
            "from django.conf import settings; "
            "print('PROBE', sentry_sdk.get_client().is_active(), settings.LOG_FORMAT)",
        ],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "annotator.settings",
            "SECRET_KEY": "probe-" + "k" * 60,
            "DEBUG": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))


def test_error_reporting_is_off_without_a_dsn_and_on_with_one():
    assert _settings_probe(DEBUG="0") == "PROBE False json"
    assert _settings_probe(SENTRY_DSN="https://key@127.0.0.1:9/1") == "PROBE True json"
    assert _settings_probe(DEBUG="1") == "PROBE False text"
