"""The tables every annotation write (and a bulk import) fills keep only the indexes something
reads: each index costs one entry per written row. No plain b-tree index there is a left prefix
of another index of the same table (the longer one serves the same lookups), and the history
table indexes only what history is read by."""

from __future__ import annotations

import pytest
from django.db import connection

WRITTEN_TABLES = [
    "annotations_annotation",
    "annotations_historicalannotation",
    "review_annotationevent",
    "imports_importedannotation",
]

INDEXES = """
SELECT t.relname, i.relname, ix.indkey::int2[]::int[], ix.indpred IS NOT NULL, am.amname,
    ix.indisunique
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_am am ON am.oid = i.relam
WHERE t.relname = ANY(%s)
"""


def _indexes() -> list[tuple[str, str, list[int], bool, str, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES, [WRITTEN_TABLES])
        return cursor.fetchall()


@pytest.mark.django_db
def test_no_index_is_a_left_prefix_of_another_on_the_written_tables():
    indexes = _indexes()
    redundant = []
    for table, name, keys, partial, method, unique in indexes:
        if partial or unique or method != "btree":
            continue
        for other_table, other, other_keys, other_partial, other_method, _u in indexes:
            if (
                other_table == table
                and other != name
                and not other_partial
                and other_method == "btree"
                and len(other_keys) > len(keys)
                and other_keys[: len(keys)] == keys
            ):
                redundant.append((table, name, other))
    assert redundant == []


@pytest.mark.django_db
def test_history_table_indexes_what_history_is_read_by():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index ix "
            "JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[0] "
            "WHERE ix.indrelid = 'annotations_historicalannotation'::regclass"
        )
        columns = sorted(row[0] for row in cursor.fetchall())
    # history_id (primary key), id (one annotation's history), history_date (ordering),
    # history_user_id (deleting a user sets it to NULL).
    assert columns == ["history_date", "history_id", "history_user_id", "id"]


@pytest.mark.django_db
def test_hidden_by_is_indexed_only_where_set():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'annotations_annotation'::regclass "
            "AND pg_get_indexdef(indexrelid) LIKE '%%hidden_by_id%%'"
        )
        (definition,) = [row[0] for row in cursor.fetchall()]
    assert "WHERE (hidden_by_id IS NOT NULL)" in definition
