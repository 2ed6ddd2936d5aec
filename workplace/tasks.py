"""Background jobs of the shared app, and the one way every app queues a task.

A task is queued after the commit of the write it follows (``enqueue_on_commit``). The
write is the record: when the broker is unreachable at that moment (Redis down, the file
broker's folder unwritable) the task is not queued, a warning is logged and the request
answers as usual. Nothing is lost, because every task queued this way names the beat
job that finds its work from the database state (``recovered_by``):

- ``workplace.tasks.deliver_email`` -> ``workplace.tasks.deliver_pending_email``
  (every notification whose e-mail is not sent, every 5 minutes);
- ``merchants.tasks.run_system_check`` -> ``merchants.tasks.run_stalled_system_checks``
  (every application submitted more than 10 minutes ago and still unchecked).

Beat jobs go through the broker too, so the work is picked up once it is back.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from kombu.exceptions import KombuError

from .models import Notification
from .notifications import deliver_notification_email

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached: kombu wraps the transport's
# connection errors (redis ConnectionError, refused sockets) in OperationalError, a
# KombuError; the file broker raises OSError for a missing or read-only folder.
BROKER_UNAVAILABLE = (KombuError, OSError)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` when the current transaction commits (at once
    outside one). A broker outage is logged, never raised: the committed write stands
    and the task's ``recovered_by`` sweep does the work later."""
    sweep = getattr(task, "recovered_by", None)
    if not sweep:
        raise ImproperlyConfigured(
            f"{task.name} has no recovered_by: name the beat job that does its work when the queued task is lost"
        )

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except BROKER_UNAVAILABLE as error:
            logger.warning("broker unavailable, %s%r not queued; %s will pick it up: %s", task.name, args, sweep, error)

    transaction.on_commit(send)


@shared_task(recovered_by="workplace.tasks.deliver_pending_email")
def deliver_email(notification_id: int) -> bool:
    return deliver_notification_email(notification_id)


@shared_task
def deliver_pending_email() -> int:
    """Sweep: e-mail every notification not yet sent (a lost task or a mail outage)."""
    sent = 0
    for notification_id in Notification.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True)[:500]:
        sent += deliver_notification_email(notification_id)
    return sent


@shared_task
def seal_audit_log() -> int:
    """Sweep: seal the audit entries written since the last run (workplace.audit_chain)."""
    from .audit_chain import seal_entries

    return seal_entries()
