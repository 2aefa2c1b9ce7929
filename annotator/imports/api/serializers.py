from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from annotator.imports.models import ImportJob


class ImportRequestInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file to import (multipart).")
    format = serializers.ChoiceField(choices=ImportJob.Format.choices)
    article = serializers.IntegerField(
        required=False, allow_null=True, help_text="Send every row to this article."
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Check and count everything, write nothing."
    )
    options = serializers.JSONField(
        required=False,
        default=dict,
        binary=True,
        help_text='Moderators: {"user_map": {"source user": "username"}, "keep_approved": true}',
    )


class ImportCancelInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, help_text="or If-Match")


class ImportRequesterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class ImportReportEntrySerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="1-based line (line formats)")
    index = serializers.CharField(help_text="JSON path of the row in the file")
    status = serializers.ChoiceField(choices=["refused", "skipped", "converted"])
    reason = serializers.CharField()
    expected = serializers.CharField()


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    failed = serializers.IntegerField()
    articles_created = serializers.IntegerField()


class ImportJobOutputSerializer(serializers.ModelSerializer):
    requested_by = ImportRequesterSerializer(read_only=True)
    counts = serializers.SerializerMethodField()
    report = ImportReportEntrySerializer(many=True, read_only=True)
    report_csv_url = serializers.SerializerMethodField()
    cancel_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "format",
            "article",
            "dry_run",
            "options",
            "original_name",
            "size",
            "sha256",
            "state",
            "progress",
            "rows_seen",
            "counts",
            "report",
            "report_truncated",
            "report_csv_url",
            "error",
            "requested_by",
            "attempts",
            "version",
            "created",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "cancel_url",
        ]
        read_only_fields = fields

    def get_counts(self, job: ImportJob) -> ImportCountsSerializer:
        return {  # type: ignore[return-value]
            "created": job.created_count,
            "skipped": job.skipped_count,
            "failed": job.failed_count,
            "articles_created": job.articles_created,
        }

    get_counts.__annotations__["return"] = ImportCountsSerializer

    def get_report_csv_url(self, job: ImportJob) -> str:
        return reverse("api:import-report", args=[job.pk])

    def get_cancel_url(self, job: ImportJob) -> str | None:
        return reverse("api:import-cancel", args=[job.pk]) if job.is_active else None
