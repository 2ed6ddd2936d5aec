"""Deposits (SPEC.md §8): opened on signing by class, received by finance, deducted with
the general manager's approval, refunded within 30 working days of termination."""

import datetime as dt
from decimal import Decimal

import pytest

from merchants.models import MerchantClass, MerchantStatus
from merchants.services import merchant_terminate, merchant_transition
from settlement import services
from settlement.models import Deposit, DepositEntry, DepositRuleSet, DepositStatus, EntryStatus
from tests.factories.merchants import MerchantFactory
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

pytestmark = pytest.mark.django_db


def _sign(merchant_class):
    merchant = MerchantFactory(signed_class=merchant_class)
    return merchant_transition(
        merchant=merchant,
        to_status=MerchantStatus.ACTIVE,
        fields={"signed_at": dt.datetime(2026, 9, 18, 2, tzinfo=dt.UTC)},
    )


@pytest.mark.parametrize(
    ("merchant_class", "required"),
    [(MerchantClass.I, "100000.00"), (MerchantClass.II, "50000.00"), (MerchantClass.III, "20000.00"), ("", "20000.00")],
)
def test_it_opens_the_deposit_on_signing_by_class(merchant_class, required):
    merchant = _sign(merchant_class)
    deposit = Deposit.objects.get(merchant=merchant)
    assert deposit.required == Decimal(required)
    assert (deposit.received, deposit.status, deposit.refund_due) == (Decimal("0.00"), DepositStatus.DUE, None)


def test_it_asks_the_amount_in_force_on_the_signing_day():
    DepositRuleSet.objects.create(
        effective_from=dt.date(2026, 9, 18), class_i=Decimal("90000"), class_ii=Decimal("45000"), class_iii=Decimal("1")
    )
    DepositRuleSet.objects.create(
        effective_from=dt.date(2026, 9, 19), class_i=Decimal("1"), class_ii=Decimal("1"), class_iii=Decimal("1")
    )
    assert Deposit.objects.get(merchant=_sign(MerchantClass.II)).required == Decimal("45000.00")


def test_a_prospect_has_no_deposit_and_signing_twice_opens_one():
    merchant = MerchantFactory()
    assert not Deposit.objects.filter(merchant=merchant).exists()
    merchant = _sign(MerchantClass.I)
    assert services.deposit_open(merchant=merchant).pk == Deposit.objects.get(merchant=merchant).pk
    assert Deposit.objects.filter(merchant=merchant).count() == 1


def test_it_is_held_once_received_in_full(merchant, finance):
    deposit = services.deposit_receive(deposit=merchant.deposit, by=finance, amount="5000.00", received_on="2026-09-10")
    assert (deposit.received, deposit.status) == (Decimal("5000.00"), DepositStatus.DUE)
    deposit = services.deposit_receive(deposit=deposit, by=finance, amount="15000", received_on="2026-09-20")
    assert (deposit.received, deposit.status, deposit.refundable) == (
        Decimal("20000.00"),
        DepositStatus.HELD,
        Decimal("20000.00"),
    )
    entries = list(deposit.entries.values_list("kind", "amount", "on", "recorded_by"))
    assert entries == [
        ("receipt", Decimal("5000.00"), dt.date(2026, 9, 10), finance.pk),
        ("receipt", Decimal("15000.00"), dt.date(2026, 9, 20), finance.pk),
    ]


def test_it_refuses_more_than_is_owed(merchant, finance):
    with pytest.raises(ApplicationError) as error:
        services.deposit_receive(deposit=merchant.deposit, by=finance, amount="20000.01", received_on="2026-09-10")
    assert error.value.field == "amount"
    assert not DepositEntry.objects.exists()


def _held(merchant, finance):
    return services.deposit_receive(deposit=merchant.deposit, by=finance, amount="20000", received_on="2026-09-10")


def test_a_deduction_counts_once_the_general_manager_approves_it(merchant, finance, general_manager):
    deposit = _held(merchant, finance)
    entry = services.deposit_deduct(deposit=deposit, by=finance, amount="5000", reason="Counterfeit goods")
    deposit.refresh_from_db()
    assert (entry.status, deposit.deducted, deposit.refundable) == (
        EntryStatus.PENDING,
        Decimal("0.00"),
        Decimal("20000.00"),
    )
    with pytest.raises(NotPermitted):
        services.deduction_decide(deposit=deposit, entry_id=entry.pk, by=finance, approve=True)
    entry = services.deduction_decide(deposit=deposit, entry_id=entry.pk, by=general_manager, approve=True)
    deposit.refresh_from_db()
    assert (entry.status, entry.decided_by, entry.reason) == (
        EntryStatus.APPROVED,
        general_manager,
        "Counterfeit goods",
    )
    assert (deposit.deducted, deposit.refundable, deposit.status) == (
        Decimal("5000.00"),
        Decimal("15000.00"),
        DepositStatus.HELD,
    )
    with pytest.raises(InvalidTransition):
        services.deduction_decide(deposit=deposit, entry_id=entry.pk, by=general_manager, approve=False)


