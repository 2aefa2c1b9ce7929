"""`csv`: one row per (annotation, proposal) link, RFC 4180 (CRLF, minimal quoting), UTF-8.

An annotation linked to no proposal still has one row, with empty proposal columns. The `bom`
option prefixes the UTF-8 byte order mark that Excel needs to read accents.

PostgreSQL writes the rows (COPY's CSV mode, through `annotator.exports.streaming`); the proposal
columns come from the same per-proposal records as the other formats, handed to the query as JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, BinaryIO

from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.streaming import CSV, crlf_rows, iso_sql

LIST_SEPARATOR = "|"

# The annotation columns, then the columns of one linked proposal (from each proposal's export
# record, `source.proposal_record`).
ANNOTATION_COLUMNS = [
    "annotation_id",
    "article_id",
    "article_title",
    "article_outlet",
    "article_url",
    "article_published_on",
    "article_text_sha256",
    "quote_exact",
    "quote_prefix",
    "quote_suffix",
    "position_start",
    "position_end",
    "comment",
    "tags",
    "author",
    "reviewers",
    "approved_at",
]
PROPOSAL_COLUMNS = [
    "proposal_id",
    "proposal_slug",
    "proposal_title",
    "proposal_url",
    "candidacy",
    "candidate",
    "election",
    "party",
    "themes",
    "verdict_feasibility",
    "verdict_rank",
    "verdict_label_fr",
    "verdict_summary",
    "verdict_published_at",
]
COLUMNS = ANNOTATION_COLUMNS + PROPOSAL_COLUMNS


def proposal_columns(record: dict[str, Any]) -> dict[str, Any]:
    """One proposal's CSV cells (text; empty text is written bare)."""
    candidacy, verdict = record["candidacy"], record["verdict"] or {}
    return {
        "proposal_id": record["id"],
        "proposal_slug": record["slug"],
        "proposal_title": record["title"],
        "proposal_url": record["url"],
        "candidacy": candidacy["key"],
        "candidate": candidacy["candidate"],
        "election": candidacy["election"],
        "party": candidacy["party"],
        "themes": LIST_SEPARATOR.join(record["themes"]),
        "verdict_feasibility": verdict.get("feasibility", ""),
        "verdict_rank": str(verdict.get("rank") or ""),
        "verdict_label_fr": verdict.get("label_fr", ""),
        "verdict_summary": verdict.get("summary", ""),
        "verdict_published_at": verdict.get("published_at") or "",
    }


def _text(expression: str) -> str:
    return f"NULLIF({expression}, '')"


ROW_SQL = """
WITH selected AS ({selected}),
     pr AS (SELECT * FROM json_to_recordset(%s::json) AS r(proposal_id bigint, PR_COLUMNS)),
     {approvals},
     reviewed AS (
        SELECT annotation_id, string_agg(username, '|' ORDER BY first_at, first_id) AS reviewers,
               max(last_at) AS approved_at
        FROM approvals GROUP BY annotation_id),
     linked AS (
        SELECT l.annotation_id, pr.*
        FROM annotations_annotation_proposals l
        JOIN pr ON pr.proposal_id = l.proposal_id
        WHERE l.annotation_id BETWEEN {low} AND {high})
SELECT a.id, ar.id, ROW_COLUMNS
FROM {annotations}
JOIN auth_user u ON u.id = a.author_id
LEFT JOIN reviewed ON reviewed.annotation_id = a.id
LEFT JOIN linked ON linked.annotation_id = a.id
ORDER BY a.id, linked.proposal_id
"""
ROW_SQL = ROW_SQL.replace(
    "PR_COLUMNS", ", ".join(f"{name} text" for name in PROPOSAL_COLUMNS[1:])
).replace(
    "ROW_COLUMNS",
    ", ".join(
        [
            _text("ar.title"),
            _text("ar.outlet"),
            _text("ar.url"),
            "to_char(ar.published_on, 'YYYY-MM-DD')",
            _text("ar.text_sha256"),
            _text("a.exact"),
            _text("a.prefix"),
            _text("a.suffix"),
            "a.start",
            'a."end"',
            _text("a.comment"),
            _text("array_to_string(a.tags, '|')"),
            _text("u.username"),
            "reviewed.reviewers",
            iso_sql("reviewed.approved_at"),
            "linked.proposal_id",
            *(_text(f"linked.{name}") for name in PROPOSAL_COLUMNS[1:]),
        ]
    ),
)


class CsvFormatter(JsonLinesFormatter):
    format = "csv"
    extension = "csv"
    media_type = "text/csv; charset=utf-8"
    row_count_key = "rows"

    def write(self, out: BinaryIO) -> dict[str, int]:
        if self.context.options.get("bom"):
            out.write("\ufeff".encode())
        header = io.StringIO(newline="")
        csv.writer(header, lineterminator="\r\n").writerow(COLUMNS)
        out.write(header.getvalue().encode("utf-8"))
        records = [proposal_columns(record) for record in self.proposal_records()]
        params = [json.dumps(records, ensure_ascii=False)]
        rows = 0
        for chunk in self.copy_chunks(ROW_SQL, params, CSV):
            out.write(crlf_rows(chunk))
            rows += len(chunk)
        return {"rows": rows, "annotations": self.annotations}
