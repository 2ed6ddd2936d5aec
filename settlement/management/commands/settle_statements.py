"""``settle_statements [--through YYYY-MM-DD]``: the daily settling job, as the beat runs it
(every day up to yesterday in Shanghai by default; idempotent, a missed day caught up)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from ...services import settling


class Command(BaseCommand):
    help = "Build the settlement statements up to a day (default: yesterday) and close them."

    def add_arguments(self, parser):
        parser.add_argument("--through", help="YYYY-MM-DD: the last day to close (default: yesterday)")

    def handle(self, *args, through=None, **options):
        try:
            day = dt.date.fromisoformat(through) if through else settling.default_through()
        except ValueError as error:
            raise CommandError("--through: enter a date as YYYY-MM-DD") from error
        result = settling.settle(through=day)
        self.stdout.write(
            f"through {day.isoformat()}: {result.lines} lines, {result.statements_touched} statements refreshed, "
            f"{result.closed} closed"
        )
