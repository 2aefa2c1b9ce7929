"""Chunked COPY: the big exports' rows leave PostgreSQL as the bytes that are written.

The annotations an export selects are cut, once, into ranges of ids holding `EXPORT_CHUNK_SIZE`
annotations each (`id_ranges`). Each range is then one `COPY (SELECT ...) TO STDOUT` whose rows
PostgreSQL has already formatted (a JSON document, or a CSV row): Python neither decodes nor
re-encodes them, it only writes. Between two ranges the same connection records progress and the
heartbeat and notices a cancellation; no cursor outlives its statement, so no result is ever
materialised server-side, and memory holds one chunk at most.

Timestamps are formatted in SQL exactly as Python's `datetime.isoformat()` formats the UTC values
Django reads (`iso_sql`), so a field has the same text whichever path produced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# COPY's CSV mode with a delimiter and a quote that never occur in JSON text (JSON escapes every
# control character) writes a single JSON column verbatim, one line per row.
VERBATIM = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"
# RFC 4180 quoting (fields holding a comma, a quote or a line break are quoted, quotes doubled);
# rows end with LF, which `crlf_rows` turns into CRLF. Empty text is selected as NULL so that it is
# written bare, like Python's csv module writes it.
CSV = "FORMAT csv"

# The approving reviewers of a chunk's annotations, one row per (annotation, reviewer) with their
# first and last approval: the export formats aggregate it into the reviewer list (in the order of
# their first approval) and the approval time (the last approval).
APPROVALS_CTE = """approvals AS (
        SELECT e.annotation_id, au.username, min(e.created) AS first_at, min(e.id) AS first_id,
               max(e.created) AS last_at
        FROM review_annotationevent e
        JOIN auth_user au ON au.id = e.actor_id
        WHERE e.action = 'approve' AND e.annotation_id BETWEEN {low} AND {high}
        GROUP BY e.annotation_id, au.username)"""


@dataclass(frozen=True)
class IdRange:
    """Annotation ids `low..high` (inclusive); `through` annotations up to and including it."""

    low: int
    high: int
    through: int


def id_ranges(queryset: QuerySet[Any], size: int) -> list[IdRange]:
    """Cut the selected annotations into ranges of `size` (one query; a list of a few hundred
    ranges for a million annotations)."""
    sql, params = queryset.order_by().values("id").query.sql_with_params()
    # The compiled queryset's SQL; its values stay parameters.
    numbered = f"SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM ({sql}) AS s"  # noqa: S608
    bounds_sql = (
        f"SELECT id, n FROM ({numbered}) AS t WHERE mod(n, %s) = 0 OR n = total ORDER BY id"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(bounds_sql, [*params, size])
        bounds = cursor.fetchall()
    ranges, low = [], 0
    for high, through in bounds:
        ranges.append(IdRange(low=low, high=high, through=through))
        low = high + 1
    return ranges


def selection_summary(queryset: QuerySet[Any]) -> dict[str, Any]:
    """In one query: how many articles and (annotation, proposal) links the selection holds, and
    the ids of the proposals it links to."""
    sql, params = queryset.order_by().values("id", "article_id").query.sql_with_params()
    summary = (
        f"WITH selected AS MATERIALIZED ({sql}), "  # noqa: S608 - the compiled queryset
        "links AS (SELECT l.proposal_id FROM annotations_annotation_proposals l"
        " JOIN selected s ON s.id = l.annotation_id)"
        " SELECT (SELECT count(DISTINCT article_id) FROM selected), (SELECT count(*) FROM links),"
        " (SELECT COALESCE(array_agg(DISTINCT proposal_id), '{}') FROM links)"
    )
    with connection.cursor() as cursor:
        cursor.execute(summary, params)
        articles, links, proposal_ids = cursor.fetchone()
    return {"articles": articles, "links": links, "proposal_ids": proposal_ids}


def copy_rows(sql: str, params: Sequence[Any], options: str) -> list[memoryview]:
    """Every row of `COPY (sql) TO STDOUT WITH (options)`, as PostgreSQL sent them (one chunk)."""
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({options})", params) as copy,
    ):
        return list(copy)


def crlf_rows(rows: list[memoryview]) -> bytes:
    """COPY's rows (each a whole row ending in LF, line breaks inside quoted fields included) with
    CRLF line ends, as RFC 4180 asks."""
    if not rows:
        return b""
    return b"\r\n".join(row[:-1] for row in rows) + b"\r\n"


def iso_sql(column: str) -> str:
    """SQL text of a timestamptz column as `datetime.isoformat()` writes it in UTC (microseconds
    only when there are some); NULL stays NULL."""
    fmt = 'YYYY-MM-DD"T"HH24:MI:SS{}"+00:00"'
    return (
        f"CASE WHEN date_trunc('second', {column}) = {column} "
        f"THEN to_char({column} AT TIME ZONE 'UTC', '{fmt.format('')}') "
        f"ELSE to_char({column} AT TIME ZONE 'UTC', '{fmt.format('.US')}') END"
    )


def utc_seconds_sql(column: str) -> str:
    """SQL text of a timestamptz column as `2022-02-01T10:00:00Z` (the data package's form)."""
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


def selected_sql(queryset: QuerySet[Any], ids: IdRange) -> tuple[str, list[Any]]:
    """The ids of the selected annotations in one range, as SQL and parameters."""
    sql, params = (
        queryset.filter(pk__gte=ids.low, pk__lte=ids.high)
        .order_by()
        .values("id")
        .query.sql_with_params()
    )
    return sql, list(params)
