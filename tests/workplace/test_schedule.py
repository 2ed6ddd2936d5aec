"""Every scheduled job names a task that exists."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_the_jobs_of_the_spec_are_scheduled():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "merchants.tasks.process_onboarding_deadlines",
        "commissions.tasks.remind_overdue_approvals",
        "workplace.tasks.deliver_pending_email",
        "dashboards.tasks.evaluate_alerts",
        "settlement.tasks.remind_deposit_refunds",
    } <= tasks
