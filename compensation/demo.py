"""Demo pay (SPEC.md §5): pay profiles for the demo staff, terminals and six months of
terminal profit for the demo merchants, a handover (§5.5) in the last completed quarter,
and runs made through the real services — final monthly payrolls for the completed
months with profit, the final quarterly bonus of the last completed quarter, a preview
of the current month and a year-end draft — so every compensation page has figures.

The merchants demo installs the terminals (``merchants.demo``); a signed merchant without
one gets one here. The six months of profit are the five completed months before this
one and this month to date, from each terminal's installation month on. Every step looks
for what it would add first, so running it twice adds nothing. Without demo merchants
only the pay profiles are added.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from merchants import services as merchant_services
from merchants.models import Merchant, MerchantStatus, Terminal
from workplace.exceptions import ApplicationError

from .models import Handover, PayProfile, PayrollRun, ProfitRecord, ProfitSource, RunKind, RunStatus
from .services.handovers import handover_record
from .services.periods import local_range, month_period, previous_period, quarter_period
from .services.profits import profit_records_upsert
from .services.runs import payroll_run_finalize, payroll_run_start

ORDER = 60
PROFIT_MONTHS = 6
HIRED_ON = dt.date(2025, 1, 6)

# username → (base salary, allowance, position allowance)
PAY = {
    "gm": ("18000.00", "1000.00", "3000.00"),
    "director": ("13000.00", "800.00", "2000.00"),
    "head": ("9000.00", "600.00", "1500.00"),
    "recruiter1": ("4500.00", "500.00", "0.00"),
    "recruiter2": ("4300.00", "500.00", "0.00"),
    "recruiter3": ("4000.00", "500.00", "0.00"),
    "recruiter4": ("4000.00", "500.00", "0.00"),
    "recruiter5": ("3800.00", "500.00", "0.00"),
    "service": ("4200.00", "400.00", "0.00"),
    "quality_head": ("7000.00", "500.00", "1000.00"),
    "admin": ("6500.00", "400.00", "0.00"),
}
SIGNED = [MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED, MerchantStatus.TERMINATED]


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def profit_months(today: dt.date) -> list[dt.date]:
    """The first day of each of the six months with demo profit, oldest first."""
    this_month = today.replace(day=1)
    return [_add_months(this_month, -back) for back in range(PROFIT_MONTHS - 1, -1, -1)]


def demo_profit(position: int, month_index: int, *, pays_service_fee: bool = True) -> Decimal:
    """A plausible monthly profit: mostly 40–300 yuan, a third of the months under the
    POS minimum of 50, every other month for a terminal whose merchant pays no service
    fee (so the payroll shows POS shortfalls)."""
    cents = Decimal((position * 17 + month_index * 31) % 100) / 100
    if (position + month_index) % (3 if pays_service_fee else 2) == 0:
        return Decimal(12 + (position * 7 + month_index * 3) % 30) + cents
    return Decimal(40 + (position * 53 + month_index * 29) % 260) + cents


def _pay_profiles(context) -> None:
    for username, (base, allowance, position) in PAY.items():
        user = context.user(username)
        PayProfile.objects.get_or_create(
            user=user,
            effective_from=HIRED_ON,
            defaults={
                "base_salary": Decimal(base),
                "allowance": Decimal(allowance),
                "position_allowance": Decimal(position),
            },
        )


def _signed_merchants() -> list[Merchant]:
    return list(Merchant.objects.filter(status__in=SIGNED, signed_at__isnull=False).order_by("signed_at", "pk"))


def _terminals(merchants, head) -> None:
    """A terminal for each signed merchant that has none (installed three days after signing)."""
    with_terminals = set(Terminal.objects.values_list("merchant_id", flat=True))
    for index, merchant in enumerate(merchants):
        if merchant.pk in with_terminals:
            continue
        merchant_services.terminal_create(
            merchant=merchant,
            by=head,
            serial=f"FYD{merchant.pk:06d}",
            installed_on=timezone.localdate(merchant.signed_at) + dt.timedelta(days=3),
            pays_service_fee=index % 4 != 0,
        )


def _profits(head, today: dt.date) -> None:
    months = profit_months(today)
    terminals = Terminal.objects.filter(merchant__status__in=SIGNED, installed_on__lte=today).order_by("serial")
    rows = []
    for position, terminal in enumerate(terminals):
        for month_index, month in enumerate(months):
            if month < terminal.installed_on.replace(day=1):
                continue
            if terminal.removed_on is not None and terminal.removed_on < month:
                continue
            rows.append(
                {
                    "terminal_serial": terminal.serial,
                    "month": f"{month:%Y-%m}",
                    "profit": str(demo_profit(position, month_index, pays_service_fee=terminal.pays_service_fee)),
                }
            )
    recorded = set(ProfitRecord.objects.filter(month__gte=months[0]).values_list("terminal__serial", "month"))
    rows = [row for row in rows if (row["terminal_serial"], _month(row["month"])) not in recorded]
    if rows:
        profit_records_upsert(user=head, rows=rows, source=ProfitSource.DEMO, today=today)


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def _handover(context, today: dt.date) -> None:
    """One merchant handed from its recruiter to the next one in the middle of the last
    completed quarter (before that quarter's bonus is final)."""
    if Handover.objects.exists():
        return
    quarter = previous_period(RunKind.QUARTERLY, today)
    if PayrollRun.objects.filter(kind=RunKind.QUARTERLY, status=RunStatus.FINAL, ends_on__gte=quarter.starts_on):
        return
    middle = quarter.starts_on + dt.timedelta(days=(quarter.ends_on - quarter.starts_on).days // 2)
    recruiters = [context.user(f"recruiter{number}") for number in range(1, 6)]
    merchant = (
        Merchant.objects.filter(status=MerchantStatus.ACTIVE, recruiter__in=recruiters)
        .filter(signed_at__lt=local_range(middle, middle)[0])
        .order_by("signed_at", "pk")
        .first()
    )
    if merchant is None:
        if context.stdout:
            context.stdout.write("compensation demo: no merchant signed before the quarter to hand over")
        return
    ids = [recruiter.pk for recruiter in recruiters]
    successor = recruiters[(ids.index(merchant.recruiter_id) + 1) % len(recruiters)]
    handover_record(
        merchant=merchant,
        successor=successor,
        effective_on=middle,
        by=context.user("head"),
        reason="调岗交接：原招商经理调往县区，商户转交接任者维护。",
    )


def _run(kind: str, period: str, *, by, finalize_by=None) -> None:
    run, _created = payroll_run_start(kind=kind, period=period, by=by)
    if finalize_by is not None and run.status == RunStatus.DRAFT:
        payroll_run_finalize(run=run, by=finalize_by, reason="演示数据：已核对")


def _runs(context, today: dt.date) -> None:
    head, gm = context.user("head"), context.user("gm")
    months = profit_months(today)
    for month in months[:-1]:
        _run(RunKind.MONTHLY, month_period(month).label, by=head, finalize_by=gm)
    # This month as a preview (it cannot be finalised before the month ends).
    _run(RunKind.MONTHLY, month_period(months[-1]).label, by=head)
    quarter = previous_period(RunKind.QUARTERLY, today)
    _run(RunKind.QUARTERLY, quarter.label, by=head, finalize_by=gm)
    # The quarter under way as a preview.
    current = quarter_period(today.year, (today.month - 1) // 3 + 1)
    _run(RunKind.QUARTERLY, current.label, by=head)
    # The year-end bonus: last year's if it has profit (the head allocates its pool), else
    # this year's preview.
    last_year = today.year - 1
    has_profit = ProfitRecord.objects.filter(month__year=last_year).exists()
    _run(RunKind.YEAR_END, str(last_year if has_profit else today.year), by=head)


def seed(context) -> None:
    _pay_profiles(context)
    merchants = _signed_merchants()
    if not merchants:
        return
    today = timezone.localdate()
    head = context.user("head")
    _terminals(merchants, head)
    _profits(head, today)
    try:
        _handover(context, today)
    except ApplicationError as error:
        if context.stdout:
            context.stdout.write(f"compensation demo: no handover: {error.message}")
    _runs(context, today)
