"""Import jobs: an uploaded file, its state machine, its progress, counts and report; and the
provenance of every imported annotation.

Job state lives here, never only in Celery (as for exports): `queued` until a worker claims it,
`running` while it parses and stages rows (heartbeat per batch), then `succeeded`, `failed` or
`cancelled`. Annotations are written only by the final transaction of a succeeded run.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_REPORT_ENTRIES = 5000


class ImportJob(models.Model):
    class Format(models.TextChoices):
        JSONL = "jsonl", _("This app's JSON Lines export")
        W3C = "w3c", _("W3C Web Annotation (JSON-LD)")
        HYPOTHESIS = "hypothesis", _("Hypothesis (search API rows)")
        DOCCANO = "doccano", _("doccano (sequence labelling JSONL)")
        LABELSTUDIO = "labelstudio", _("Label Studio (JSON)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    # Every row goes to this article when set (files that do not name their article).
    article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    # user_map (source user -> username, moderators only), keep_approved (moderators only).
    options = models.JSONField(_("options"), default=dict, blank=True)
    language = models.CharField(max_length=8, default="fr")
    original_name = models.CharField(_("file name"), max_length=255)
    file_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    rows_seen = models.PositiveBigIntegerField(_("rows read"), default=0)
    created_count = models.PositiveBigIntegerField(_("created"), default=0)
    skipped_count = models.PositiveBigIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveBigIntegerField(_("failed"), default=0)
    articles_created = models.PositiveIntegerField(_("articles created"), default=0)
    # Refused, skipped and converted rows: {line, index, status, reason, expected}.
    report = models.JSONField(_("report"), default=list, blank=True)
    report_truncated = models.BooleanField(default=False)
    error = models.TextField(_("error message"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(_("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "succeeded", "failed", "cancelled"]),
                name="importjob_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["jsonl", "w3c", "hypothesis", "doccano", "labelstudio"]),
                name="importjob_format_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="importjob_progress_max"),
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="importjob_state_heartbeat_idx"),
            models.Index(fields=["requested_by", "-created"], name="importjob_requester_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} #{self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def path(self) -> Path:
        return Path(settings.IMPORT_ROOT) / self.file_name


class ImportedAnnotation(models.Model):
    """Where an imported annotation came from: the job, its place in the file and the source's
    own user, dates and id (`source`). Written in bulk by the job's final transaction."""

    annotation = models.OneToOneField(
        "annotations.Annotation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="provenance",
    )
    job = models.ForeignKey(
        ImportJob, on_delete=models.PROTECT, related_name="annotations", db_index=False
    )  # indexed by imported_annotation_job_idx
    line = models.PositiveIntegerField(null=True, blank=True)
    index = models.CharField(max_length=200, blank=True)
    # {"format", "id", "user", "created", "modified"} as the source gave them.
    source = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("imported annotation")
        verbose_name_plural = _("imported annotations")
        indexes = [models.Index(fields=["job"], name="imported_annotation_job_idx")]

    def __str__(self) -> str:
        return f"{self.annotation_id} ← #{self.job_id}"
