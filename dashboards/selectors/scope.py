"""What every dashboard figure is read over: the period (``Period``, whole days in
Asia/Shanghai), the page's filters (``Filters``: region, category, segment, recruiter) and
the reader's scope, through each app's own selector (``merchants.selectors.applications_for_user``
and ``merchants_for_user``, ``complaints.selectors.complaints_for_user``,
``commissions.selectors.rate_requests_for_user``): a recruiter counts their own records, a
head their department's, the operations director, the general manager and admins
everything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode

from commissions.models import RateRequest
from commissions.selectors import rate_requests_for_user
from complaints.models import Complaint
from complaints.selectors import complaints_for_user
from merchants.models import Application, Merchant
from merchants.selectors import applications_for_user, merchants_for_user
from plans.models import Region
from workplace.calendar import SHANGHAI


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` to ``end`` (inclusive), Asia/Shanghai."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        """The first moment of the period."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)

    def querystring(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"


def current_month(today: dt.date | None = None) -> Period:
    """The default period: the current month up to its last day."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, next_first - dt.timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to, besides the period and the reader's scope:
    ``region`` (a ``plans.Region`` id: merchants whose ``district`` is the region's name
    or the name of a region under it, two levels down as in ``plans.selectors``),
    ``category`` and ``segment`` (the merchant's), ``recruiter`` (a user id: the
    merchant's owning recruiter). Every figure reads its records through their merchant,
    so a filter narrows all of them alike. Parsed and checked in ``dashboards.filters``."""

    region: int | None = None
    category: str = ""
    segment: str = ""
    recruiter: int | None = None

    def merchants(self, prefix: str = "") -> Q:
        """The condition on merchants (reached through ``prefix``, e.g. ``"merchant__"``)."""
        condition = Q()
        if self.region is not None:
            condition &= Q(**{f"{prefix}district__in": region_names(self.region)})
        if self.category:
            condition &= Q(**{f"{prefix}category": self.category})
        if self.segment:
            condition &= Q(**{f"{prefix}segment": self.segment})
        if self.recruiter is not None:
            condition &= Q(**{f"{prefix}recruiter_id": self.recruiter})
        return condition

    def params(self) -> dict[str, str]:
        """The filters set, as query-string parameters."""
        values = {"region": self.region, "category": self.category, "segment": self.segment}
        values["recruiter"] = self.recruiter
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def querystring(self) -> str:
        return urlencode(self.params())


NO_FILTERS = Filters()


def region_names(region_id: int) -> QuerySet:
    """The names of a region and of the regions two levels below it (a city's districts
    and counties), as a subquery: what merchants write in their ``district``."""
    return Region.objects.filter(Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id)).values(
        "name"
    )


def _scoped_applications(user, filters: Filters) -> QuerySet[Application]:
    return applications_for_user(user).filter(filters.merchants("merchant__"))


def _scoped_complaints(user, filters: Filters) -> QuerySet[Complaint]:
    return complaints_for_user(user).filter(filters.merchants("merchant__"))


def _scoped_merchants(user, filters: Filters) -> QuerySet[Merchant]:
    return merchants_for_user(user).filter(filters.merchants())


def _scoped_rate_requests(user, filters: Filters) -> QuerySet[RateRequest]:
    return rate_requests_for_user(user).filter(filters.merchants("merchant__"))
