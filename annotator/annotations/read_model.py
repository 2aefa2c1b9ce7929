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
from collections.abc import Iterable, Mapping
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


def annotation_record_of(
    annotation_id: int, *, language: str, extra: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The record of one annotation read from the database whatever its visibility (the caller
    filters: the live events ask `annotator.lib.policy` per recipient), in two queries, and the
    row with the `extra` columns asked for. None if there is no such annotation."""
    row = Annotation.objects.filter(pk=annotation_id).values(*LIST_COLUMNS, *extra).first()
    if row is None:
        return None
    links = (
        Annotation.proposals.through.objects.filter(annotation_id=annotation_id)
        .order_by("proposal__title")
        .values_list("proposal_id", "proposal__slug", "proposal__title")
    )
    return annotation_record(row, list(links), labels=_status_labels(language)), row


def relabel(record: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The record with its status label in another language (no query)."""
    status = record["status"]
    return {**record, "status_display": _status_labels(language).get(status, status)}
