"""The one read model of an annotation: the fields every surface shows, defined once.

`annotation_record` builds the API shape from a plain row (`LIST_COLUMNS`) and the proposals it
links to. Everything else derives from it: the API list (plain rows, no model instance), the API
detail and the reader page (`annotation_data`, from an instance), the W3C rendering
(`annotator.annotations.w3c`) and the export rows, whose tests compare them field by field with
this record. Visibility is not decided here: callers pass rows their selector scoped
(`annotator.lib.policy`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import get_language

from annotator.annotations.models import Annotation
from annotator.lib.markdown import render_markdown

# The columns a record needs, as `QuerySet.values(*LIST_COLUMNS)` names them.
LIST_COLUMNS = (
    "id",
    "article_id",
    "revision_id",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "comment",
    "comment_html",
    "tags",
    "status",
    "author__username",
    "author__first_name",
    "author__last_name",
    "modified_by__username",
    "is_locked",
    "created",
    "modified",
    "version",
)

# A linked proposal as a record needs it: (id, slug, title).
ProposalLink = tuple[int, str, str]


@functools.cache
def _status_labels(language: str) -> dict[str, str]:
    """Status labels in one language (translating lazily per row costs more than the rest)."""
    with translation.override(language):
        return {value: str(label) for value, label in Annotation.Status.choices}


def iso(value: Any, zone: Any = None) -> str:
    """Like DRF's DateTimeField output: ISO 8601 in the current time zone (or `zone`, which a
    list passes once instead of looking the current zone up twice per row), 'Z' for UTC."""
    value = value.astimezone(zone or timezone.get_current_timezone())
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def annotation_record(
    row: Mapping[str, Any],
    proposals: Iterable[ProposalLink],
    *,
    labels: Mapping[str, str],
    zone: Any = None,
) -> dict[str, Any]:
    """The annotation as the API returns it, from a `LIST_COLUMNS` row. No query."""
    proposals = list(proposals)
    full_name = f"{row['author__first_name']} {row['author__last_name']}".strip()
    html = row["comment_html"]
    if not html and row["comment"]:
        html = str(render_markdown(row["comment"]))  # a row written outside the services
    return {
        "id": row["id"],
        "article": row["article_id"],
        "revision": row["revision_id"],
        "quote": {"exact": row["exact"], "prefix": row["prefix"], "suffix": row["suffix"]},
        "position": {"start": row["start"], "end": row["end"]},
        "comment": row["comment"],
        "comment_html": html,
        "tags": list(row["tags"]),
        "proposals": [pk for pk, _slug, _title in proposals],
        "proposal_links": [
            {"id": pk, "title": title, "url": f"/proposals/{slug}/"}
            for pk, slug, title in proposals
        ],
        "status": row["status"],
        "status_display": labels.get(row["status"], row["status"]),
        "author": row["author__username"],
        "author_name": full_name or row["author__username"],
        "modified_by": row["modified_by__username"],
        "is_locked": row["is_locked"],
        "created": iso(row["created"], zone),
        "modified": iso(row["modified"], zone),
        "version": row["version"],
    }


def annotation_list_data(
    rows: list[dict[str, Any]], links: Iterable[tuple[int, int, str, str]]
) -> list[dict[str, Any]]:
    """Records of many rows and their proposal links `(annotation_id, proposal_id, slug,
    title)`: lists of hundreds build no model instance."""
    linked: dict[int, list[ProposalLink]] = {}
    for annotation_id, proposal_id, slug, title in links:
        linked.setdefault(annotation_id, []).append((proposal_id, slug, title))
    labels = _status_labels(get_language() or "fr")
    zone = timezone.get_current_timezone()
    return [
        annotation_record(row, linked.get(row["id"], []), labels=labels, zone=zone) for row in rows
    ]


def row_of(a: Annotation) -> dict[str, Any]:
    """The `LIST_COLUMNS` row of an instance (author and modified_by loaded: no query)."""
    author, editor = a.author, a.modified_by
    return {
        "id": a.pk,
        "article_id": a.article_id,
        "revision_id": a.revision_id,
        "exact": a.exact,
        "prefix": a.prefix,
        "suffix": a.suffix,
        "start": a.start,
        "end": a.end,
        "comment": a.comment,
        "comment_html": a.comment_html,
        "tags": a.tags,
        "status": a.status,
        "author__username": author.get_username(),
        "author__first_name": author.first_name,
        "author__last_name": author.last_name,
        "modified_by__username": editor.get_username() if editor else None,
        "is_locked": a.is_locked,
        "created": a.created,
        "modified": a.modified,
        "version": a.version,
    }


def annotation_data(a: Annotation) -> dict[str, Any]:
    """The record of one instance. Needs author, modified_by and proposals loaded
    (`annotation_list_for` does it): no query."""
    links = [(p.pk, p.slug, p.title) for p in a.proposals.all()]
    return annotation_record(row_of(a), links, labels=_status_labels(get_language() or "fr"))


# Stands for the annotation's id while `annotation_record_of`'s query is compiled (lib/compiled.py).
RECORD_PROBE = -2_000_000_017


def annotation_record_of(
    annotation_id: int, *, language: str, extra: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The record of one annotation read from the database whatever its visibility (the caller
    filters: the live events ask `annotator.lib.policy` per recipient), in one query compiled
    once per process and prepared on the connection, and the row with the `extra` columns asked
    for. None if there is no such annotation."""
    from annotator.lib.compiled import compiled_values

    compiled = compiled_values(
        ("annotation-record-of", *extra),
        lambda: (
            Annotation.objects.filter(pk=RECORD_PROBE)
            .order_by()
            .values(*LIST_COLUMNS, *extra, **link_arrays())
        ),
        {"annotation": RECORD_PROBE},
    )
    rows = compiled.run(prepared=True, annotation=annotation_id)
    if not rows:
        return None
    row = rows[0]
    links = zip(row["link_ids"], row["link_slugs"], row["link_titles"], strict=True)
    return annotation_record(row, list(links), labels=_status_labels(language)), row


