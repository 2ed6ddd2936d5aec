"""Demo merchant money (SPEC.md §8, issue 11): a finance login, the demo's signed merchants'
deposits in every state (due, held, with an approved and a pending deduction, refund due,
one refund overdue, refunded), their credit ratings for the last months, three months of
prepaid-card consumption settled into statements (most paid, one held by finance, a late
correction, a dispute held and another released) — so every settlement page has figures.

Runs after the merchants, complaints and compensation demos (``ORDER``): the ratings read
their complaints and surveys. The card transactions and statements are bulk writes (the
settling job itself); the deposits and the finance moves go through the services, so
each has its history. Two more signed merchants are terminated here (one refunded, one
refund still due) beside the merchants demo's terminated one, whose refund is overdue.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from merchants import services as merchant_services
from merchants.models import Merchant, MerchantStatus
from workplace.calendar import SHANGHAI
from workplace.demo import DEMO_PASSWORD
from workplace.roles import Role
from workplace.services import user_create

from . import services
from .models import (
    CardTransaction,
    Deposit,
    DepositEntry,
    EntryKind,
    Statement,
    StatementStatus,
)
from .services import payouts, settling
from .services.credit import credit_rate_month, months_before
from .services.deposits import deposit_status, refund_due_date

ORDER = 75
FINANCE = "finance"
CARD_DAYS = 92  # three months of consumption up to yesterday
SIGNED = [MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED, MerchantStatus.TERMINATED]


def load_context(context) -> None:
    context.extra_logins.append((FINANCE, Role.FINANCE.value))


def _finance_user(context):
    user = get_user_model().objects.filter(username=FINANCE).first()
    if user is None:
        user = user_create(
            username=FINANCE,
            role=Role.FINANCE,
            password=DEMO_PASSWORD,
            email=f"{FINANCE}@demo.zhaoshang.local",
            first_name="孙财务",
            department=context.departments.get("management") or None,
            manager=context.users.get("gm"),
            hire_date=dt.date(2025, 1, 6),
        )
    context.users[FINANCE] = user
    return user


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def demo_amount(position: int, day: dt.date) -> Decimal:
    """A plausible day's prepaid-card consumption: 300–3 000 yuan by merchant, a third more
    at weekends, some fen; ``None``-free (a quiet day is skipped by the caller)."""
    base = 300 + (position * 137) % 2700
    if day.weekday() >= 5:
        base = base * 4 // 3
    swing = (position * 31 + day.toordinal() * 17) % 400
    cents = Decimal((position * 7 + day.toordinal() * 13) % 100) / 100
    return Decimal(base + swing) + cents


def _quiet(position: int, day: dt.date) -> bool:
    return (position + day.toordinal()) % 9 == 0


# --- deposits -------------------------------------------------------------------------------


def _receive(deposit: Deposit, finance, amount: Decimal, on: dt.date) -> None:
    services.deposit_receive(deposit=deposit, by=finance, amount=f"{amount:.2f}", received_on=on.isoformat())


def _backdated_receipt(deposit: Deposit, finance, on: dt.date) -> None:
    """A terminated merchant's receipt, as recorded before its termination (the service
    refuses receipts once terminated)."""
    DepositEntry.objects.create(
        deposit=deposit,
        kind=EntryKind.RECEIPT,
        amount=deposit.required,
        on=on,
        recorded_by=finance,
        recorded_at=dt.datetime.combine(on, dt.time(10), tzinfo=SHANGHAI),
    )
    deposit.received = deposit.required
    deposit.status = deposit_status(
        required=deposit.required, received=deposit.received, refundable=deposit.refundable, terminated=True
    )
    deposit.save(update_fields=["received", "status", "updated_at"])


def _deposits(merchants: list[Merchant], *, finance, gm, today: dt.date) -> None:
    """Every state: the two latest signings still owe (nothing, half), the rest paid in
    full three days after signing; a deduction approved by the general manager, another
    proposed by finance; the merchants demo's terminated merchant's refund overdue, two
    more terminated: one refunded, one refund due."""
    for merchant in merchants:
        services.deposit_open(merchant=merchant)
    deposits = {d.merchant_id: d for d in Deposit.objects.filter(merchant__in=merchants)}
    already_terminated = [m for m in merchants if m.status == MerchantStatus.TERMINATED]
    running = [m for m in merchants if m.status != MerchantStatus.TERMINATED]
    owing, paying = running[-2:], running[:-2]
    for merchant in paying:
        signed_on = _local_day(merchant.signed_at)
        _receive(
            deposits[merchant.pk], finance, deposits[merchant.pk].required, min(today, signed_on + dt.timedelta(3))
        )
    if owing:
        half = (deposits[owing[0].pk].required / 2).quantize(Decimal("0.01"))
        _receive(deposits[owing[0].pk], finance, half, today)
    if len(paying) >= 2:
        services.deposit_deduct(
            deposit=deposits[paying[0].pk], by=gm, amount="2000.00", reason="虚假发货：顾客投诉查实，按合同扣除。"
        )
        services.deposit_deduct(
            deposit=deposits[paying[1].pk], by=finance, amount="1000.00", reason="仲裁结果：退还顾客预付卡余额。"
        )
    # The merchants demo's terminated merchant: paid in full, terminated two months ago:
    # its refund is overdue (30 working days).
    for merchant in already_terminated:
        deposit = deposits[merchant.pk]
        terminated_at = timezone.now() - dt.timedelta(days=60)
        Merchant.objects.filter(pk=merchant.pk).update(terminated_at=terminated_at)
        _backdated_receipt(deposit, finance, _local_day(merchant.signed_at) + dt.timedelta(3))
        deposit.refund_due = refund_due_date(terminated_on=_local_day(terminated_at))
        deposit.save(update_fields=["refund_due", "updated_at"])
    # Two more terminations among the merchants paid in full (not those with a deduction):
    # the older refunded, the newer still to refund.
    leaving = [m for m in paying[2:] if m.status == MerchantStatus.ACTIVE][-2:]
    for position, merchant in enumerate(leaving):
        merchant_services.merchant_terminate(merchant=merchant, by=merchant.recruiter, reason="合同到期不再续约。")
        for terminal in merchant.terminals.filter(removed_on__isnull=True):
            merchant_services.terminal_remove(
                terminal=terminal, by=merchant.recruiter, removed_on=today, reason="合同到期退机。"
            )
        if position == 0:
            deposit = Deposit.objects.get(pk=deposits[merchant.pk].pk)
            services.deposit_refund(
                deposit=deposit, by=finance, amount=f"{deposit.refundable:.2f}", refunded_on=today.isoformat()
            )


# --- card transactions and statements --------------------------------------------------------


def _transactions(merchants: list[Merchant], *, finance, first: dt.date, last: dt.date) -> int:
    rows = []
    for position, merchant in enumerate(merchants):
        start = max(first, _local_day(merchant.signed_at))
        end = min(last, _local_day(merchant.terminated_at)) if merchant.terminated_at else last
        day = start
        while day <= end:
            if not _quiet(position, day):
                rows.append(
                    CardTransaction(
                        merchant=merchant,
                        date=day,
                        amount=demo_amount(position, day),
                        reference=f"YK{day:%Y%m%d}-{merchant.pk:06d}",
                        created_by=finance,
                    )
                )
            day += dt.timedelta(days=1)
    CardTransaction.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _statements(merchants: list[Merchant], *, finance, today: dt.date) -> None:
    yesterday = today - dt.timedelta(days=1)
    settling.settle(through=yesterday - dt.timedelta(days=1))
    # A transaction of a closed day arriving late: a late correction on yesterday's statement.
    active = [m for m in merchants if m.status == MerchantStatus.ACTIVE]
    if active:
        late = active[0]
        CardTransaction.objects.create(
            merchant=late,
            date=yesterday - dt.timedelta(days=6),
            amount=Decimal("236.40"),
            reference=f"YK{yesterday - dt.timedelta(days=6):%Y%m%d}-{late.pk:06d}-LATE",
            created_by=finance,
        )
    settling.settle(through=yesterday)
    # Finance paid every statement due before today, on its payable day.
    due = Statement.objects.filter(status=StatementStatus.PAYABLE, payable_on__lt=today)
    for payable_on in sorted(set(due.values_list("payable_on", flat=True))):
        due.filter(payable_on=payable_on).update(
            status=StatementStatus.PAID,
            paid_at=dt.datetime.combine(payable_on, dt.time(10), tzinfo=SHANGHAI),
            paid_by=finance,
        )
    # One payable statement held by finance, pending an investigation.
    pending = (
        Statement.objects.filter(status=StatementStatus.PAYABLE, gross__gt=0)
        .order_by("payable_on", "merchant_id")
        .first()
    )
    if pending is not None:
        payouts.statement_hold(statement=pending, by=finance, reason="核查预付卡交易异常，暂缓付款。")
    # Disputes: one still open (held out of its day), one closed today (released).
    for position, merchant in enumerate(active[1:3]):
        day = today - dt.timedelta(days=3 + position)
        consumed = CardTransaction.objects.filter(merchant=merchant, date=day).values_list("amount", flat=True).first()
        if not consumed:
            continue
        dispute = payouts.dispute_open(
            merchant=merchant,
            by=finance,
            day=day.isoformat(),
            amount=f"{(consumed / 4).quantize(Decimal('0.01')):.2f}",
            reason="顾客对消费金额有异议。",
            today=today,
        )
        if position == 1:
            payouts.dispute_close(dispute=dispute, by=finance, note="核实无误，恢复结算。", today=today)


def seed(context) -> None:
    load_context(context)
    finance = _finance_user(context)
    gm = context.user("gm")
    today = timezone.localdate()
    merchants = list(
        Merchant.objects.filter(status__in=SIGNED, signed_at__isnull=False)
        .select_related("recruiter")
        .order_by("signed_at", "pk")
    )
    if not merchants:
        return
    _deposits(merchants, finance=finance, gm=gm, today=today)
    # Credit ratings of the last three months and this one, before settling: each day's
    # statement applies the grade in force on its day.
    this_month = today.replace(day=1)
    for back in (3, 2, 1, 0):
        credit_rate_month(as_of=months_before(this_month, back))
    merchants = list(Merchant.objects.filter(pk__in=[m.pk for m in merchants]).order_by("signed_at", "pk"))
    first = today - dt.timedelta(days=CARD_DAYS)
    _transactions(merchants, finance=finance, first=first, last=today - dt.timedelta(days=1))
    _statements(merchants, finance=finance, today=today)
