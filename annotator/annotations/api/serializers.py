from __future__ import annotations

import functools
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import get_language
from rest_framework import serializers

from annotator.annotations.models import Annotation
from annotator.lib.markdown import render_markdown


class QuoteSerializer(serializers.Serializer):
    exact = serializers.CharField(trim_whitespace=False, allow_blank=True)
    prefix = serializers.CharField(trim_whitespace=False, allow_blank=True, required=False)
    suffix = serializers.CharField(trim_whitespace=False, allow_blank=True, required=False)


class PositionSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class AnnotationCreateInputSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    quote = QuoteSerializer()
    position = PositionSerializer()
    comment = serializers.CharField(
        allow_blank=True, required=False, default="", trim_whitespace=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    proposals = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class AnnotationUpdateInputSerializer(serializers.Serializer):
    quote = QuoteSerializer(required=False)
    position = PositionSerializer(required=False)
    comment = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    tags = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    proposals = serializers.ListField(child=serializers.IntegerField(), required=False)
    version = serializers.IntegerField(required=False)


class AnnotationOutputSerializer(serializers.ModelSerializer):
    """The API shape. `author_name`, `comment_html`, `proposal_links` serve the reader page."""

    quote = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    proposals = serializers.SerializerMethodField()
    proposal_links = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.username", read_only=True)
    author_name = serializers.SerializerMethodField()
    modified_by = serializers.CharField(source="modified_by.username", default=None)
    comment_html = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    revision = serializers.IntegerField(source="revision_id", read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "revision",
            "quote",
            "position",
            "comment",
            "comment_html",
            "tags",
            "proposals",
            "proposal_links",
            "status",
            "status_display",
            "author",
            "author_name",
            "modified_by",
            "is_locked",
            "created",
            "modified",
            "version",
        ]

    def get_quote(self, obj: Annotation) -> dict[str, str]:
        return {"exact": obj.exact, "prefix": obj.prefix, "suffix": obj.suffix}

    def get_position(self, obj: Annotation) -> dict[str, int]:
        return {"start": obj.start, "end": obj.end}

    def get_proposals(self, obj: Annotation) -> list[int]:
        return [p.pk for p in obj.proposals.all()]

    def get_proposal_links(self, obj: Annotation) -> list[dict[str, Any]]:
        return [
            {"id": p.pk, "title": p.title, "url": p.get_absolute_url()} for p in obj.proposals.all()
        ]

    def get_author_name(self, obj: Annotation) -> str:
        return obj.author.get_full_name() or obj.author.get_username()

    def get_comment_html(self, obj: Annotation) -> str:
        return comment_html(obj)

    def to_representation(self, instance: Annotation) -> dict[str, Any]:
        # The hot path (pages and lists of hundreds): a plain dict, same keys as the fields.
        return annotation_data(instance)


def comment_html(annotation: Annotation) -> str:
    """Stored rendering when present; rows written outside the services are rendered now."""
    if annotation.comment_html or not annotation.comment:
        return annotation.comment_html
    return str(render_markdown(annotation.comment))


def annotation_data(a: Annotation) -> dict[str, Any]:
    """The annotation as the API returns it. Needs author, modified_by and proposals loaded
    (`annotation_list_for` does it): no query."""
    proposals = list(a.proposals.all())
    author = a.author
    editor = a.modified_by
    return {
        "id": a.pk,
        "article": a.article_id,
        "revision": a.revision_id,
        "quote": {"exact": a.exact, "prefix": a.prefix, "suffix": a.suffix},
        "position": {"start": a.start, "end": a.end},
        "comment": a.comment,
        "comment_html": comment_html(a),
        "tags": list(a.tags),
        "proposals": [p.pk for p in proposals],
        "proposal_links": [
            {"id": p.pk, "title": p.title, "url": p.get_absolute_url()} for p in proposals
        ],
        "status": a.status,
        "status_display": _status_labels(get_language() or "fr").get(a.status, a.status),
        "author": author.get_username(),
        "author_name": author.get_full_name() or author.get_username(),
        "modified_by": editor.get_username() if editor else None,
        "is_locked": a.is_locked,
        "created": _iso(a.created),
        "modified": _iso(a.modified),
        "version": a.version,
    }


@functools.cache
def _status_labels(language: str) -> dict[str, str]:
    """Status labels in one language (translating lazily per row costs more than the rest)."""
    with translation.override(language):
        return {value: str(label) for value, label in Annotation.Status.choices}


def _iso(value: Any) -> str:
    """Like DRF's DateTimeField output: ISO 8601 in the current time zone, 'Z' for UTC."""
    value = timezone.localtime(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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


def annotation_list_data(
    rows: list[dict[str, Any]], links: list[tuple[int, int, str, str]]
) -> list[dict[str, Any]]:
    """The API shape of `annotation_data`, built from plain rows (`LIST_COLUMNS`) and proposal
    links `(annotation_id, proposal_id, slug, title)`: lists of hundreds build no model instance."""
    linked: dict[int, list[tuple[int, str, str]]] = {}
    for annotation_id, proposal_id, slug, title in links:
        linked.setdefault(annotation_id, []).append((proposal_id, slug, title))
    labels = _status_labels(get_language() or "fr")
    data = []
    for row in rows:
        proposals = linked.get(row["id"], [])
        full_name = f"{row['author__first_name']} {row['author__last_name']}".strip()
        html = row["comment_html"]
        if not html and row["comment"]:
            html = str(render_markdown(row["comment"]))  # a row written outside the services
        data.append(
            {
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
                "created": _iso(row["created"]),
                "modified": _iso(row["modified"]),
                "version": row["version"],
            }
        )
    return data
