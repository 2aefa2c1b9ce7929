"""`jsonl`: one verified annotation per line (fields in docs/exports.md).

PostgreSQL builds each line (`json_build_object`) and a server-side cursor streams them in chunks:
Python only writes bytes, so the export runs close to the speed of `COPY` and memory stays flat.
Links and approvals are aggregated per annotation in CTEs (hash joins, not a subquery per row).
Proposal details (candidacy, themes, published verdict) are built once per proposal in Python
(`ProposalCache`, the same records as the other formats) and handed to the query as one JSON
array, so that the rubric's labels come from `proposals.scale` as everywhere else.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from django.db import connection

from annotator.exports.formats.base import Formatter
from annotator.exports.source import ProposalCache, ProposalLink, annotations_for, chunk_size

LINE_SQL = """
WITH selected AS ({selected}),
     pr AS (SELECT (r->>'id')::bigint AS id, r AS record FROM json_array_elements(%s::json) AS r),
     linked AS (
        SELECT l.annotation_id, json_agg(pr.record ORDER BY l.proposal_id) AS proposals
        FROM annotations_annotation_proposals l
        JOIN selected ON selected.id = l.annotation_id
        JOIN pr ON pr.id = l.proposal_id
        GROUP BY l.annotation_id),
     approvals AS (
        SELECT e.annotation_id, au.username, min(e.created) AS first_at, min(e.id) AS first_id,
               max(e.created) AS last_at
        FROM review_annotationevent e
        JOIN selected ON selected.id = e.annotation_id
        JOIN auth_user au ON au.id = e.actor_id
        WHERE e.action = 'approve'
        GROUP BY e.annotation_id, au.username),
     reviewed AS (
        SELECT annotation_id, json_agg(username ORDER BY first_at, first_id) AS reviewers,
               max(last_at) AS approved_at
        FROM approvals GROUP BY annotation_id)
SELECT json_build_object(
    'id', a.id,
    'article', json_build_object(
        'id', ar.id, 'title', ar.title, 'outlet', ar.outlet, 'url', ar.url,
        'published_on', ar.published_on, 'text_sha256', ar.text_sha256),
    'quote', json_build_object('exact', a.exact, 'prefix', a.prefix, 'suffix', a.suffix),
    'position', json_build_object('start', a.start, 'end', a."end", 'unit', 'code_points'),
    'comment', a.comment,
    'tags', to_json(a.tags),
    'proposals', COALESCE(linked.proposals, '[]'::json),
    'author', u.username,
    'reviewers', COALESCE(reviewed.reviewers, '[]'::json),
    'approved_at', reviewed.approved_at
)::text
FROM annotations_annotation a
JOIN selected ON selected.id = a.id
JOIN articles_article ar ON ar.id = a.article_id
JOIN auth_user u ON u.id = a.author_id
LEFT JOIN linked ON linked.annotation_id = a.id
LEFT JOIN reviewed ON reviewed.annotation_id = a.id
ORDER BY a.id
"""


class JsonLinesFormatter(Formatter):
    format = "jsonl"
    extension = "jsonl"
    media_type = "application/x-ndjson"

    def queryset(self):  # type: ignore[no-untyped-def]
        return annotations_for(filters=self.context.filters, requester=self.context.requester)

    def count(self) -> int:
        return self.queryset().count()

    def write(self, out: BinaryIO) -> dict[str, int]:
        queryset = self.queryset()
        links = ProposalLink.objects.filter(annotation_id__in=queryset.values("pk"))
        proposal_ids = set(links.values_list("proposal_id", flat=True).distinct())
        records = list(ProposalCache().get_many(proposal_ids).values())
        selected_sql, selected_params = queryset.values("id").query.sql_with_params()
        sql = LINE_SQL.format(selected=selected_sql)
        params: list[Any] = [*selected_params, json.dumps(records, ensure_ascii=False)]

        done = 0
        connection.ensure_connection()
        size = chunk_size()
        # WITH HOLD: the cursor outlives the autocommit transactions of the progress updates.
        with connection.connection.cursor(
            name=f"export_jsonl_{self.context.job_id}", withhold=True
        ) as cursor:
            cursor.itersize = size
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(size):
                out.write("".join(row[0] + "\n" for row in rows).encode("utf-8"))
                done += len(rows)
                self.context.progress(done)
        articles = queryset.order_by().values("article_id").distinct().count()
        return {
            "annotations": done,
            "links": links.count(),
            "proposals": len(records),
            "articles": articles,
        }
