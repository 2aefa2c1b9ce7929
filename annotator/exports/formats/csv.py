"""`csv`: one row per (annotation, proposal) link, RFC 4180 (CRLF, minimal quoting), UTF-8.

An annotation linked to no proposal still has one row, with empty proposal columns. The `bom`
option prefixes the UTF-8 byte order mark that Excel needs to read accents.
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.source import annotation_record_chunks

LIST_SEPARATOR = "|"

COLUMNS = [
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


def flatten(record: dict[str, Any]) -> list[list[Any]]:
    """The CSV rows of one annotation record."""
    article, quote, position = record["article"], record["quote"], record["position"]
    head = [
        record["id"],
        article["id"],
        article["title"],
        article["outlet"],
        article["url"],
        article["published_on"] or "",
        article["text_sha256"],
        quote["exact"],
        quote["prefix"],
        quote["suffix"],
        position["start"],
        position["end"],
        record["comment"],
        LIST_SEPARATOR.join(record["tags"]),
        record["author"],
        LIST_SEPARATOR.join(record["reviewers"]),
        record["approved_at"] or "",
    ]
    if not record["proposals"]:
        return [head + [""] * (len(COLUMNS) - len(head))]
    rows = []
    for proposal in record["proposals"]:
        candidacy, verdict = proposal["candidacy"], proposal["verdict"] or {}
        rows.append(
            [
                *head,
                proposal["id"],
                proposal["slug"],
                proposal["title"],
                proposal["url"],
                candidacy["key"],
                candidacy["candidate"],
                candidacy["election"],
                candidacy["party"],
                LIST_SEPARATOR.join(proposal["themes"]),
                verdict.get("feasibility", ""),
                verdict.get("rank") or "",
                verdict.get("label_fr", ""),
                verdict.get("summary", ""),
                verdict.get("published_at") or "",
            ]
        )
    return rows


class CsvFormatter(JsonLinesFormatter):
    format = "csv"
    extension = "csv"
    media_type = "text/csv; charset=utf-8"
    row_count_key = "rows"

    def write(self, out: BinaryIO) -> dict[str, int]:
        if self.context.options.get("bom"):
            out.write("\ufeff".encode())
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        done = rows = 0
        for records in annotation_record_chunks(self.queryset()):
            for record in records:
                flat = flatten(record)
                writer.writerows(flat)
                rows += len(flat)
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
            done += len(records)
            self.context.progress(done)
        out.write(buffer.getvalue().encode("utf-8"))
        return {"rows": rows, "annotations": done}