def link_arrays() -> dict[str, Any]:
    """`values()` expressions of an annotation row's proposal links as three parallel arrays
    (`link_ids`, `link_slugs`, `link_titles`, in title order), from correlated array
    subqueries: the row and its links in one query, no JSON to parse."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    links = Annotation.proposals.through.objects.filter(annotation_id=OuterRef("pk")).order_by(
        "proposal__title", "proposal_id"
    )
    return {
        "link_ids": ArraySubquery(links.values("proposal_id")),
        "link_slugs": ArraySubquery(links.values("proposal__slug")),
        "link_titles": ArraySubquery(links.values("proposal__title")),
    }


def relabel(record: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The record with its status label in another language (no query)."""
    status = record["status"]
    return {**record, "status_display": _status_labels(language).get(status, status)}


# --- The same record written by PostgreSQL -------------------------------------------------
# The reader's call (an article's annotations, one page) is the hottest request of the app: the
# JSON of its records is written by PostgreSQL from the same columns, so that a request builds
# no dict, parses no timestamp and encodes no JSON in Python. `annotation_record` stays the
# definition: tests compare the two field by field, row by row
# (tests/annotations/test_read_model_sql.py).


def iso_in_zone_sql(column: str, local: str, offset: str) -> str:
    """SQL text of a timestamptz column as `iso(value, zone)` writes it: ISO 8601 in the zone,
    microseconds only when there are some, 'Z' for a zero offset. `local` and `offset` name the
    value's local time and its offset from UTC, computed once per row (`zone_lateral_sql`): the
    time zone conversion is the costly part, and each is used several times here."""
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_trunc('second', {column}) = {column} THEN ''"
        f" ELSE to_char({local}, '.US') END"
        f" || CASE WHEN {offset} = interval '0' THEN 'Z'"
        f" WHEN {offset} > interval '0' THEN '+' || to_char({offset}, 'HH24:MI')"
        f" ELSE '-' || to_char(-{offset}, 'HH24:MI') END"
    )


