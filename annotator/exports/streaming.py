"""Chunked COPY: the big exports' rows leave PostgreSQL as the bytes that are written.

The annotations an export selects are cut, once, into ranges of ids holding `EXPORT_CHUNK_SIZE`
annotations each (`read_selection`, which also counts what the manifest reports). Each range is
then one `COPY (SELECT ...) TO STDOUT` whose rows PostgreSQL has already formatted (a JSON
document, or a CSV row): Python neither decodes nor re-encodes them, it only writes. Between two ranges the same connection records progress and the
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

# A chunk's selected annotations (`a`) with their article (`ar`).
ANNOTATIONS_FROM = """annotations_annotation a
JOIN selected ON selected.id = a.id AND a.id BETWEEN {low} AND {high}
JOIN articles_article ar ON ar.id = a.article_id"""


@dataclass(frozen=True)
class IdRange:
    """Annotation ids `low..high` (inclusive); `through` annotations up to and including it."""

    low: int
    high: int
    through: int


@dataclass(frozen=True)
class Selection:
    """What the chunks and the manifest need to know of a selection, read in one query."""

    ranges: list[IdRange]
    articles: int
    links: int
    proposal_ids: list[int]
    author_ids: list[int]

    @property
    def annotations(self) -> int:
        return self.ranges[-1].through if self.ranges else 0


# One scan of the selection (`{selected}`: its id, article and author), one row per fact: the
# range bounds (every `size`-th id and the last), the counts, the linked proposals and the authors.
SELECTION_SQL = """
WITH selected AS MATERIALIZED ({selected}),
     numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total
                  FROM selected),
     links AS (SELECT l.proposal_id FROM annotations_annotation_proposals l
               JOIN selected s ON s.id = l.annotation_id)
SELECT 'range'::text, id::bigint, n::bigint FROM numbered WHERE mod(n, %s) = 0 OR n = total
UNION ALL SELECT 'articles', count(DISTINCT article_id), NULL::bigint FROM selected
UNION ALL SELECT 'links', count(*), NULL::bigint FROM links
UNION ALL SELECT DISTINCT 'proposal', proposal_id, NULL::bigint FROM links
UNION ALL SELECT DISTINCT 'author', author_id, NULL::bigint FROM selected
"""


def read_selection(queryset: QuerySet[Any], size: int) -> Selection:
    """Cut the selected annotations into ranges of `size` (a few hundred ranges for a million
    annotations) and count what the manifest reports, in one query."""
    sql, params = (
        queryset.order_by().values("id", "article_id", "author_id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(SELECTION_SQL.format(selected=sql), [*params, size])
        facts = cursor.fetchall()
    bounds: list[tuple[int, int]] = []
    counts = {"articles": 0, "links": 0}
    proposal_ids, author_ids = [], []
    for kind, value, through in facts:
        if kind == "range":
            bounds.append((value, through))
        elif kind == "proposal":
            proposal_ids.append(value)
        elif kind == "author":
            author_ids.append(value)
        else:
            counts[kind] = value
    ranges, low = [], 0
    for high, through in sorted(bounds):
        ranges.append(IdRange(low=low, high=high, through=through))
        low = high + 1
    return Selection(ranges=ranges, proposal_ids=proposal_ids, author_ids=author_ids, **counts)


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
