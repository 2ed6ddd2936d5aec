"""The year-end bonus of one year (SPEC.md §5.6).

Each department's pool: when its merchants' average monthly terminal profit per merchant
over the year is above 50, total profit × (0.5 % + 0.1 % per full 50 above), capped at
1.0 %. The department head allocates it among the recruitment managers (招商经理, the
department's recruiters) and the general manager approves (``allocation``). A share is
paid unless its holder has left; a holder with less than 3 months' service at the year's
end is paid with the next year's year-end bonus (an item ``deferred`` now, a share then).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from workplace.models import StaffProfile

from .. import rules as pay_rules
from ..models import AllocationShare, AllocationStatus, ItemKind, LineItem, PayrollRun, RunKind, RunStatus
from .lines import Lines
from .periods import Period
from .quarterly import active_merchants, months_active, profit_by_merchant


@dataclass(frozen=True)
class PoolFigures:
    department_id: int
    total_profit: Decimal
    merchant_months: int
    average: Decimal
    rate: Decimal
    pool: Decimal


def department_pools(period: Period, rules) -> list[PoolFigures]:
    """The pool of every department with merchants active in the year (three queries)."""
    merchants = [m for m in active_merchants(period) if m["department_id"]]
    profits = profit_by_merchant(period)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    months: dict[int, int] = defaultdict(int)
    for merchant in merchants:
        totals[merchant["department_id"]] += profits.get(merchant["pk"], Decimal(0))
        months[merchant["department_id"]] += sum(1 for _ in months_active(merchant, period))
    pools = []
    for department_id in sorted(months):
        figures = pay_rules.year_end_pool(totals[department_id], months[department_id], rules)
        pools.append(
            PoolFigures(
                department_id=department_id,
                total_profit=pay_rules.money(totals[department_id]),
                merchant_months=months[department_id],
                average=figures.average,
                rate=figures.rate,
                pool=figures.pool,
            )
        )
    return pools


def compute_year_end(run: PayrollRun, period: Period, rules, *, today: dt.date | None = None) -> Lines:
    """The lines of a year-end run from its pools' approved allocations (none before)."""
    today = today or timezone.localdate()
    profiles = {p.user_id: p for p in StaffProfile.objects.only("user_id", "department_id", "hire_date", "leave_date")}
    lines = Lines({user_id: p.department_id for user_id, p in profiles.items()})

    def pay(staff_id: int, amount: Decimal, source, **details) -> None:
        profile = profiles.get(staff_id)
        if profile and pay_rules.has_left(profile.leave_date, today):
            lines[staff_id].add(
                None, ItemKind.NOT_PAID, amount=amount, source=source, left_on=str(profile.leave_date), **details
            )
            return
        hire = profile.hire_date if profile else None
        if pay_rules.months_of_service(hire, period.ends_on) < rules.min_service_months:
            lines[staff_id].add(
                None,
                ItemKind.DEFERRED,
                amount=amount,
                source=source,
                hire_date=str(hire),
                months=rules.min_service_months,
                **details,
            )
            return
        lines[staff_id].add("bonus", ItemKind.POOL_SHARE, amount=amount, source=source, **details)

    shares = AllocationShare.objects.filter(
        allocation__pool__run=run, allocation__status=AllocationStatus.APPROVED
    ).select_related("allocation__pool__department")
    for share in shares.order_by("staff_id"):
        pool = share.allocation.pool
        pay(
            share.staff_id,
            share.amount,
            ("compensation.allocation", share.allocation_id),
            department=pool.department.name,
            pool=str(pool.pool),
            year=period.label,
        )

    # Shares deferred by last year's run are paid now (to those still here).
    deferred = LineItem.objects.filter(
        kind=ItemKind.DEFERRED,
        line__run__kind=RunKind.YEAR_END,
        line__run__period=str(period.starts_on.year - 1),
        line__run__status=RunStatus.FINAL,
    ).select_related("line")
    for item in deferred.order_by("pk"):
        details = {key: value for key, value in item.data.items() if key in ("department", "pool")}
        profile = profiles.get(item.line.staff_id)
        if profile and pay_rules.has_left(profile.leave_date, today):
            lines[item.line.staff_id].add(
                None,
                ItemKind.NOT_PAID,
                amount=item.amount,
                source=(item.source_type, item.source_id),
                left_on=str(profile.leave_date),
                year=str(period.starts_on.year - 1),
                **details,
            )
            continue
        lines[item.line.staff_id].add(
            "bonus",
            ItemKind.POOL_SHARE,
            amount=item.amount,
            source=(item.source_type, item.source_id),
            year=str(period.starts_on.year - 1),
            deferred_from=str(period.starts_on.year - 1),
            **details,
        )
    return lines
