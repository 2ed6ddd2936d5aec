"""Shared by the settlement page tests: statements built by the settling job."""

import datetime as dt
from decimal import Decimal

from django.test import Client

from settlement.models import CardTransaction
from settlement.services import settling

D = dt.date


def login(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def transaction(merchant, day, amount, reference):
    return CardTransaction.objects.create(merchant=merchant, date=day, amount=Decimal(amount), reference=reference)


def settle_days(merchant, days, amount="1000.00", *, through=None):
    """A transaction on each day for ``merchant``, settled (closed) through the last day."""
    for day in days:
        transaction(merchant, day, amount, f"{merchant.pk}-{day.isoformat()}")
    settling.settle(through=through or max(days))
