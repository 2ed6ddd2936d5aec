"""Factories of the settlement app: a signed merchant with its deposit."""

import datetime as dt

from merchants.models import MerchantClass, MerchantStatus
from settlement import services
from tests.factories.merchants import MerchantFactory


def signed_merchant(*, recruiter=None, user=None, merchant_class=MerchantClass.III, signed_at=None, **fields):
    """An active merchant signed at ``signed_at`` (default: 2026-09-01 10:00 Shanghai), and
    its deposit opened as signing opens it."""
    department = getattr(getattr(recruiter, "staff_profile", None), "department", None)
    merchant = MerchantFactory(
        status=MerchantStatus.ACTIVE,
        recruiter=recruiter,
        department=department,
        user=user,
        signed_class=merchant_class,
        signed_at=signed_at or dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC),
        **fields,
    )
    services.deposit_open(merchant=merchant)
    return merchant
