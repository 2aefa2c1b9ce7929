"""Review of annotations: every state transition is recorded as an immutable event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotator.annotations.models import Annotation


class AnnotationEvent(models.Model):
    """One transition of an annotation's lifecycle (or a moderation act). Never edited or deleted."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        EDIT = "edit", _("Edited")
        SUBMIT = "submit", _("Submitted")
        APPROVE = "approve", _("Approved")
        REQUEST_CHANGES = "request_changes", _("Changes requested")
        REJECT = "reject", _("Rejected")
        ORPHAN = "orphan", _("Orphaned by a text revision")
        REANCHOR = "reanchor", _("Re-anchored")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DELETE = "delete", _("Deleted")

    annotation = models.ForeignKey(Annotation, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(
        _("from"), max_length=20, choices=Annotation.Status.choices, blank=True
    )
    to_state = models.CharField(
        _("to"), max_length=20, choices=Annotation.Status.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("annotation event")
        verbose_name_plural = _("annotation events")
        indexes = [
            models.Index(fields=["annotation", "created"], name="event_annotation_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.annotation_id}: {self.action} {self.from_state}→{self.to_state}"
