"""Over-long addresses and over-large headers answer the error envelope (issue 15), also behind
gunicorn, whose own limits (HTML answers) are set above the app's."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from annotator import gunicorn_conf
from tests.utils import client_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_an_over_long_api_address_is_a_json_414(fact_checker):
    response = client_for(fact_checker).get("/api/proposals/?search=" + "a" * 9000)
    assert response.status_code == 414
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "uri_too_long"
    assert set(response.json()) >= {"error", "detail", "fields"}


@pytest.mark.django_db
def test_an_address_under_the_limit_is_served(fact_checker):
    response = client_for(fact_checker).get("/api/proposals/?search=" + "a" * 7000)
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_over_large_header_is_a_json_431(fact_checker):
    response = client_for(fact_checker).get("/api/proposals/", HTTP_X_NOTE="b" * 9000)
    assert response.status_code == 431
    assert response.json()["error"] == "headers_too_large"


@pytest.mark.django_db
def test_an_over_long_page_address_is_refused_with_the_apps_page(client):
    response = client.get("/accounts/login/?next=" + "c" * 9000)
    assert response.status_code == 414
    assert not response["Content-Type"].startswith("application/json")


def test_gunicorn_limits_sit_above_the_apps():
    assert gunicorn_conf.limit_request_line == 0  # only gunicorn's 1 MB parser bound
    assert gunicorn_conf.limit_request_field_size > settings.API_MAX_HEADER_SIZE
    assert gunicorn_conf.limit_request_fields > settings.API_MAX_HEADERS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_behind_gunicorn_a_20_kb_address_and_a_20_kb_header_answer_json():
    port = _free_port()
    env = {**os.environ, "ANNOTATOR_TESTING": "1", "LOG_FORMAT": "text", "GUNICORN_WORKERS": "1"}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", "python:annotator.gunicorn_conf"),
            *("annotator.wsgi:application", "--bind", f"127.0.0.1:{port}"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 - loopback
                break
            except OSError:  # refused while booting, or a slow first answer
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        answers = []
        for request in (
            urllib.request.Request(f"{base}/api/proposals/?search={'a' * 20000}"),  # noqa: S310
            urllib.request.Request(f"{base}/api/proposals/", headers={"X-Note": "b" * 20000}),  # noqa: S310
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=20)  # noqa: S310 - loopback
            answers.append(
                (
                    refused.value.code,
                    refused.value.headers["Content-Type"],
                    json.loads(refused.value.read())["error"],
                )
            )
        assert answers == [
            (414, "application/json", "uri_too_long"),
            (431, "application/json", "headers_too_large"),
        ]
    finally:
        server.terminate()
        server.wait(timeout=20)