def zone_lateral_sql(row: str, alias: str, columns: Sequence[str], zone: str) -> str:
    """`CROSS JOIN LATERAL`s giving `alias.<column>_local` and `alias.<column>_offset` for each
    timestamptz column of `row`: its local time in `zone` and its offset from UTC, once per
    row."""
    from annotator.exports.jsonsql import literal

    locals_ = ", ".join(f'{row}."{c}" AT TIME ZONE {literal(zone)} AS "{c}_local"' for c in columns)
    both = ", ".join(
        f'{alias}_0."{c}_local", '
        f'{alias}_0."{c}_local" - ({row}."{c}" AT TIME ZONE \'UTC\') AS "{c}_offset"'
        for c in columns
    )
    return (
        f"CROSS JOIN LATERAL (SELECT {locals_}) AS {alias}_0 "
        f"CROSS JOIN LATERAL (SELECT {both}) AS {alias}"
    )


def record_json_sql(row: str, links: str, zoned: str, *, language: str) -> str:
    """SQL text expression of `annotation_record` for the row alias `row` (with the
    `LIST_COLUMNS` names), `links`, an alias with `ids` and `links` (JSON text of the linked
    proposals' ids and `{id, title, url}` objects, in title order; NULL when none), and
    `zoned`, the alias of `zone_lateral_sql` for `created` and `modified`."""
    from annotator.exports.jsonsql import Json, Number, Text, json_sql, literal

    def col(name: str) -> str:
        return f'{row}."{name}"'

    labels = literal(json.dumps(_status_labels(language), ensure_ascii=False))
    full_name = f"btrim({col('author__first_name')} || ' ' || {col('author__last_name')}, ' ')"
    return json_sql(
        {
            "id": Number(col("id")),
            "article": Number(col("article_id")),
            "revision": Number(col("revision_id")),
            "quote": {
                "exact": Text(col("exact")),
                "prefix": Text(col("prefix")),
                "suffix": Text(col("suffix")),
            },
            "position": {"start": Number(col("start")), "end": Number(col("end"))},
            "comment": Text(col("comment")),
            "comment_html": Text(col("comment_html")),
            "tags": Json(f"to_json({col('tags')})"),
            "proposals": Json(f"COALESCE({links}.ids, '[]')"),
            "proposal_links": Json(f"COALESCE({links}.links, '[]')"),
            "status": Text(col("status")),
            "status_display": Text(
                f"COALESCE({labels}::jsonb ->> {col('status')}, {col('status')})"
            ),
            "author": Text(col("author__username")),
            "author_name": Text(f"COALESCE(NULLIF({full_name}, ''), {col('author__username')})"),
            "modified_by": Text(col("modified_by__username")),
            "is_locked": Json(f"to_json({col('is_locked')})"),
            "created": Text(
                iso_in_zone_sql(col("created"), f"{zoned}.created_local", f"{zoned}.created_offset")
            ),
            "modified": Text(
                iso_in_zone_sql(
                    col("modified"), f"{zoned}.modified_local", f"{zoned}.modified_offset"
                )
            ),
            "version": Number(col("version")),
        }
    )


def records_json_sql(rows_sql: str, *, zone: str, language: str) -> str:
    """SQL returning one row (count, whether any row needs Python, the JSON array of the
    records in text order) for `rows_sql`, a query of `LIST_COLUMNS` rows. A row whose
    `comment_html` is missing (written outside the services) needs the Markdown renderer: the
    caller then builds that page in Python."""
    record = record_json_sql("r", "l", "z", language=language)
    zoned = zone_lateral_sql("r", "z", ["created", "modified"], zone)
    # Built from the policy's compiled query and constant text only (no value from a request).
    return f"""
WITH r AS ({rows_sql}),
l AS (
    SELECT x.annotation_id,
        '[' || string_agg(p.id::text, ',' ORDER BY p.title, p.id) || ']' AS ids,
        '[' || string_agg('{{"id":' || p.id || ',"title":' || to_json(p.title)::text
            || ',"url":' || to_json('/proposals/' || p.slug || '/')::text || '}}',
            ',' ORDER BY p.title, p.id) || ']' AS links
    FROM annotations_annotation_proposals x JOIN proposals_proposal p ON p.id = x.proposal_id
    WHERE x.annotation_id IN (SELECT id FROM r)
    GROUP BY x.annotation_id)
SELECT count(*), COALESCE(bool_or(r.comment_html = '' AND r.comment <> ''), false),
    '[' || COALESCE(string_agg({record}, ',' ORDER BY r.start, r."end", r.id), '') || ']'
FROM r LEFT JOIN l ON l.annotation_id = r.id {zoned}
"""  # noqa: S608
