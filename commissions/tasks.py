from celery import shared_task

from . import services


@shared_task
def remind_overdue_approvals() -> int:
    """Beat job: remind approvers of steps waiting more than 1 working day (SPEC.md §3).
    Safe to run often: what is due comes from the database, each reminder goes once."""
    return services.remind_overdue_approvals()
