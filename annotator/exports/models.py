"""Export jobs: the request, its state machine, its progress and the published file.

Job state lives here, never only in Celery: a job is `queued` until a worker claims it, `running`
while a worker streams rows (heartbeat per chunk), then `succeeded`, `failed` or `cancelled`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCHEMA_VERSION = "1.0"


class ExportJob(models.Model):
    class Format(models.TextChoices):
        JSONL = "jsonl", _("JSON Lines")
        CSV = "csv", _("CSV")
        W3C = "w3c", _("W3C Web Annotation (JSON-LD)")
        CLAIMREVIEW = "claimreview", _("schema.org ClaimReview (JSON-LD)")
        DATAPACKAGE = "datapackage", _("Frictionless data package (zip)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs"
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveBigIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveBigIntegerField(_("rows total"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    row_count = models.PositiveBigIntegerField(_("row count"), null=True, blank=True)
    error = models.TextField(_("error message"), blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    # Incremented by every claim: a run whose attempt is no longer current stops writing.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(_("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "succeeded", "failed", "cancelled"]),
                name="exportjob_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["jsonl", "csv", "w3c", "claimreview", "datapackage"]),
                name="exportjob_format_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="succeeded") | (~Q(file_name="") & ~Q(sha256="")),
                name="exportjob_succeeded_has_file",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="exportjob_state_heartbeat_idx"),
            models.Index(fields=["requested_by", "-created"], name="exportjob_requester_idx"),
            models.Index(fields=["finished_at"], name="exportjob_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} #{self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def is_downloadable(self) -> bool:
        return self.state == self.State.SUCCEEDED and self.file_deleted_at is None

    @property
    def progress_percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_done * 100 / self.rows_total))

    @property
    def path(self) -> Path | None:
        return Path(settings.EXPORT_ROOT) / self.file_name if self.file_name else None
