"""Annotations: a passage of an article (W3C quote + position selectors), a comment, linked proposals."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_PASSAGE_LENGTH = 5000
CONTEXT_LENGTH = 32


class Annotation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        ORPHANED = "orphaned", _("Orphaned")

    # No index of its own: annotation_article_start_idx leads with it.
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="annotations", db_index=False
    )
    revision = models.ForeignKey(
        "articles.ArticleRevision", on_delete=models.PROTECT, related_name="annotations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    # W3C TextQuoteSelector
    exact = models.TextField(_("exact quote"))
    prefix = models.CharField(_("prefix"), max_length=CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(_("suffix"), max_length=CONTEXT_LENGTH, blank=True)
    # W3C TextPositionSelector, Unicode code points of the revision's text
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    comment = models.TextField(_("comment"), blank=True)
    # The comment rendered by annotator.lib.markdown (sanitized), written by the services with
    # the comment so that pages listing hundreds of annotations do not re-render Markdown.
    comment_html = models.TextField(blank=True, editable=False)
    tags = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    proposals = models.ManyToManyField("proposals.Proposal", related_name="annotations", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The status the annotation had before it was orphaned, restored when re-attached.
    status_before_orphan = models.CharField(max_length=20, choices=Status.choices, blank=True)
    is_locked = models.BooleanField(_("locked"), default=False)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    # Indexed only where set (annotation_hidden_by_idx): the user-deletion check needs it.
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # Who made the last change, shown to a user whose write was refused as stale.
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    # History rows are read per annotation (`id`) and by date: the other foreign keys of the
    # historical table are not constraints there, and an index on each would only slow every
    # write (and a bulk import: one index entry per row and column).
    history = HistoricalRecords(
        m2m_fields=[proposals],
        no_db_index=["article", "revision", "author", "hidden_by", "modified_by"],
    )

    class Meta:
        ordering = ["article", "start", "end", "id"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")), name="annotation_offsets_ordered"
            ),
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + MAX_PASSAGE_LENGTH),
                name="annotation_passage_max_length",
            ),
            models.CheckConstraint(condition=~Q(exact=""), name="annotation_exact_not_empty"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "approved",
                        "changes_requested",
                        "rejected",
                        "orphaned",
                    ]
                ),
                name="annotation_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start"], name="annotation_article_start_idx"),
            models.Index(fields=["status", "created"], name="annotation_status_created_idx"),
            GinIndex(fields=["tags"], name="annotation_tags_gin"),
            # Counts per article and state of the visible annotations (the sources list), read
            # from the index alone: every column the visibility rule needs is in it.
            models.Index(
                fields=["article", "status"],
                include=["author", "status_before_orphan"],
                condition=Q(hidden_at__isnull=True, deleted_at__isnull=True),
                name="annotation_visible_counts_idx",
            ),
            models.Index(
                fields=["hidden_by"],
                condition=Q(hidden_by__isnull=False),
                name="annotation_hidden_by_idx",
            ),
        ]

    def __str__(self) -> str:
        quote = self.exact if len(self.exact) <= 60 else self.exact[:57] + "..."
        return f"«{quote}»"

    @property
    def is_visible(self) -> bool:
        return self.hidden_at is None and self.deleted_at is None


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for a create: retrying the same request returns the same
    annotation instead of a second one. One row per user and key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the request's fields: the same key with another body is refused.
    request_sha256 = models.CharField(max_length=64)
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
