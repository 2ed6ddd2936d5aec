"""What the settlement pages share: who may open them and the statements' filters."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from workplace.exceptions import ApplicationError
from workplace.roles import Role, has_role

from .. import selectors
from ..models import StatementStatus

_MONTH = re.compile(r"^\d{4}-\d{2}$", re.ASCII)
_ID = re.compile(r"^\d{1,18}$", re.ASCII)


def back_office_required(view):
    """Staff who read statements (finance, the general manager, admins, recruiters and
    heads); a merchant and the other roles are refused."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if has_role(user, Role.MERCHANT) or not selectors.may_read_deposits(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def parse_month(value: str | None) -> tuple[dt.date, dt.date] | None:
    """``YYYY-MM`` as its first and last day; empty is no filter."""
    value = (value or "").strip()
    if not value:
        return None
    first = None
    if _MONTH.match(value):
        try:
            first = dt.date(int(value[:4]), int(value[5:]), 1)
        except ValueError:
            first = None
    if first is None:
        raise ApplicationError(_("Enter a month as YYYY-MM."), field="month")
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def parse_date(value: str | None, *, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ApplicationError(_("Enter a date as YYYY-MM-DD."), field=field)


@dataclass(frozen=True)
class StatementFilters:
    """The statements lists' filters (the page and its export read the same ones)."""

    month: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    merchant: int | None = None
    q: str = ""

    def apply(self, queryset):
        if self.month:
            first, last = parse_month(self.month)
            queryset = queryset.filter(period_start__gte=first, period_start__lte=last)
        if self.date_from:
            queryset = queryset.filter(period_start__gte=self.date_from)
        if self.date_to:
            queryset = queryset.filter(period_end__lte=self.date_to)
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.merchant is not None:
            queryset = queryset.filter(merchant_id=self.merchant)
        if self.q:
            queryset = queryset.filter(merchant__name__icontains=self.q)
        return queryset

    def query(self) -> dict:
        """The filters as query parameters (for the export's link)."""
        values = {
            "month": self.month,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "status": self.status,
            "merchant": str(self.merchant) if self.merchant is not None else "",
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value}


def statement_filters(params, *, staff: bool) -> StatementFilters:
    """The filters of a request's query; a bad value raises ``ApplicationError`` naming it.
    The portal filters by month only; the back office by every filter."""
    month = (params.get("month") or "").strip()
    parse_month(month)
    if not staff:
        return StatementFilters(month=month)
    date_from = parse_date(params.get("from"), field="from")
    date_to = parse_date(params.get("to"), field="to")
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The end date cannot be before the start date."), field="to")
    status = (params.get("status") or "").strip()
    if status and status not in StatementStatus.values:
        raise ApplicationError(_("Choose a status from the list."), field="status")
    merchant = (params.get("merchant") or "").strip()
    if merchant and not _ID.match(merchant):
        raise ApplicationError(_("Enter a merchant id."), field="merchant")
    q = (params.get("q") or "").strip()[:100]
    return StatementFilters(
        month=month,
        date_from=date_from,
        date_to=date_to,
        status=status,
        merchant=int(merchant) if merchant else None,
        q=q,
    )


ZERO = Decimal("0.00")


def statement_totals(queryset) -> dict:
    """The count and sums of the statements (one query); the page and the export show
    the same figures."""
    totals = queryset.order_by().aggregate(
        total_count=Count("id"),
        total_gross=Sum("gross"),
        total_commission=Sum("commission"),
        total_net=Sum("net"),
        total_paid_count=Count("id", filter=Q(status=StatementStatus.PAID)),
        total_paid=Sum("net", filter=Q(status=StatementStatus.PAID)),
    )
    return {key.removeprefix("total_"): (ZERO if value is None else value) for key, value in totals.items()}
