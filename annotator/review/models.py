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
        RECHECK = "recheck", _("Sent back to review: its passage changed in a text revision")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DELETE = "delete", _("Deleted")

    # No index of its own: event_annotation_created_idx leads with it.
    annotation = models.ForeignKey(
        Annotation, on_delete=models.PROTECT, related_name="events", db_index=False
    )
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
    # Facts of the event beyond its states, e.g. a re-anchoring's old and new quote and method.
    details = models.JSONField(_("details"), default=dict, blank=True)
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


class Reply(models.Model):
    """A message in an annotation's discussion. `parent` makes threads; replying changes no state."""

    annotation = models.ForeignKey(Annotation, on_delete=models.PROTECT, related_name="replies")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotation_replies"
    )
    body = models.TextField(_("message (Markdown)"))
    # Rendered once at write time from `body` (Markdown, then sanitized), never from user HTML.
    body_html = models.TextField(_("rendered message"))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="reply_body_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="reply_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["annotation", "created"], name="reply_annotation_idx")]

    def __str__(self) -> str:
        text = self.body if len(self.body) <= 60 else self.body[:57] + "..."
        return f"{self.author}: {text}"


class Flag(models.Model):
    """A signed-in user's report on an annotation or a reply, for the moderators' queue."""

    class Reason(models.TextChoices):
        WRONG = "wrong", _("Wrong")
        DUPLICATE = "duplicate", _("Duplicate")
        ABUSIVE = "abusive", _("Abusive")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    annotation = models.ForeignKey(
        Annotation, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(annotation__isnull=False, reply__isnull=True)
                    | models.Q(annotation__isnull=True, reply__isnull=False)
                ),
                name="flag_targets_exactly_one",
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=["wrong", "duplicate", "abusive"]),
                name="flag_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "resolved", "dismissed"]),
                name="flag_status_valid",
            ),
            models.UniqueConstraint(
                fields=["reporter", "annotation"],
                condition=models.Q(status="open", annotation__isnull=False),
                name="flag_one_open_per_reporter_annotation",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=models.Q(status="open", reply__isnull=False),
                name="flag_one_open_per_reporter_reply",
            ),
        ]
        indexes = [models.Index(fields=["status", "created"], name="flag_status_created_idx")]

    def __str__(self) -> str:
        target = (
            f"annotation {self.annotation_id}" if self.annotation_id else f"reply {self.reply_id}"
        )
        return f"{self.get_reason_display()} · {target}"


class Notification(models.Model):
    """One line of a user's in-app inbox. Email is sent too, after commit, when they have an address."""

    class Kind(models.TextChoices):
        APPROVED = "approved", _("Your annotation was approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested on your annotation")
        REJECTED = "rejected", _("Your annotation was rejected")
        REPLY = "reply", _("New reply to your annotation")
        VERDICT_PUBLISHED = "verdict_published", _("Verdict published on a proposal you rated")
        RECHECK = "recheck", _("A text revision changed a passage you wrote or approved")
        HIDDEN = "hidden", _("Your annotation was hidden by a moderator")
        LOCKED = "locked", _("Your annotation was locked by a moderator")
        UNLOCKED = "unlocked", _("Your annotation was unlocked")
        RESTORED = "restored", _("Your annotation was restored")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "approved",
                        "changes_requested",
                        "rejected",
                        "reply",
                        "verdict_published",
                        "recheck",
                        "hidden",
                        "locked",
                        "unlocked",
                        "restored",
                    ]
                ),
                name="notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
