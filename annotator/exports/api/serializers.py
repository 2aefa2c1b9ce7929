from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from annotator.exports.models import ExportJob


class ExportRequestInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    filters = serializers.JSONField(required=False, default=dict)
    options = serializers.JSONField(required=False, default=dict)


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
