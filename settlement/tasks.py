from celery import shared_task

from .services import reminders


@shared_task
def remind_deposit_refunds() -> int:
    """Beat job: remind finance of deposit refunds falling due, escalate the overdue ones
    to the general manager (SPEC.md §8). Safe to run often: each notice goes once."""
    return reminders.remind_refunds()
