from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.annotations.models import Annotation
from annotator.annotations.read_model import (
    LIST_COLUMNS,
    annotation_data,
    annotation_list_data,
)
from annotator.annotations.services import MAX_OFFSET
from annotator.lib.schema import NO_NUL_PATTERN

__all__ = [
    "LIST_COLUMNS",
    "AnnotationCreateInputSerializer",
    "AnnotationOutputSerializer",
    "AnnotationUpdateInputSerializer",
    "annotation_data",
    "annotation_list_data",
]


@extend_schema_field({"type": "string", "minLength": 1, "pattern": NO_NUL_PATTERN})
class SelectedTextField(serializers.CharField):
    """The quoted passage: documented non-empty; an empty one is refused by the service with its
    own message (`empty` selection)."""


class QuoteSerializer(serializers.Serializer):
    exact = SelectedTextField(trim_whitespace=False, allow_blank=True)
    prefix = serializers.CharField(trim_whitespace=False, allow_blank=True, required=False)
    suffix = serializers.CharField(trim_whitespace=False, allow_blank=True, required=False)


class PositionSerializer(serializers.Serializer):
    """Code-point offsets; a negative or reversed pair is refused by the service (its messages)."""

    start = serializers.IntegerField(max_value=MAX_OFFSET)
    end = serializers.IntegerField(max_value=MAX_OFFSET)


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
    version = serializers.IntegerField(help_text="The version you edited (or send If-Match).")


class AnnotationOutputSerializer(serializers.ModelSerializer):
    """The API shape. `author_name`, `comment_html`, `proposal_links` serve the reader page."""

    quote = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    proposals = serializers.SerializerMethodField()
    proposal_links = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.username", read_only=True)
    author_name = serializers.SerializerMethodField()
    modified_by = serializers.CharField(
        source="modified_by.username", default=None, allow_null=True
    )
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
        return annotation_data(obj)["comment_html"]

    def to_representation(self, instance: Annotation) -> dict[str, Any]:
        # The one read model of an annotation (`annotator.annotations.read_model`); the fields
        # above only describe it for the OpenAPI schema.
        return annotation_data(instance)
