from celery import shared_task

from . import services


@shared_task
def remind_overdue_approvals() -> int:
    """Beat job: remind approvers of steps waiting longer than the reminder delay of the
    approval rules in force (``ApprovalRuleSet``, 1 working day by default; SPEC.md §3).
    Safe to run often: what is due comes from the database, each reminder goes once."""
    return services.remind_overdue_approvals()
