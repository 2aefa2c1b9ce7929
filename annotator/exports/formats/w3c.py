"""`w3c`: a W3C Web Annotation `AnnotationCollection` whose first `AnnotationPage` holds every
annotation in the shape `annotation_to_w3c` gives the API (keys in the same order).

PostgreSQL writes each item (`annotator.exports.jsonsql`) through the chunked COPY; the parts that
the API computes in Python (creators, proposal URLs) are computed by the same Python functions,
once per user and per proposal, and handed to the query as JSON. A test compares every item with
`annotation_to_w3c`.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from django.contrib.auth import get_user_model
from django.urls import reverse

from annotator.annotations.w3c import W3C_CONTEXT, absolute_url, creator_to_w3c
from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.jsonsql import Json, Number, Omit, Text, json_sql, literal
from annotator.exports.streaming import VERBATIM, iso_sql
from proposals.models import Proposal

# `{selected}`, `{low}`, `{high}`: the chunk (see `JsonLinesFormatter.copy_chunks`); then the
# creators and the proposal URLs as JSON parameters.
ITEM_SQL = """
WITH selected AS ({selected}),
     creators AS (SELECT (r->>'id')::bigint AS id, (r->'creator')::text AS creator
                  FROM json_array_elements(%s::json) AS r),
     sources AS (SELECT (r->>'id')::bigint AS id, r->>'source' AS source
                 FROM json_array_elements(%s::json) AS r),
     linked AS (
        SELECT l.annotation_id, count(*) AS n, string_agg({link}, ',' ORDER BY p.title, p.id) AS items
        FROM annotations_annotation_proposals l
        JOIN proposals_proposal p ON p.id = l.proposal_id
        JOIN sources ON sources.id = l.proposal_id
        WHERE l.annotation_id BETWEEN {low} AND {high}
        GROUP BY l.annotation_id)
SELECT {item}
FROM {annotations}
LEFT JOIN creators ON creators.id = a.author_id
LEFT JOIN linked ON linked.annotation_id = a.id
CROSS JOIN LATERAL (
    SELECT CASE WHEN a.comment <> '' THEN {comment} END AS comment,
           (SELECT string_agg({tag}, ',' ORDER BY t.n)
            FROM unnest(a.tags) WITH ORDINALITY AS t(tag, n)) AS tags,
           (a.comment <> '')::int + COALESCE(cardinality(a.tags), 0) + COALESCE(linked.n, 0) AS n
) AS bodies
ORDER BY a.id
"""
# One body alone is the body; several are a list; none, no `body` key (as in the API).
BODY = """CASE bodies.n WHEN 0 THEN NULL
    WHEN 1 THEN concat_ws(',', bodies.comment, bodies.tags, linked.items)
    ELSE '[' || concat_ws(',', bodies.comment, bodies.tags, linked.items) || ']' END"""
SENTINEL = 987654321


def item_sql(base_url: str) -> str:
    """ITEM_SQL with the JSON of an item, its bodies and its links for this base URL."""
    article_before, _, article_after = absolute_url(
        base_url, reverse("articles:detail", args=[SENTINEL])
    ).partition(str(SENTINEL))
    item = json_sql(
        {
            "id": Text(f"{literal(absolute_url(base_url, '/api/annotations/'))} || a.id || '/'"),
            "type": "Annotation",
            "motivation": Text(
                "CASE WHEN a.comment <> '' THEN 'commenting' ELSE 'highlighting' END"
            ),
            "created": Text(iso_sql("a.created")),
            "modified": Text(iso_sql("a.modified")),
            "creator": Json("creators.creator"),
            "target": {
                "type": "SpecificResource",
                "source": Text(f"{literal(article_before)} || ar.id || {literal(article_after)}"),
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": Text("a.exact"),
                        "prefix": Text("a.prefix"),
                        "suffix": Text("a.suffix"),
                    },
                    {
                        "type": "TextPositionSelector",
                        "start": Number("a.start"),
                        "end": Number('a."end"'),
                    },
                ],
            },
            "body": Omit(BODY),
        }
    )
    comment = json_sql(
        {
            "type": "TextualBody",
            "value": Text("a.comment"),
            "format": "text/markdown",
            "language": Text("COALESCE(NULLIF(ar.language, ''), 'fr')"),
            "purpose": "commenting",
        }
    )
    tag = json_sql({"type": "TextualBody", "value": Text("t.tag"), "purpose": "tagging"})
    link = json_sql(
        {"type": "SpecificResource", "source": Text("sources.source"), "purpose": "linking"}
    )
    parts = {"item": item, "comment": comment, "tag": tag, "link": link}
    return ITEM_SQL.format(
        selected="{selected}",
        annotations="{annotations}",
        low="{low}",
        high="{high}",
        **{name: sql.replace("{", "{{").replace("}", "}}") for name, sql in parts.items()},
    )


class W3CFormatter(JsonLinesFormatter):
    format = "w3c"
    extension = "jsonld"
    media_type = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'

    def write(self, out: BinaryIO) -> dict[str, int]:
        base = self.context.base_url
        collection_id = f"{base}/api/exports/{self.context.job_id}/download/"
        head = {
            "@context": W3C_CONTEXT,
            "id": collection_id,
            "type": "AnnotationCollection",
            "label": "Verified annotations"
            if self.context.filters.get("verified_only", True)
            else "Annotations",
        }
        page_head = {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "startIndex": 0}
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        # Written by hand around the items so that the page is streamed, not built in memory.
        out.write((dumps(head)[:-1] + ',"first":' + dumps(page_head)[:-1] + ',"items":[').encode())
        done = 0
        for rows in self.copy_chunks(item_sql(base), self._parameters(base), VERBATIM):
            if rows:
                out.write((b"," if done else b"") + b",".join(rows))
            done += len(rows)
        out.write(("]}," + f'"total":{done}' + "}").encode())
        return {"annotations": done}

    def _parameters(self, base: str) -> list[Any]:
        """The creators of the selection's authors and the URLs of the proposals it links to."""
        authors = get_user_model().objects.filter(pk__in=self.selection.author_ids)
        creators = [{"id": user.pk, "creator": creator_to_w3c(user, base)} for user in authors]
        sources = [
            {"id": proposal.pk, "source": absolute_url(base, proposal.get_absolute_url())}
            for proposal in Proposal.objects.filter(pk__in=self.selection.proposal_ids).only(
                "pk", "slug"
            )
        ]
        return [json.dumps(creators, ensure_ascii=False), json.dumps(sources, ensure_ascii=False)]
