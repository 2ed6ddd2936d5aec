"""``run_payroll --month YYYY-MM``: the monthly payroll run, as the scheduled job does it
(``--quarter 2026-Q3`` / ``--year 2026`` for the bonus runs; ``--recompute`` a draft)."""

from django.core.management.base import BaseCommand, CommandError

from workplace.exceptions import ApplicationError

from ...models import RunKind, RunStatus
from ...services.periods import previous_period
from ...services.runs import payroll_run_recompute, payroll_run_start


class Command(BaseCommand):
    help = "Start (or complete) a payroll run: the monthly payroll by default, for the previous month."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--month", help="YYYY-MM (default: the previous month)")
        group.add_argument("--quarter", help="YYYY-Qn: the quarterly bonus")
        group.add_argument("--year", help="YYYY: the year-end bonus")
        parser.add_argument("--recompute", action="store_true", help="recompute the run if it is a draft")

    def handle(self, *args, month=None, quarter=None, year=None, recompute=False, **options):
        if quarter:
            kind, period = RunKind.QUARTERLY, quarter
        elif year:
            kind, period = RunKind.YEAR_END, year
        else:
            kind, period = RunKind.MONTHLY, month or previous_period(RunKind.MONTHLY).label
        try:
            run, created = payroll_run_start(kind=kind, period=period)
            if recompute and not created and run.status == RunStatus.DRAFT:
                run = payroll_run_recompute(run=run)
        except ApplicationError as error:
            raise CommandError(f"{error.field or 'period'}: {error.message}") from error
        lines = run.lines.count()
        state = "started" if created else ("recomputed" if recompute else "exists")
        self.stdout.write(f"{run.get_kind_display()} {run.period}: {state}, {run.status}, {lines} lines (id {run.pk})")
