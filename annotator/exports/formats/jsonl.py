"""`jsonl`: one verified annotation per line (fields in docs/exports.md).

PostgreSQL builds each line (`annotator.exports.jsonsql`) and sends it through a chunked COPY
(`annotator.exports.streaming`): Python only writes the bytes, so the export runs at the speed of
`COPY` and memory stays flat. Links and approvals are aggregated per annotation in CTEs bounded by
the chunk's id range (index range scans). Proposal details (candidacy, themes, published verdict)
are built once per proposal in Python (`ProposalCache`, the same records as the other formats) and
handed to the query as one JSON array, so that the rubric's labels come from `proposals.scale` as
everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cached_property
from typing import Any, BinaryIO

from annotator.exports.formats.base import Formatter
from annotator.exports.jsonsql import Json, Number, Text, json_sql
from annotator.exports.source import ProposalCache, annotations_for, chunk_size
from annotator.exports.streaming import (
    ANNOTATIONS_FROM,
    APPROVALS_CTE,
    VERBATIM,
    Selection,
    copy_rows,
    iso_sql,
    read_selection,
    selected_sql,
)

# `{selected}`: the chunk's selected ids; `{low}`, `{high}`: its id range (integers).
LINE_SQL = """
WITH selected AS ({selected}),
     pr AS (SELECT (r->>'id')::bigint AS id, r AS record FROM json_array_elements(%s::json) AS r),
     linked AS (
        SELECT l.annotation_id, json_agg(pr.record ORDER BY l.proposal_id) AS proposals
        FROM annotations_annotation_proposals l
        JOIN pr ON pr.id = l.proposal_id
        WHERE l.annotation_id BETWEEN {low} AND {high}
        GROUP BY l.annotation_id),
     {approvals},
     reviewed AS (
        SELECT annotation_id, json_agg(username ORDER BY first_at, first_id) AS reviewers,
               max(last_at) AS approved_at
        FROM approvals GROUP BY annotation_id)
SELECT {line}
FROM {annotations}
JOIN auth_user u ON u.id = a.author_id
LEFT JOIN linked ON linked.annotation_id = a.id
LEFT JOIN reviewed ON reviewed.annotation_id = a.id
LEFT JOIN imports_importedannotation imported ON imported.annotation_id = a.id
ORDER BY a.id
"""
LINE = json_sql(
    {
        "id": Number("a.id"),
        "article": {
            "id": Number("ar.id"),
            "title": Text("ar.title"),
            "outlet": Text("ar.outlet"),
            "url": Text("ar.url"),
            "published_on": Text("ar.published_on"),
            "text_sha256": Text("ar.text_sha256"),
        },
        "quote": {"exact": Text("a.exact"), "prefix": Text("a.prefix"), "suffix": Text("a.suffix")},
        "position": {"start": Number("a.start"), "end": Number('a."end"'), "unit": "code_points"},
        "comment": Text("a.comment"),
        "tags": Json("to_json(a.tags)"),
        "proposals": Json("COALESCE(linked.proposals, '[]'::json)"),
        "author": Text("u.username"),
        "reviewers": Json("COALESCE(reviewed.reviewers, '[]'::json)"),
        "approved_at": Text(iso_sql("reviewed.approved_at")),
        # Where an imported annotation came from (annotator.imports): null for the others.
        "provenance": Json("COALESCE(imported.source::json, 'null'::json)"),
    }
)
LINE_SQL = LINE_SQL.replace("{line}", LINE.replace("{", "{{").replace("}", "}}"))


class JsonLinesFormatter(Formatter):
    format = "jsonl"
    extension = "jsonl"
    media_type = "application/x-ndjson"

    def queryset(self):  # type: ignore[no-untyped-def]
        return annotations_for(filters=self.context.filters, requester=self.context.requester)

    @cached_property
    def selection(self) -> Selection:
        """The selection cut into chunks, with the manifest's counts (one query)."""
        return read_selection(self.queryset(), chunk_size())

    def count(self) -> int:
        return self.selection.annotations

    def copy_chunks(
        self, template: str, params: list[Any], options: str
    ) -> Iterator[list[memoryview]]:
        """The rows of `template` over the selection, chunk by chunk. The template is SQL with
        `{selected}` (the chunk's ids), `{low}` and `{high}` (its id range) and optionally
        `{approvals}` (`APPROVALS_CTE`) and `{annotations}` (`ANNOTATIONS_FROM`), followed by
        `params`. Progress (annotations done) is saved after each chunk has been consumed;
        `self.annotations` counts them."""
        queryset = self.queryset()
        self.annotations = 0
        for ids in self.selection.ranges:
            selected, selected_params = selected_sql(queryset, ids)
            sql = (
                template.replace("{approvals}", APPROVALS_CTE)
                .replace("{annotations}", ANNOTATIONS_FROM)
                .format(selected=selected, low=ids.low, high=ids.high)
            )
            yield copy_rows(sql, [*selected_params, *params], options)
            self.annotations = ids.through
            self.context.progress(ids.through)

    def proposal_records(self) -> list[dict[str, Any]]:
        """The records of the proposals the selection links to (built once each)."""
        return list(ProposalCache().get_many(set(self.selection.proposal_ids)).values())

    def write(self, out: BinaryIO) -> dict[str, int]:
        records = self.proposal_records()
        params = [json.dumps(records, ensure_ascii=False)]
        lines = 0
        for rows in self.copy_chunks(LINE_SQL, params, VERBATIM):
            out.write(b"".join(rows))
            lines += len(rows)
        return {
            "annotations": lines,
            "links": self.selection.links,
            "proposals": len(records),
            "articles": self.selection.articles,
        }
