"""Months of a terminal's POS service fee counted as paid (``PosFeeCredit``, SPEC.md §9
Decision, §5.3). Granted by higher apps (the alliance's redemption of credit points) through
``pos_fee_credit_create``, inside their own transaction; the monthly payroll then charges no
shortfall for that terminal and month.

A credit is refused (``ApplicationError`` naming ``month``) for a month the terminal is not
installed in, for a month already credited, and for a month whose monthly payroll is final
(its pay is settled; a credit then would change nothing that is paid).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from merchants.models import Terminal
from workplace.exceptions import ApplicationError

from ..models import PayrollRun, PosFeeCredit, RunKind, RunStatus


def month_last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def check_terminal_in_month(terminal: Terminal, month: dt.date) -> None:
    """The terminal is installed at some time in the month."""
    if terminal.installed_on > month_last_day(month) or (
        terminal.removed_on is not None and terminal.removed_on < month
    ):
        raise ApplicationError(
            _("The terminal is not installed in %(month)s.") % {"month": month.strftime("%Y-%m")}, field="month"
        )


def check_payroll_open(month: dt.date) -> None:
    period = month.strftime("%Y-%m")
    if PayrollRun.objects.filter(kind=RunKind.MONTHLY, period=period, status=RunStatus.FINAL).exists():
        raise ApplicationError(
            _("The payroll of %(month)s is final; its service fees can no longer be credited.") % {"month": period},
            field="month",
        )


def check_not_credited(terminal: Terminal, month: dt.date) -> None:
    if PosFeeCredit.objects.filter(terminal=terminal, month=month).exists():
        raise ApplicationError(
            _("The service fee of this terminal for %(month)s is already credited.")
            % {"month": month.strftime("%Y-%m")},
            field="month",
            code="already_credited",
        )


@transaction.atomic
def pos_fee_credit_create(*, terminal: Terminal, month: dt.date, source: str, by) -> PosFeeCredit:
    """Count ``terminal``'s service fee for ``month`` (its first day) as paid. The terminal
    is locked, so two credits of the same month at once end with one and a refusal."""
    if month.day != 1:
        raise ApplicationError(_("Give the month's first day."), field="month")
    terminal = Terminal.objects.select_for_update().get(pk=terminal.pk)
    check_terminal_in_month(terminal, month)
    check_payroll_open(month)
    check_not_credited(terminal, month)
    return PosFeeCredit.objects.create(terminal=terminal, month=month, source=source[:200], created_by=by)
