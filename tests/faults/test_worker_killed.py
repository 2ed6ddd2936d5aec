"""A worker killed mid-task (issue 13): SIGKILL to a real Celery worker half-way through
the sweep that runs the system checks; a new worker and the next sweep (as beat sends it)
finish the rest, and every application is checked exactly once — the work is claimed and
written in one transaction per application, so the killed one left nothing half-done."""

import datetime as dt
import signal

import pytest
from django.db.models import Count
from django.utils import timezone

from merchants.models import Application, ApplicationStatus, CheckRun
from tests.factories.merchants import ApplicationFactory

from .conftest import send_task, wait_for

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]

APPLICATIONS = 150


def checked() -> int:
    return CheckRun.objects.values("application").distinct().count()


def test_a_worker_killed_mid_sweep_leaves_each_check_done_exactly_once(redis_server, start_worker):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    for _n in range(APPLICATIONS):
        ApplicationFactory(status=ApplicationStatus.SUBMITTED, submitted_at=long_ago)

    first = start_worker("first")
    send_task(redis_server.url, "merchants.tasks.run_stalled_system_checks")
    wait_for(lambda: checked() >= 5, timeout=60, every=0.02, what="the sweep under way")
    first.kill(signal.SIGKILL)
    done_when_killed = checked()
    assert 0 < done_when_killed < APPLICATIONS, "the sweep must be killed half-way"
    # What the killed worker had claimed but not committed is back to submitted.
    assert Application.objects.filter(status=ApplicationStatus.AUTO_CHECK).count() == 0

    start_worker("second")
    send_task(redis_server.url, "merchants.tasks.run_stalled_system_checks")
    wait_for(lambda: checked() == APPLICATIONS, timeout=120, what="every application checked")

    runs_per_application = CheckRun.objects.values("application").annotate(runs=Count("pk"))
    assert {row["runs"] for row in runs_per_application} == {1}
    assert not Application.objects.filter(status=ApplicationStatus.SUBMITTED).exists()
