"""The refund's reminders: finance from five days before the due date, finance and the
general manager once it is overdue (across the National Day holiday); each notice once."""

import datetime as dt

import pytest

from merchants.services import merchant_terminate
from settlement import services
from settlement.models import Deposit
from settlement.services import reminders
from settlement.tasks import remind_deposit_refunds
from workplace.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminated(merchant, finance, admin_user):
    services.deposit_receive(deposit=merchant.deposit, by=finance, amount="20000", received_on="2026-09-10")
    # Terminated on the eve of National Day: due 2026-11-17 (the holiday's days not counted).
    merchant_terminate(
        merchant=merchant, by=admin_user, reason="Contract ended", when=dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC)
    )
    deposit = Deposit.objects.get(merchant=merchant)
    assert deposit.refund_due == dt.date(2026, 11, 17)
    return deposit


def _sent():
    return sorted(Notification.objects.values_list("kind", "recipient__username"))


def test_nothing_is_said_long_before_the_due_date(terminated, finance, general_manager):
    assert reminders.remind_refunds(today=dt.date(2026, 11, 11)) == 0
    assert _sent() == []


def test_finance_is_reminded_before_the_due_date_once(terminated, finance, general_manager):
    assert reminders.remind_refunds(today=dt.date(2026, 11, 12)) == 1
    assert reminders.remind_refunds(today=dt.date(2026, 11, 17)) == 0
    assert _sent() == [("settlement.refund_due", "finance")]
    title = Notification.objects.get().title
    assert "2026-11-17" in title and terminated.merchant.name in title


def test_an_overdue_refund_goes_to_finance_and_the_general_manager(terminated, finance, general_manager):
    reminders.remind_refunds(today=dt.date(2026, 11, 12))
    assert reminders.remind_refunds(today=dt.date(2026, 11, 18)) == 2
    assert reminders.remind_refunds(today=dt.date(2026, 11, 19)) == 0
    assert _sent() == [
        ("settlement.refund_due", "finance"),
        ("settlement.refund_overdue", "finance"),
        ("settlement.refund_overdue", "gm"),
    ]


def test_a_refunded_deposit_is_not_chased(terminated, finance, general_manager):
    services.deposit_refund(deposit=terminated, by=finance, amount="20000", refunded_on="2026-09-20")
    assert reminders.remind_refunds(today=dt.date(2026, 11, 18)) == 0


def test_the_job_runs_the_reminders(terminated, finance, general_manager):
    assert remind_deposit_refunds() == 0  # today (2026-09-20) nothing is due yet


def test_a_run_with_nothing_new_takes_a_fixed_number_of_queries(
    terminated, finance, general_manager, recruiter, admin_user, queries
):
    from tests.factories.settlement import signed_merchant

    reminders.remind_refunds(today=dt.date(2026, 11, 18))

    def grow():
        merchant = signed_merchant(recruiter=recruiter)
        merchant_terminate(
            merchant=merchant, by=admin_user, reason="x", when=dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC)
        )
        Deposit.objects.filter(merchant=merchant).update(status="refund_due")
        reminders.remind_refunds(today=dt.date(2026, 11, 18))  # told once; the measured run has nothing new

    queries.assert_constant(lambda: reminders.remind_refunds(today=dt.date(2026, 11, 18)), grow, expected=4)
