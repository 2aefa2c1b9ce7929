"""The load's foreign keys are vouched for by one locked count per referenced table instead of
one probe per row, only where that is complete; otherwise PostgreSQL checks every row."""

from __future__ import annotations

import pytest
from django.db import connection

from annotator.annotations.models import Annotation
from annotator.imports import loading
from tests.imports.conftest import run_import
from tests.imports.test_services import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(monkeypatch):  # type: ignore[no-untyped-def]
    """What `_checks_set_based` decided, run after run."""
    seen: list[bool] = []
    original = loading._checks_set_based

    def spy(cursor, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(original(cursor, **kwargs))
        return seen[-1]

    monkeypatch.setattr(loading, "_checks_set_based", spy)
    return seen


def _replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def test_every_foreign_key_of_the_loaded_tables_is_vouched_for(moderator, article_a, decisions):  # type: ignore[no-untyped-def]
    """A foreign key added to a loaded table without a set-based check turns the fast path off
    (and this test red): the runtime compares the catalog with COVERED_REFERENCES."""
    with connection.cursor() as cursor:
        cursor.execute(loading.FOREIGN_KEYS, [loading.LOADED_TABLES])
        assert set(cursor.fetchall()) == loading.COVERED_REFERENCES
    job = run_import(moderator, "doccano.jsonl", "doccano")
    assert job.state == "succeeded" and job.created_count == 4
    assert decisions == [True]
    assert Annotation.objects.count() == 4
    # Only for the load's own statements: the session is back to normal at once.
    assert _replication_role() == "origin"


def test_an_insert_trigger_on_a_loaded_table_keeps_the_per_row_checks(
    moderator, article_a, decisions
):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE fired (n integer);"
            "CREATE FUNCTION test_count_provenance() RETURNS trigger AS $$"
            " BEGIN INSERT INTO fired VALUES (1); RETURN NEW; END; $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER test_count_provenance AFTER INSERT ON imports_importedannotation"
            " FOR EACH ROW EXECUTE FUNCTION test_count_provenance();"
        )
    job = run_import(moderator, "doccano.jsonl", "doccano")
    assert job.state == "succeeded" and job.created_count == 4
    assert decisions == [False]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM fired")
        assert cursor.fetchone()[0] == 4  # the trigger ran for every row: nothing was disabled


def test_a_reference_gone_before_the_load_fails_the_job_and_writes_nothing(  # type: ignore[no-untyped-def]
    moderator, article_a, monkeypatch
):
    original = loading._checks_set_based

    def account_deleted_meanwhile(cursor, **kwargs):  # type: ignore[no-untyped-def]
        cursor.execute("UPDATE import_staging SET author_id = 2147483000")
        return original(cursor, **kwargs)

    monkeypatch.setattr(loading, "_checks_set_based", account_deleted_meanwhile)
    job = run_import(moderator, "doccano.jsonl", "doccano")
    assert job.state == "failed"
    assert "supprimé pendant l'import" in job.error or "deleted during the import" in job.error
    assert nothing_written()
    assert _replication_role() == "origin"
