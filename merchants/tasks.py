"""Background jobs of onboarding: they take ids, call a service, and are safe to re-run."""

from celery import shared_task

from . import services


@shared_task(recovered_by="merchants.tasks.run_stalled_system_checks")
def run_system_check(application_id: int) -> bool:
    """The system check of one submitted application (enqueued on commit by submit; a
    check whose task was lost is run by ``run_stalled_system_checks``)."""
    return services.application_run_system_check(application_id=application_id) is not None


@shared_task
def process_onboarding_deadlines() -> dict:
    """Beat: reminders, escalations and expiry from the database state."""
    return services.onboarding_deadlines_process()


@shared_task
def run_stalled_system_checks() -> int:
    """Beat: run checks whose queued task was lost."""
    return services.stalled_system_checks_run()