def test_a_rejected_deduction_takes_nothing(merchant, finance, general_manager):
    deposit = _held(merchant, finance)
    entry = services.deposit_deduct(deposit=deposit, by=finance, amount="5000", reason="False delivery")
    services.deduction_decide(deposit=deposit, entry_id=entry.pk, by=general_manager, approve=False)
    deposit.refresh_from_db()
    assert deposit.deducted == Decimal("0.00")
    assert DepositEntry.objects.get(pk=entry.pk).status == EntryStatus.REJECTED


def test_the_general_managers_own_deduction_counts_at_once(merchant, finance, general_manager):
    deposit = _held(merchant, finance)
    services.deposit_deduct(deposit=deposit, by=general_manager, amount="20000", reason="Arbitration award")
    deposit.refresh_from_db()
    assert (deposit.deducted, deposit.refundable) == (Decimal("20000.00"), Decimal("0.00"))


def test_pending_deductions_count_against_what_is_left(merchant, finance):
    deposit = _held(merchant, finance)
    services.deposit_deduct(deposit=deposit, by=finance, amount="15000", reason="Counterfeit goods")
    with pytest.raises(ApplicationError) as error:
        services.deposit_deduct(deposit=deposit, by=finance, amount="5000.01", reason="Again")
    assert error.value.field == "amount"


@pytest.mark.parametrize(
    ("terminated_at", "refund_due"),
    [
        # 30 working days from a Monday, the National Day holiday (10-01..10-07) in between.
        (dt.datetime(2026, 9, 21, 2, tzinfo=dt.UTC), dt.date(2026, 11, 9)),
        # Terminated on the eve of the holiday: Monday–Friday alone would give 11-11.
        (dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC), dt.date(2026, 11, 17)),
    ],
)
def test_the_refund_is_due_30_working_days_after_termination(merchant, finance, admin_user, terminated_at, refund_due):
    _held(merchant, finance)
    merchant_terminate(merchant=merchant, by=admin_user, reason="Contract ended", when=terminated_at)
    deposit = Deposit.objects.get(merchant=merchant)
    assert (deposit.status, deposit.refund_due) == (DepositStatus.REFUND_DUE, refund_due)


def test_it_is_refunded_after_termination(merchant, finance, admin_user, general_manager):
    deposit = _held(merchant, finance)
    services.deposit_deduct(deposit=deposit, by=general_manager, amount="2000.50", reason="False delivery")
    with pytest.raises(InvalidTransition):
        services.deposit_refund(deposit=deposit, by=finance, amount="100", refunded_on="2026-09-20")
    merchant_terminate(merchant=merchant, by=admin_user, reason="Contract ended")
    deposit = services.deposit_refund(deposit=deposit, by=finance, amount="10000", refunded_on="2026-09-20")
    assert (deposit.status, deposit.refundable) == (DepositStatus.REFUND_DUE, Decimal("7999.50"))
    deposit = services.deposit_refund(deposit=deposit, by=finance, amount="7999.50", refunded_on="2026-09-20")
    assert (deposit.status, deposit.refunded, deposit.refundable) == (
        DepositStatus.REFUNDED,
        Decimal("17999.50"),
        Decimal("0.00"),
    )
    with pytest.raises(ApplicationError) as error:
        services.deposit_refund(deposit=deposit, by=finance, amount="0.01", refunded_on="2026-09-20")
    assert error.value.field == "amount"


def test_a_terminated_merchant_without_a_deposit_received_owes_no_refund(merchant, admin_user):
    merchant_terminate(merchant=merchant, by=admin_user, reason="Never paid")
    assert Deposit.objects.get(merchant=merchant).status == DepositStatus.REFUNDED


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "required"),
        ("", "required"),
        ("abc", "invalid"),
        ("-1", "invalid"),
        ("0", "invalid"),
        ("1.234", "invalid"),
        ("NaN", "invalid"),
        ("1e3", "invalid"),
        (True, "invalid"),
        ([1], "invalid"),
        ("99999999999", "invalid"),
    ],
)
def test_it_refuses_an_amount_that_is_not_positive_money(merchant, finance, value, message):
    with pytest.raises(ApplicationError) as error:
        services.deposit_receive(deposit=merchant.deposit, by=finance, amount=value, received_on="2026-09-10")
    assert (error.value.field, error.value.code) == ("amount", message)


@pytest.mark.parametrize("value", [None, "", "2026-13-01", "20260910", "2026-09-21", 20260910])
def test_it_refuses_a_day_that_is_not_a_past_date(merchant, finance, value):
    with pytest.raises(ApplicationError) as error:
        services.deposit_receive(deposit=merchant.deposit, by=finance, amount="1", received_on=value)
    assert error.value.field == "received_on"


@pytest.mark.parametrize("reason", [None, "", "   ", 5, "x" * 501, "a\x00b"])
def test_a_deduction_needs_a_reason(merchant, finance, reason):
    with pytest.raises(ApplicationError) as error:
        services.deposit_deduct(deposit=_held(merchant, finance), by=finance, amount="1", reason=reason)
    assert error.value.field == "reason"
