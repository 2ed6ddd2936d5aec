"""The quarterly bonus of one quarter (SPEC.md §5.4, §5.5).

For each recruiter: the bonus base is their merchants' terminal profit over the quarter
(a merchant handed over in the quarter shared by days, ``ownership.period_shares``); the
average is the base ÷ merchant-months (each active merchant once per month in which they
owned it on some day); churn is the merchants terminated in the quarter while theirs ÷
the merchants they owned at any time in it. A recruiter who left before the payout gets
none. Three queries whatever the number of merchants: the merchants active in the
quarter, their profit summed in the database, their handovers (and one for leave dates).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from merchants.models import Merchant
from workplace.models import StaffProfile

from .. import rules as pay_rules
from ..models import ItemKind, ProfitRecord
from .lines import Lines
from .ownership import load_stints, owner_on, period_shares, sharers_between
from .periods import Period, local_range


def split_to_the_fen(amount: Decimal, shares: dict[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` split by ``shares`` (summing to 1), each part rounded to the fen and the
    parts summing to ``amount`` exactly: the largest share takes the rounding remainder."""
    if len(shares) == 1:
        (owner,) = shares
        return {owner: pay_rules.money(amount)}
    ordered = sorted(shares, key=lambda owner: (-shares[owner], owner))
    parts = {owner: pay_rules.money(amount * shares[owner]) for owner in ordered[1:]}
    parts[ordered[0]] = pay_rules.money(amount) - sum(parts.values(), Decimal(0))
    return parts


def active_merchants(period: Period) -> list[dict]:
    """The merchants signed before the period's end and not terminated before its start,
    with the dates (Asia/Shanghai) they were active in it."""
    start, end = local_range(period.starts_on, period.ends_on)
    rows = (
        Merchant.objects.filter(signed_at__lt=end)
        .filter(Q(terminated_at__isnull=True) | Q(terminated_at__gte=start))
        .order_by("pk")
        .values("pk", "name", "recruiter_id", "department_id", "signed_at", "terminated_at")
    )
    merchants = []
    for row in rows:
        signed_on = timezone.localdate(row["signed_at"])
        terminated_on = timezone.localdate(row["terminated_at"]) if row["terminated_at"] else None
        row["active_from"] = max(period.starts_on, signed_on)
        row["active_to"] = min(period.ends_on, terminated_on) if terminated_on else period.ends_on
        row["terminated_on"] = terminated_on if terminated_on and terminated_on <= period.ends_on else None
        merchants.append(row)
    return merchants


def profit_by_merchant(period: Period, merchant_ids=None) -> dict[int, Decimal]:
    """Each merchant's terminal profit over the period, summed in the database."""
    queryset = ProfitRecord.objects.filter(month__gte=period.starts_on, month__lte=period.ends_on)
    if merchant_ids is not None:
        queryset = queryset.filter(terminal__merchant_id__in=merchant_ids)
    return dict(
        queryset.values("terminal__merchant_id")
        .annotate(total=Sum("profit"))
        .values_list("terminal__merchant_id", "total")
    )


def months_active(merchant: dict, period: Period):
    """``(first, last)`` day of each month of the period in which the merchant was active."""
    for month in period.months():
        month_end = min(period.ends_on, pay_rules.add_months(month, 1) - dt.timedelta(days=1))
        first, last = max(month, merchant["active_from"]), min(month_end, merchant["active_to"])
        if first <= last:
            yield first, last


def compute_quarterly(period: Period, rules, *, today: dt.date | None = None) -> Lines:
    today = today or timezone.localdate()
    merchants = active_merchants(period)
    profits = profit_by_merchant(period)
    stints = load_stints((m["pk"], m["recruiter_id"]) for m in merchants)
    leave_dates = dict(StaffProfile.objects.filter(leave_date__isnull=False).values_list("user_id", "leave_date"))
    departments = dict(StaffProfile.objects.values_list("user_id", "department_id"))

    base: dict[int, Decimal] = defaultdict(Decimal)
    merchant_months: dict[int, int] = defaultdict(int)
    owned: dict[int, int] = defaultdict(int)
    terminated: dict[int, int] = defaultdict(int)
    lines = Lines(departments)

    for merchant in merchants:
        merchant_stints = stints.get(merchant["pk"], [])
        quarter = (period.starts_on, period.ends_on)
        # A leaver sharing the merchant after a handover in the quarter counts it too.
        owners = sharers_between(merchant_stints, merchant["active_from"], merchant["active_to"], quarter)
        if not owners:
            continue
        for owner in owners:
            owned[owner] += 1
        for first, last in months_active(merchant, period):
            for owner in sharers_between(merchant_stints, first, last, quarter):
                merchant_months[owner] += 1
        if merchant["terminated_on"]:
            leaver = owner_on(merchant_stints, merchant["terminated_on"])
            if leaver is not None:
                terminated[leaver] += 1
        profit = profits.get(merchant["pk"], Decimal("0.00"))
        shares = period_shares(merchant_stints, period.starts_on, period.ends_on)
        for owner, part in split_to_the_fen(profit, shares).items():
            base[owner] += part
            details = {"merchant": merchant["name"], "profit": str(pay_rules.money(profit))}
            if shares[owner] != 1:
                details["share"] = str((shares[owner] * 100).quantize(Decimal("0.01")))
            lines[owner].add(
                None, ItemKind.BONUS_MERCHANT, amount=part, source=("merchants.merchant", merchant["pk"]), **details
            )

    for owner in sorted(set(owned) | set(base)):
        figures = pay_rules.quarterly_bonus(base[owner], merchant_months[owner], terminated[owner], owned[owner], rules)
        details = {
            "total": str(pay_rules.money(base[owner])),
            "merchant_months": merchant_months[owner],
            "average": str(figures.average),
            "base_rate": str(figures.base_rate),
            "churn": str(figures.churn),
            "terminated": terminated[owner],
            "owned": owned[owner],
            "churn_deduction": str(figures.churn_deduction),
            "rate": str(figures.rate),
        }
        left_on = leave_dates.get(owner)
        if pay_rules.has_left(left_on, today):
            lines[owner].add(None, ItemKind.NOT_PAID, amount=figures.bonus, left_on=str(left_on), **details)
            continue
        lines[owner].set_amount("bonus", ItemKind.BONUS, figures.bonus, **details)
    return lines
