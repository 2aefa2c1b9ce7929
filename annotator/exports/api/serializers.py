from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.exports.models import ExportJob
from annotator.lib.schema import NO_NUL_PATTERN


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "election": {
                "type": "string",
                "pattern": NO_NUL_PATTERN,
                "description": "An election's key.",
            },
            "candidate": {
                "type": "string",
                "pattern": NO_NUL_PATTERN,
                "description": "A candidate's key.",
            },
            "theme": {
                "type": "string",
                "pattern": NO_NUL_PATTERN,
                "description": "A theme's code.",
            },
            "article": {"type": "integer", "description": "An article you can see."},
            "date_from": {"type": "string", "format": "date"},
            "date_to": {"type": "string", "format": "date"},
            "verified_only": {"type": "boolean", "default": True},
        },
    }
)
class ExportFiltersField(serializers.JSONField):
    """Checked by annotator.exports.filters.clean_filters (400 naming the filter at fault)."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {"bom": {"type": "boolean", "description": "CSV: start with a BOM."}},
    }
)
class ExportOptionsField(serializers.JSONField):
    """Checked by annotator.exports.filters.clean_options."""


class ExportRequestInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    filters = ExportFiltersField(required=False, default=dict)
    options = ExportOptionsField(required=False, default=dict)


class ExportCancelInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, help_text="or If-Match")


class ExportRequesterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class ExportJobOutputSerializer(serializers.ModelSerializer):
    requested_by = ExportRequesterSerializer(read_only=True)
    progress = serializers.IntegerField(source="progress_percent", read_only=True)
    download_url = serializers.SerializerMethodField()
    cancel_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "format",
            "filters",
            "options",
            "state",
            "rows_done",
            "rows_total",
            "progress",
            "size",
            "sha256",
            "row_count",
            "error",
            "manifest",
            "requested_by",
            "attempts",
            "version",
            "created",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "file_deleted_at",
            "download_url",
            "cancel_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        return reverse("api:export-download", args=[job.pk]) if job.is_downloadable else None

    def get_cancel_url(self, job: ExportJob) -> str | None:
        return reverse("api:export-cancel", args=[job.pk]) if job.is_active else None


class ExportJobCreatedOutputSerializer(ExportJobOutputSerializer):
    """The 202 answer to an export request: the job, and a `notice` when it waits for the queue."""

    # Not read-only: read-only fields are documented as always present, and this one is not.
    notice = serializers.CharField(
        required=False,
        help_text="Present when the task queue is unreachable: the job is saved and will run "
        "when it is back.",
    )

    class Meta(ExportJobOutputSerializer.Meta):
        fields = [*ExportJobOutputSerializer.Meta.fields, "notice"]
