"""The deposit refund's reminders (SPEC.md §8: refunded within 30 working days of the
termination, "reminded and escalated like §1 when late"): finance is reminded from five
days before the due date, and once the date has passed finance and the general manager
are told it is overdue. Derived from the database each run (a missed run catches up);
each notice goes once (dedupe key), however often the job runs."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from workplace.notifications import Notice, notify_once_each
from workplace.roles import Role, users_with_role

from ..models import Deposit, DepositStatus

REMIND_DAYS_BEFORE = 5


def _due_title(name: str, due: dt.date) -> str:
    return _("Deposit refund due by %(date)s: %(name)s") % {"date": due.isoformat(), "name": name}


def _overdue_title(name: str, due: dt.date) -> str:
    return _("Deposit refund overdue since %(date)s: %(name)s") % {"date": due.isoformat(), "name": name}


def remind_refunds(*, today: dt.date | None = None) -> int:
    """Send the reminders and escalations due today. Returns the notices sent."""
    today = today or timezone.localdate()
    deposits = list(
        Deposit.objects.filter(
            status=DepositStatus.REFUND_DUE, refund_due__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE)
        )
        .select_related("merchant")
        .order_by("refund_due", "pk")
    )
    if not deposits:
        return 0
    finance = list(users_with_role(Role.FINANCE).values_list("pk", flat=True))
    managers = list(users_with_role(Role.GENERAL_MANAGER).values_list("pk", flat=True))
    notices = []
    for deposit in deposits:
        name, due = deposit.merchant.name, deposit.refund_due
        overdue = due < today
        recipients = [*finance, *managers] if overdue else finance
        stage = "overdue" if overdue else "due"
        title = partial(_overdue_title if overdue else _due_title, name, due)
        notices.extend(
            Notice(
                recipient=user_id,
                kind=f"settlement.refund_{stage}",
                title=title,
                body="",
                url=reverse("admin:settlement_deposit_change", args=[deposit.pk]),
                dedupe_key=f"settlement:refund-{stage}:{deposit.pk}:user:{user_id}",
            )
            for user_id in recipients
        )
    return len(notify_once_each(notices))
