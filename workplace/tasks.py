from celery import shared_task

from .models import Notification
from .notifications import deliver_notification_email


@shared_task
def deliver_email(notification_id: int) -> bool:
    return deliver_notification_email(notification_id)


@shared_task
def deliver_pending_email() -> int:
    """Sweep: e-mail every notification not yet sent (a lost task or a mail outage)."""
    sent = 0
    for notification_id in Notification.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True)[:500]:
        sent += deliver_notification_email(notification_id)
    return sent
