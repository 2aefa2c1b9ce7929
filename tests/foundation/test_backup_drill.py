"""The backup and restore drill: pg_dump, pg_restore into a fresh database, same data served."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from annotator.management.commands.backup_restore_drill import connect
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.utils import client_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SERVE_ARTICLES = """
import django, json
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
client = APIClient()
client.force_authenticate(get_user_model().objects.get(username="drill"))
print("ANSWER" + json.dumps([client.get("/api/articles/").json(), client.get("/api/annotations/").json()]))
"""


def database_url(name: str) -> str:
    settings = connection.settings_dict
    host = quote(str(settings["HOST"]), safe="") if settings["HOST"] else "localhost"
    port = f":{settings['PORT']}" if settings["PORT"] and not host.startswith("%2F") else ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{host}{port}/{name}"


def served_by(name: str) -> object:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    env.update(DATABASE_URL=database_url(name), ANNOTATOR_TESTING="1")
    result = subprocess.run(
        [sys.executable, "-c", SERVE_ARTICLES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("ANSWER"))
    return json.loads(line.removeprefix("ANSWER"))


def test_a_backup_restored_into_a_fresh_database_serves_the_same_data(tmp_path):
    reader = UserFactory(username="drill", role="moderator")
    for _ in range(3):
        AnnotationFactory(article=ArticleFactory(), author=reader)
    client = client_for(reader)
    before = [client.get("/api/articles/").json(), client.get("/api/annotations/").json()]
    assert len(before[0]["results"]) == 3 and len(before[1]["results"]) == 3

    out = io.StringIO()
    dump = tmp_path / "backup.dump"
    restored = call_command("backup_restore_drill", output=str(dump), keep=True, stdout=out)
    try:
        assert dump.stat().st_size > 0
        assert "all identical" in out.getvalue()
        assert served_by(restored) == before
    finally:
        with connect(connection.settings_dict, connection.settings_dict["NAME"]) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored))
            )


def test_the_drill_drops_its_copy_and_fails_loudly_on_a_bad_client(tmp_path, monkeypatch):
    ArticleFactory()
    name = call_command(
        "backup_restore_drill", output=str(tmp_path / "b.dump"), stdout=io.StringIO()
    )
    with connect(connection.settings_dict, connection.settings_dict["NAME"]) as admin:
        left = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchall()
    assert left == []
    monkeypatch.setenv("PG_BIN", str(tmp_path / "nowhere"))
    with pytest.raises((CommandError, FileNotFoundError)):
        call_command("backup_restore_drill", output=str(tmp_path / "c.dump"), stdout=io.StringIO())
