"""Compensation factories: signed merchants with terminals and monthly profits, pay
profiles, handovers — the inputs a payroll run reads, built directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from compensation.models import Handover, PayProfile, ProfitRecord
from merchants.models import Merchant, MerchantStatus, Terminal

_counter = {"n": 0}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment on ``day`` in Asia/Shanghai."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


def signed_merchant(recruiter, *, signed_on: dt.date, merchant_class: str = "II", terminated_on=None, **fields):
    _counter["n"] += 1
    department = fields.pop("department", recruiter.staff_profile.department if recruiter else None)
    return Merchant.objects.create(
        name=fields.pop("name", f"签约商户{_counter['n']}"),
        category=fields.pop("category", "dining_entertainment"),
        status=MerchantStatus.TERMINATED if terminated_on else MerchantStatus.ACTIVE,
        recruiter=recruiter,
        signing_recruiter=recruiter,
        department=department,
        signed_at=at(signed_on),
        signed_class=merchant_class,
        terminated_at=at(terminated_on) if terminated_on else None,
        **fields,
    )


def terminal(merchant, *, installed_on: dt.date, pays_service_fee: bool = True, removed_on=None, profits=None):
    """A terminal with ``profits`` ``{"2026-06": "30.00"}``."""
    _counter["n"] += 1
    row = Terminal.objects.create(
        merchant=merchant,
        serial=f"T{_counter['n']:07d}",
        installed_on=installed_on,
        pays_service_fee=pays_service_fee,
        removed_on=removed_on,
    )
    for month, profit in (profits or {}).items():
        year, number = (int(part) for part in month.split("-"))
        ProfitRecord.objects.create(terminal=row, month=dt.date(year, number, 1), profit=Decimal(profit))
    return row


def pay_profile(user, *, base="5000.00", allowance="0.00", position="0.00", since=dt.date(2026, 1, 1)):
    return PayProfile.objects.create(
        user=user,
        effective_from=since,
        base_salary=Decimal(base),
        allowance=Decimal(allowance),
        position_allowance=Decimal(position),
    )


def handover(merchant, *, leaver, successor, on: dt.date, by, keeps_maintaining=False):
    row = Handover.objects.create(
        merchant=merchant,
        leaver=leaver,
        successor=successor,
        effective_on=on,
        keeps_maintaining=keeps_maintaining,
        reason="离职交接",
        recorded_by=by,
    )
    Merchant.objects.filter(pk=merchant.pk).update(recruiter=successor)
    return row
