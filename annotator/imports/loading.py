"""Bulk loading of an import: checked rows go to a temporary staging table by `COPY` (psycopg 3),
then one transaction moves them into the real tables with set-based statements.

Guarantees: nothing but the staging table (temporary, this connection's) and the annotation id sequence are
written before
`load_staged`; `load_staged` runs in one transaction (the caller's) and writes articles and their
revisions (texts the file brought), annotations, proposal links, `create` (and kept `approve`)
events, history rows and provenance rows, each by one INSERT … SELECT. Duplicates (same article,
selector, author and comment as an existing annotation or an earlier row) are not inserted and
are listed for the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DatabaseError, connection, transaction

COLUMNS = (
    "annotation_id",
    "seq",
    "line",
    "idx",
    "article_id",
    "revision_id",
    "author_id",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "comment",
    "comment_html",
    "tags",
    "status",
    "proposal_ids",
    "reviewer_ids",
    "source",
)
CREATE_STAGING = """
DROP TABLE IF EXISTS import_staging;
DROP TABLE IF EXISTS import_staged_articles;
CREATE TEMPORARY TABLE import_staging (
    annotation_id bigint NOT NULL,
    seq integer NOT NULL,
    line integer,
    idx text NOT NULL,
    article_id bigint NOT NULL,
    revision_id bigint NOT NULL,
    author_id integer NOT NULL,
    exact text NOT NULL,
    prefix text NOT NULL,
    suffix text NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    comment text NOT NULL,
    comment_html text NOT NULL,
    tags varchar(64)[] NOT NULL,
    status varchar(20) NOT NULL,
    proposal_ids bigint[] NOT NULL,
    reviewer_ids integer[] NOT NULL,
    source jsonb NOT NULL,
    duplicate boolean NOT NULL DEFAULT false
);
CREATE TEMPORARY TABLE import_staged_articles (
    id bigint NOT NULL, revision_id bigint NOT NULL, title text NOT NULL, url text NOT NULL,
    text text NOT NULL, sha256 text NOT NULL
);
"""


def staging_create() -> None:
    """A fresh staging table for this connection (temporary: never WAL-logged, gone with the
    session, invisible to others)."""
    with connection.cursor() as cursor:
        cursor.execute(CREATE_STAGING)


def staging_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS import_staging; DROP TABLE IF EXISTS import_staged_articles"
        )


def _arr(values: Sequence[Any]) -> str:
    """A PostgreSQL array literal of plain strings or integers (COPY's text form)."""
    if not values:
        return "{}"
    return (
        "{"
        + ",".join(
            str(v)
            if type(v) is int
            else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in values
        )
        + "}"
    )


def annotation_ids(count: int) -> list[int]:
    """`count` new annotation ids from the table's sequence (one query per batch; ids of rows
    found to be duplicates or rolled back are simply never used)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('annotations_annotation', 'id')) "
            "FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def staging_copy(rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY a batch of checked rows (tuples in `COLUMNS` order; tags, proposal and reviewer ids
    as lists; source as a dict) into the staging table."""
    connection.ensure_connection()
    quoted = ", ".join(f'"{c}"' for c in COLUMNS)
    statement = f"COPY import_staging ({quoted}) FROM STDIN"  # constant column names
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for row in rows:
            copy.write_row(
                (
                    *row[:14],
                    _arr(row[14]),
                    row[15],
                    _arr(row[16]),
                    _arr(row[17]),
                    dumps(row[18]),
                )
            )


def staging_copy_articles(articles: list[dict[str, Any]]) -> None:
    if not articles:
        return
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(
            "COPY import_staged_articles (id, revision_id, title, url, text, sha256) FROM STDIN"
        ) as copy,
    ):
        for a in articles:
            copy.write_row(
                (a["id"], a["revision_id"], a["title"], a["url"], a["text"], a["sha256"])
            )


FIND_DUPLICATES = """
UPDATE import_staging s SET duplicate = true
WHERE s.seq IN (
    SELECT seq FROM (
        SELECT seq, row_number() OVER (
            PARTITION BY article_id, start, "end", exact, author_id, comment ORDER BY seq) AS n
        FROM import_staging) AS ranked
    WHERE n > 1)
OR EXISTS (
    SELECT 1 FROM annotations_annotation a
    WHERE a.article_id = s.article_id AND a.start = s.start AND a."end" = s."end"
      AND a.exact = s.exact AND a.author_id = s.author_id AND a.comment = s.comment
      AND a.deleted_at IS NULL)
"""

