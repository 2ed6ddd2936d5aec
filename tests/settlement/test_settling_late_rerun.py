"""A late transaction found by the daily job run again the same day: its statement day is
closed already, so the correction is a line of the next day's (new, open) statement — never
a line added to a payable statement whose figures are frozen."""

import datetime as dt
from decimal import Decimal

import pytest

from settlement.models import CardTransaction, LineKind, Statement, StatementStatus
from settlement.services import settling
from tests.factories.settlement import signed_merchant

pytestmark = pytest.mark.django_db
D = dt.date


def _tx(merchant, day, amount, reference):
    return CardTransaction.objects.create(merchant=merchant, date=day, amount=Decimal(amount), reference=reference)


def test_a_late_transaction_on_a_rerun_goes_to_the_next_open_day(recruiter):
    merchant = signed_merchant(recruiter=recruiter, category="life_services")  # standard 10.00 %
    _tx(merchant, D(2026, 9, 10), "100.00", "a")
    _tx(merchant, D(2026, 9, 11), "100.00", "b")
    settling.settle(through=D(2026, 9, 11))
    _tx(merchant, D(2026, 9, 10), "50.00", "late")
    settling.settle(through=D(2026, 9, 11))  # the same day's job again
    closed = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 11))
    assert [line.kind for line in closed.lines.all()] == [LineKind.TRANSACTION]
    assert closed.gross == Decimal("100.00")
    later = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 12))
    assert later.status == StatementStatus.OPEN
    assert [line.kind for line in later.lines.all()] == [LineKind.LATE_CORRECTION]
    assert (later.gross, later.commission) == (Decimal("50.00"), Decimal("5.00"))
    settling.settle(through=D(2026, 9, 12))
    later.refresh_from_db()
    assert later.status == StatementStatus.PAYABLE
