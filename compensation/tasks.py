"""Background jobs of compensation: the scheduled runs and the sweep that completes a run
a killed worker left uncomputed. They take ids or nothing and are safe to re-run."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .models import PayrollRun, RunKind, RunStatus
from .services.periods import previous_period
from .services.runs import payroll_run_compute, payroll_run_start

logger = logging.getLogger(__name__)


@shared_task
def run_scheduled_payroll(kind: str = RunKind.MONTHLY) -> int | None:
    """Beat: the run of the last finished period of ``kind`` (monthly: the previous
    month), started or completed; an existing computed run is left as it is."""
    period = previous_period(kind)
    run, created = payroll_run_start(kind=kind, period=period.label)
    logger.info("payroll run %s %s: %s", kind, period.label, "started" if created else "exists")
    return run.pk


@shared_task(recovered_by="compensation.tasks.compute_pending_payroll_runs")
def compute_payroll_run(run_id: int) -> None:
    run = PayrollRun.objects.filter(pk=run_id, status=RunStatus.DRAFT).first()
    if run is not None:
        payroll_run_compute(run=run)


@shared_task
def compute_pending_payroll_runs() -> int:
    """Sweep: compute every draft run that has never been computed (a worker killed
    between the start and the end of the computation, a lost task). A run that fails is
    logged and left for the next sweep; the others are still computed."""
    count = 0
    cutoff = timezone.now() - timezone.timedelta(minutes=2)
    for run in PayrollRun.objects.filter(status=RunStatus.DRAFT, computed_at__isnull=True, created_at__lt=cutoff):
        try:
            payroll_run_compute(run=run)
        except Exception:  # one run's failure must not keep the others waiting
            logger.exception(
                "payroll run %s %s could not be computed; the next sweep tries again", run.kind, run.period
            )
            continue
        count += 1
    return count