INSERT_ARTICLES = """
INSERT INTO articles_article (id, title, outlet, author, kind, url, published_on, language, text,
    text_sha256, status, imported_by_id, version, created, modified)
SELECT id, title, '', '', 'article', url, NULL, %(language)s, text, sha256, 'published',
    %(actor)s, 1, now(), now()
FROM import_staged_articles ORDER BY id;
INSERT INTO articles_articlerevision (id, article_id, number, text, text_sha256, note,
    created_by_id, created)
SELECT revision_id, id, 1, text, sha256, 'import', %(actor)s, now() FROM import_staged_articles;
INSERT INTO articles_historicalarticle (id, title, outlet, author, kind, url, published_on,
    language, text_sha256, status, version, created, modified, history_date,
    history_change_reason, history_type, history_user_id, imported_by_id)
SELECT id, title, '', '', 'article', url, NULL, %(language)s, sha256, 'published', 1, now(),
    now(), now(), %(reason)s, '+', %(actor)s, %(actor)s
FROM import_staged_articles ORDER BY id;
"""

INSERT_ANNOTATIONS = """
INSERT INTO annotations_annotation (id, article_id, revision_id, author_id, exact, prefix, suffix,
    start, "end", comment, comment_html, tags, status, status_before_orphan, is_locked,
    hidden_reason, modified_by_id, version, created, modified)
SELECT annotation_id, article_id, revision_id, author_id, exact, prefix, suffix, start, "end",
    comment, comment_html, tags, status, '', false, '', %(actor)s, 1, now(), now()
FROM import_staging WHERE NOT duplicate ORDER BY annotation_id;
INSERT INTO annotations_annotation_proposals (annotation_id, proposal_id)
SELECT DISTINCT annotation_id, unnest(proposal_ids) FROM import_staging WHERE NOT duplicate;
INSERT INTO review_annotationevent (annotation_id, actor_id, action, from_state, to_state,
    comment, details, created)
SELECT annotation_id, %(actor)s, 'create', '', status, '',
    jsonb_build_object('import', jsonb_build_object('job', %(job)s::bigint, 'format',
        %(format)s::text, 'line', line, 'index', idx, 'source', source)), now()
FROM import_staging WHERE NOT duplicate ORDER BY annotation_id;
INSERT INTO review_annotationevent (annotation_id, actor_id, action, from_state, to_state,
    comment, details, created)
SELECT s.annotation_id, r.reviewer, 'approve', 'approved', 'approved', '',
    jsonb_build_object('import', jsonb_build_object('job', %(job)s::bigint, 'kept_approved', true,
        'by', %(actor)s::integer)), now()
FROM import_staging s CROSS JOIN LATERAL unnest(s.reviewer_ids) WITH ORDINALITY AS r(reviewer, n)
WHERE NOT s.duplicate AND s.status = 'approved' ORDER BY s.annotation_id, r.n;
WITH history AS (
    INSERT INTO annotations_historicalannotation (id, exact, prefix, suffix, start, "end",
        comment, comment_html, tags, status, status_before_orphan, is_locked, hidden_at,
        hidden_reason, deleted_at, version, created, modified, history_date,
        history_change_reason, history_type, article_id, author_id, hidden_by_id,
        history_user_id, revision_id, modified_by_id)
    SELECT annotation_id, exact, prefix, suffix, start, "end", comment, comment_html, tags,
        status, '', false, NULL, '', NULL, 1, now(), now(), now(), %(reason)s, '+', article_id,
        author_id, NULL, %(actor)s, revision_id, %(actor)s
    FROM import_staging WHERE NOT duplicate ORDER BY annotation_id
    RETURNING history_id, id)
INSERT INTO annotations_historicalannotation_proposals (id, annotation_id, history_id, proposal_id)
SELECT l.id, l.annotation_id, history.history_id, l.proposal_id
FROM history JOIN annotations_annotation_proposals l ON l.annotation_id = history.id;
INSERT INTO imports_importedannotation (annotation_id, job_id, line, "index", source)
SELECT annotation_id, %(job)s, line, idx, source FROM import_staging WHERE NOT duplicate;
"""

