"""`jsonl`: one verified annotation per line (fields in docs/exports.md).

PostgreSQL builds each line (`json_build_object`) and a server-side cursor streams them in chunks:
Python only writes bytes, so the export runs close to the speed of `COPY` and memory stays flat.
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
     pr AS (SELECT (r->>'id')::bigint AS id, r AS record FROM json_array_elements(%s::json) AS r)
SELECT json_build_object(
    'id', a.id,
    'article', json_build_object(
        'id', ar.id, 'title', ar.title, 'outlet', ar.outlet, 'url', ar.url,
        'published_on', ar.published_on, 'text_sha256', ar.text_sha256),
    'quote', json_build_object('exact', a.exact, 'prefix', a.prefix, 'suffix', a.suffix),
    'position', json_build_object('start', a.start, 'end', a."end", 'unit', 'code_points'),
    'comment', a.comment,
    'tags', to_json(a.tags),
    'proposals', COALESCE((
        SELECT json_agg(pr.record ORDER BY l.proposal_id)
        FROM annotations_annotation_proposals l JOIN pr ON pr.id = l.proposal_id
        WHERE l.annotation_id = a.id), '[]'::json),
    'author', u.username,
    'reviewers', COALESCE((
        SELECT json_agg(s.username ORDER BY s.first_at, s.first_id)
        FROM (SELECT au.username, min(e.created) AS first_at, min(e.id) AS first_id
              FROM review_annotationevent e JOIN auth_user au ON au.id = e.actor_id
              WHERE e.annotation_id = a.id AND e.action = 'approve'
              GROUP BY au.username) AS s), '[]'::json),
    'approved_at', (
        SELECT e.created FROM review_annotationevent e
        WHERE e.annotation_id = a.id AND e.action = 'approve'
        ORDER BY e.created DESC, e.id DESC LIMIT 1)
)::text
FROM annotations_annotation a
JOIN articles_article ar ON ar.id = a.article_id
JOIN auth_user u ON u.id = a.author_id
WHERE a.id IN (SELECT id FROM selected)
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
