"""Thin Celery entry points of the review app. Time limits: 30 s soft, 60 s hard per email."""

from __future__ import annotations

from celery import shared_task

from annotator.review.notifications import send_notification_email


@shared_task(
    name="review.send_notification_email",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=30,
    time_limit=60,
)
def send_notification_email_task(notification_id: int) -> bool:
    """Email one notification (idempotent enough: a retried task sends it again at worst)."""
    return send_notification_email(notification_id=notification_id)