# Every foreign key the load writes (table, column), and how `_checks_set_based` vouches for it:
# the references to rows that existed before (users, articles and their revisions, proposals,
# the job) are locked FOR KEY SHARE and counted, as PostgreSQL's own per-row check would lock
# and find them; the references to annotations point at rows the same statement inserts.
COVERED_REFERENCES = frozenset(
    {
        ("articles_article", "imported_by_id"),
        ("articles_articlerevision", "article_id"),
        ("articles_articlerevision", "created_by_id"),
        ("articles_historicalarticle", "history_user_id"),
        ("annotations_annotation", "article_id"),
        ("annotations_annotation", "revision_id"),
        ("annotations_annotation", "author_id"),
        ("annotations_annotation", "hidden_by_id"),
        ("annotations_annotation", "modified_by_id"),
        ("annotations_annotation_proposals", "annotation_id"),
        ("annotations_annotation_proposals", "proposal_id"),
        ("annotations_historicalannotation", "history_user_id"),
        ("imports_importedannotation", "annotation_id"),
        ("imports_importedannotation", "job_id"),
        ("review_annotationevent", "annotation_id"),
        ("review_annotationevent", "actor_id"),
    }
)
LOADED_TABLES = sorted({table for table, _column in COVERED_REFERENCES})
FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, a.attname
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
"""
# Triggers that an INSERT on the loaded tables fires besides the foreign keys' own (internal).
INSERT_TRIGGERS = """
SELECT count(*) FROM pg_trigger
WHERE NOT tgisinternal AND (tgtype & 4) <> 0 AND tgrelid = ANY(%s::regclass[])
"""
LOCK_REFERENCED = """
WITH wanted AS (SELECT DISTINCT id FROM ({ids}) AS w(id) WHERE id IS NOT NULL)
SELECT (SELECT count(*) FROM wanted),
    (SELECT count(*) FROM (SELECT t.id FROM {table} t WHERE t.id IN (SELECT id FROM wanted)
        FOR KEY SHARE OF t) AS locked)
"""
REFERENCED = (
    (
        "auth_user",
        "SELECT author_id FROM import_staging WHERE NOT duplicate"
        " UNION ALL SELECT unnest(reviewer_ids) FROM import_staging WHERE NOT duplicate"
        " UNION ALL SELECT %(actor)s::integer",
    ),
    ("articles_article", "SELECT article_id FROM import_staging WHERE NOT duplicate"),
    ("articles_articlerevision", "SELECT revision_id FROM import_staging WHERE NOT duplicate"),
    (
        "proposals_proposal",
        "SELECT unnest(proposal_ids) FROM import_staging WHERE NOT duplicate",
    ),
    ("imports_importjob", "SELECT %(job)s::bigint"),
)


class ReferenceMissing(Exception):
    """A row the import refers to was deleted meanwhile (the job fails, nothing is written)."""


def _checks_set_based(cursor: Any, *, job_id: int, actor_id: int) -> bool:
    """Replace PostgreSQL's per-row foreign key checks (about 9 s at commit for 100,000
    annotations: one probe per reference, 16 references per annotation) by one locked count per
    referenced table, when that is allowed and complete: the role may set
    `session_replication_role` (what pg_restore's --disable-triggers does; a superuser or a
    role granted SET on it), no other trigger fires on an INSERT into the loaded tables, and
    every foreign key of those tables is one `COVERED_REFERENCES` vouches for. Otherwise
    (False) PostgreSQL checks each row as usual. Raises ReferenceMissing when a referenced row
    is gone. `SET LOCAL`: it ends with the transaction, or with the savepoint rolled back."""
    cursor.execute(FOREIGN_KEYS, [LOADED_TABLES])
    if {(table, column) for table, column in cursor.fetchall()} - COVERED_REFERENCES:
        return False
    cursor.execute(INSERT_TRIGGERS, [LOADED_TABLES])
    if cursor.fetchone()[0]:
        return False
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "42501":  # insufficient privilege
            raise
        return False
    params = {"actor": actor_id, "job": job_id}
    for table, ids in REFERENCED:
        cursor.execute(LOCK_REFERENCED.format(ids=ids, table=table), params)
        wanted, found = cursor.fetchone()
        if wanted != found:
            raise ReferenceMissing(table)
    return True


COUNTS = "SELECT count(*) FILTER (WHERE NOT duplicate), count(*) FILTER (WHERE duplicate) FROM import_staging"
DUPLICATES = "SELECT seq, line, idx FROM import_staging WHERE duplicate ORDER BY seq LIMIT %s"


def load_staged(
    *, job_id: int, actor_id: int, source_format: str, language: str, report_limit: int
) -> tuple[int, int, list[tuple[int, int | None, str]]]:
    """Move the staged rows into the real tables (the caller holds the transaction); returns
    (created, skipped as duplicates, the first duplicates' order in the file, line and index)."""
    params: dict[str, Any] = {
        "actor": actor_id,
        "job": job_id,
        "format": source_format,
        "language": language,
        "reason": f"import #{job_id}"[:100],
    }
    with connection.cursor() as cursor:
        cursor.execute(INSERT_ARTICLES, params)
        cursor.execute(FIND_DUPLICATES)
        checked_here = _checks_set_based(cursor, job_id=job_id, actor_id=actor_id)
        cursor.execute(INSERT_ANNOTATIONS, params)
        if checked_here:
            cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(COUNTS)
        created, skipped = cursor.fetchone()
        cursor.execute(DUPLICATES, [report_limit])
        duplicates = [(seq, line, idx) for seq, line, idx in cursor.fetchall()]
    return created, skipped, duplicates
