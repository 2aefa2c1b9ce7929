"""The in-app inbox and its emails. `notify` is the one way to tell a user something happened."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from annotator.lib.errors import NotFoundError
from annotator.live import events as live
from annotator.review.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient: Any,
    kind: str,
    annotation: Any = None,
    proposal: Any = None,
    actor: Any = None,
    text: str = "",
) -> Notification:
    """Add a line to `recipient`'s inbox, in the caller's transaction; the email (when the user
    has an address) is sent only after that transaction commits, so a rollback sends nothing.

    Kinds: Notification.Kind (approved, changes_requested, rejected, reply, verdict_published:
    the proposals' verdict publishing calls it for every rater of the proposal)."""
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        annotation=annotation,
        proposal=proposal,
        actor=actor,
        text=text,
    )
    if getattr(recipient, "email", ""):
        transaction.on_commit(lambda: send_notification_email(notification_id=notification.pk))
    live.inbox_changed(recipient_id=notification.recipient_id)
    return notification


def notify_many(notifications: Iterable[Notification]) -> list[Notification]:
    """`notify` for many lines at once: one INSERT in the caller's transaction, the emails after
    it commits."""
    created = Notification.objects.bulk_create(list(notifications), batch_size=500)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _email_all(ids))
    live.inbox_changed_many(recipient_ids={n.recipient_id for n in created})
    return created


def _email_all(notification_ids: list[int]) -> None:
    with_email = Notification.objects.filter(pk__in=notification_ids).exclude(recipient__email="")
    for notification_id in with_email.values_list("pk", flat=True):
        send_notification_email(notification_id=notification_id)


def notification_link(notification: Notification) -> str:
    if notification.annotation_id:
        return f"/annotations/{notification.annotation_id}/"
    if notification.proposal_id and notification.proposal is not None:
        return notification.proposal.get_absolute_url()
    return "/inbox/"


def send_notification_email(*, notification_id: int) -> bool:
    """Email one notification; a mail server failure is logged, never raised to the request."""
    notification = (
        Notification.objects.select_related("recipient", "actor", "annotation", "proposal")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(notification.get_kind_display())
        lines = [subject + "."]
        if notification.actor is not None:
            lines.append(_("By: %(name)s") % {"name": notification.actor.get_username()})
        if notification.text:
            lines += ["", notification.text]
        lines += ["", settings.SITE_URL + notification_link(notification)]
    try:
        send_mail(
            subject=f"[{settings.NEWSROOM_NAME}] {subject}",
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
    except OSError:
        logger.exception("notification email %s not sent", notification_id)
        return False
    return True


def notification_mark_read(*, actor: Any, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (another user's is a 404)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient=actor)
            .first()
        )
        if notification is None:
            raise NotFoundError(_("No such notification."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
