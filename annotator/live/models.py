"""The event log behind the live stream: one row per change, written in the change's transaction.

The row's id is the Server-Sent Events id: a client that reconnects with `Last-Event-ID` is
replayed every later row from PostgreSQL, so a Redis restart or a closed laptop loses nothing.
Rows say who may receive them (`audience`, read by `annotator.lib.policy`), never decide it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    class Kind(models.TextChoices):
        ANNOTATION_CREATED = "annotation.created", _("Annotation created")
        ANNOTATION_EDITED = "annotation.edited", _("Annotation edited")
        ANNOTATION_REANCHORED = "annotation.reanchored", _("Annotation re-anchored")
        ANNOTATION_SUBMITTED = "annotation.submitted", _("Annotation submitted")
        ANNOTATION_REVIEWED = "annotation.reviewed", _("Annotation reviewed")
        ANNOTATION_MODERATED = "annotation.moderated", _("Annotation locked, unlocked or restored")
        ANNOTATION_HIDDEN = "annotation.hidden", _("Annotation hidden")
        ANNOTATION_DELETED = "annotation.deleted", _("Annotation deleted")
        REPLY_ADDED = "reply.added", _("Reply added")
        ARTICLE_REVISED = "article.revised", _("Text of a source corrected")
        RATING_COUNT = "rating.count", _("Number of ratings changed")
        VERDICT_PUBLISHED = "verdict.published", _("Verdict published")
        INBOX = "inbox", _("Inbox changed")
        JOB_PROGRESS = "job.progress", _("Export or import progress")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Plain ids, not foreign keys: the log outlives nothing and never blocks a delete.
    article_id = models.BigIntegerField(null=True, blank=True)
    annotation_id = models.BigIntegerField(null=True, blank=True)
    # Set for events meant for one user only (inbox, job progress); null for shared events.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The facts the visibility policy needs to filter this event per recipient (the annotation's
    # state before and after the change); never sent to a client.
    audience = models.JSONField(default=dict, blank=True)
    # What a recipient who may see the event receives (built from the read model).
    payload = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("live event")
        verbose_name_plural = _("live events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    def message(self) -> dict:
        """The event as it travels through Redis (and as the stream filters it)."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "article_id": self.article_id,
            "annotation_id": self.annotation_id,
            "recipient_id": self.recipient_id,
            "audience": self.audience,
            "payload": self.payload,
            "created": self.created.isoformat(),
        }
