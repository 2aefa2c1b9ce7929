"""People: invitations to join the newsroom. Accounts themselves are Django's users and groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annotator.lib.roles import FACT_CHECKER, MODERATOR, REVIEWER

ROLE_CHOICES = [
    (FACT_CHECKER, _("Fact-checker")),
    (REVIEWER, _("Reviewer")),
    (MODERATOR, _("Moderator")),
]


class Invitation(models.Model):
    """A one-time link, valid for a few days, that lets a person set a password and join.

    Only the SHA-256 of the token is stored: the link in the email is the only copy of the token.
    """

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[FACT_CHECKER, REVIEWER, MODERATOR]),
                name="invitation_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["email", "accepted_at"], name="invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
