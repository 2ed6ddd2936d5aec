"""Commissions factories: merchants are created directly (the merchants factories belong
to that app), requests go through the service so their chain is real."""

from decimal import Decimal

from commissions import services
from merchants.models import Merchant

_counter = {"n": 0}
_RECRUITERS = object()  # the default: the recruiter's department (None is a real choice)


def make_merchant(recruiter, *, category="dining_entertainment", status="prospect", department=_RECRUITERS, **fields):
    _counter["n"] += 1
    if department is _RECRUITERS:
        department = recruiter.staff_profile.department if recruiter is not None else None
    return Merchant.objects.create(
        name=fields.pop("name", f"测试商户{_counter['n']}"),
        category=category,
        status=status,
        recruiter=recruiter,
        department=department,
        **fields,
    )


def make_request(
    recruiter, rate="5.00", *, merchant=None, kind="prepaid", reason="大客户，长期合作", **merchant_fields
):
    merchant = merchant or make_merchant(recruiter, **merchant_fields)
    return services.rate_request_create(
        user=recruiter,
        merchant=merchant,
        kind=kind,
        proposed_rate=Decimal(rate) if rate is not None else None,
        reason=reason,
    )
