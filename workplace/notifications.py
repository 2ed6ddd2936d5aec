"""Notifications: in-app rows, e-mailed by a background job (SPEC.md §1.5, §3, §4)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def notify(recipient, *, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str | None = None):
    """Create a notification for ``recipient`` and queue its e-mail after commit.

    With a ``dedupe_key`` the same event never notifies twice, however often a reminder
    job runs. Returns the notification, or None when it had already been sent.
    """
    if recipient is None:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    from .tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(notification.pk))
    return notification


def deliver_notification_email(notification_id: int) -> bool:
    """Send one notification's e-mail exactly once: the row is claimed by a conditional
    update, so two workers never both send it."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = notification.recipient.email
    if not address:
        return True
    try:
        send_mail(
            subject=notification.title,
            message=f"{notification.body}\n\n{notification.url}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except Exception:  # mail server down: release the claim so the sweep retries it
        logger.exception("e-mail for notification %s failed", notification_id)
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        return False
    return True


def mark_read(user, notification_ids=None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
