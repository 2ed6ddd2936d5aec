"""Background jobs of complaint handling: they take ids or nothing, call a service, and
are safe to re-run."""

from celery import shared_task

from . import services


@shared_task
def process_complaint_deadlines() -> dict:
    """Beat: step notices, overdue reminders and escalations from the database state;
    nothing between 21:00 and 08:00 Asia/Shanghai (the first run after 08:00 catches up)."""
    return services.complaint_deadlines_process()
