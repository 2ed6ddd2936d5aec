"""The settling job (SPEC.md §8): a day's statement from its transactions, closed by the job."""

import datetime as dt
from decimal import Decimal

import pytest

from settlement.models import CardTransaction, LineKind, Statement, StatementStatus
from settlement.services import settling
from tests.factories.settlement import signed_merchant

pytestmark = pytest.mark.django_db
D = dt.date


def _tx(merchant, day, amount, ref):
    return CardTransaction.objects.create(merchant=merchant, date=day, amount=Decimal(amount), reference=ref)


def test_a_day_settled_at_the_standard_rate_rounded_once_then_frozen_and_a_late_correction(recruiter):
    merchant = signed_merchant(recruiter=recruiter, category="life_services")  # standard 10.00 %
    _tx(merchant, D(2026, 9, 10), "0.25", "a")
    _tx(merchant, D(2026, 9, 10), "0.25", "b")
    result = settling.settle(through=D(2026, 9, 10))
    statement = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 10))
    assert (statement.gross, statement.commission, statement.net) == (
        Decimal("0.50"),
        Decimal("0.05"),
        Decimal("0.45"),
    )
    assert statement.status == StatementStatus.PAYABLE and result.closed == 1
    assert statement.payable_on == D(2026, 9, 28)  # T+15 is the Mid-Autumn Festival
    assert settling.settle(through=D(2026, 9, 10)).lines == 0  # idempotent
    _tx(merchant, D(2026, 9, 10), "100.00", "late")
    settling.settle(through=D(2026, 9, 11))
    statement.refresh_from_db()
    assert statement.gross == Decimal("0.50")
    later = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 11))
    assert [line.kind for line in later.lines.all()] == [LineKind.LATE_CORRECTION]
    assert (later.gross, later.commission) == (Decimal("100.00"), Decimal("10.00"))


def test_a_dispute_held_out_then_released_on_the_closing_day_and_grade_a(recruiter, finance):
    from django.utils import timezone

    from settlement.models import CreditRating, CreditRuleSet
    from settlement.services import payouts

    merchant = signed_merchant(recruiter=recruiter, category="life_services")
    CreditRating.objects.create(
        merchant=merchant,
        as_of=D(2026, 9, 1),
        score=92,
        grade="A",
        rule_set=CreditRuleSet.objects.get(effective_from=D(2000, 1, 1)),
        computed_at=timezone.now(),
    )
    _tx(merchant, D(2026, 9, 15), "1000.00", "d1")
    dispute = payouts.dispute_open(
        merchant=merchant, by=finance, day="2026-09-15", amount="200.00", reason="客户投诉", today=D(2026, 9, 15)
    )
    day = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 15))
    assert (day.gross, day.commission, day.discount_applied) == (Decimal("800.00"), Decimal("76.00"), True)
    settling.settle(through=D(2026, 9, 15))
    payouts.dispute_close(dispute=dispute, by=finance, today=D(2026, 9, 18))
    release = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 18))
    assert [line.kind for line in release.lines.all()] == [LineKind.DISPUTE_RELEASE]
    assert (release.gross, release.commission, release.status) == (Decimal("200.00"), Decimal("19.00"), "open")
    day.refresh_from_db()
    assert (day.gross, day.status) == (Decimal("800.00"), StatementStatus.PAYABLE)
