"""The compensation demo: terminals and six months of profit for the demo merchants, pay
profiles, a handover, final monthly and quarterly runs with figures, and nothing added twice."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from compensation import demo
from compensation.models import (
    Handover,
    ItemKind,
    LineItem,
    PayProfile,
    PayrollLine,
    PayrollRun,
    ProfitRecord,
    RunKind,
    RunStatus,
)
from merchants.models import Merchant, MerchantStatus, Terminal
from workplace import demo as workplace_demo
from workplace.demo import DemoContext

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Terminal, ProfitRecord, PayProfile, Handover, PayrollRun, PayrollLine, LineItem)
    }


def test_seed_demo_gives_every_compensation_page_figures(seeded):
    # terminals and six months of profit
    signed = Merchant.objects.filter(
        status__in=[MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED, MerchantStatus.TERMINATED]
    )
    assert signed.exists()
    assert not signed.filter(terminals__isnull=True).exists()
    assert Terminal.objects.filter(pays_service_fee=False).exists()
    months = sorted(set(ProfitRecord.objects.values_list("month", flat=True)))
    assert months == [dt.date(2026, m, 1) for m in range(6, 12)]
    assert set(ProfitRecord.objects.values_list("source", flat=True)) == {"demo"}
    # Some months below the POS minimum, most above; none before a terminal was installed.
    assert ProfitRecord.objects.filter(profit__lt=50).exists()
    assert ProfitRecord.objects.filter(profit__gte=50).count() > ProfitRecord.objects.filter(profit__lt=50).count()
    for record in ProfitRecord.objects.select_related("terminal"):
        assert record.month >= record.terminal.installed_on.replace(day=1)

    # staff have pay profiles from their hire date
    profiles = {p.user.username: p for p in PayProfile.objects.select_related("user")}
    assert set(profiles) == set(demo.PAY)
    assert {p.effective_from for p in profiles.values()} == {dt.date(2025, 1, 6)}
    assert profiles["recruiter1"].base_salary == Decimal("4500.00")

    # has a handover in the last completed quarter
    (handover,) = Handover.objects.all()
    assert dt.date(2026, 7, 1) <= handover.effective_on <= dt.date(2026, 9, 30)
    assert handover.leaver_id != handover.successor_id
    assert handover.merchant.recruiter_id == handover.successor_id
    assert handover.merchant.signed_at.date() < handover.effective_on

    # has final monthly runs with figures
    finals = PayrollRun.objects.filter(kind=RunKind.MONTHLY, status=RunStatus.FINAL).order_by("starts_on")
    assert [run.period for run in finals] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    for run in finals:
        lines = PayrollLine.objects.filter(run=run)
        assert lines.count() == len(demo.PAY)
        assert not lines.filter(total=0).exists()
        assert run.finalized_by.username == "gm"
    kinds = set(LineItem.objects.filter(line__run__in=finals).values_list("kind", flat=True))
    assert {ItemKind.BASE_SALARY, ItemKind.SIGNING, ItemKind.ASSESSMENT_PAY, ItemKind.POS_SHORTFALL} <= kinds
    preview = PayrollRun.objects.get(kind=RunKind.MONTHLY, period="2026-11")
    assert preview.status == RunStatus.DRAFT and preview.lines.exists()

    # has a final quarterly bonus with the handover shared
    quarter = PayrollRun.objects.get(kind=RunKind.QUARTERLY, period="2026-Q3")
    assert quarter.status == RunStatus.FINAL
    bonuses = PayrollLine.objects.filter(run=quarter, bonus__gt=0)
    assert bonuses.count() >= 3
    handover = Handover.objects.get()
    shared = LineItem.objects.filter(
        line__run=quarter, kind=ItemKind.BONUS_MERCHANT, source_id=handover.merchant_id
    ).values_list("line__staff_id", flat=True)
    assert set(shared) == {handover.leaver_id, handover.successor_id}
    assert PayrollRun.objects.filter(kind=RunKind.QUARTERLY, period="2026-Q4", status=RunStatus.DRAFT).exists()
    year_end = PayrollRun.objects.get(kind=RunKind.YEAR_END)
    assert year_end.period == "2026" and year_end.status == RunStatus.DRAFT
    assert year_end.pools.filter(pool__gt=0).exists()


def test_seed_demo_twice_adds_nothing(seeded, settings):
    before = counts()
    profits = dict(ProfitRecord.objects.values_list("pk", "updated_at"))
    call_command("seed_demo")
    assert counts() == before
    # ``seed`` itself (not only seed_demo's record of it) finds what it added.
    demo.seed(DemoContext())
    assert counts() == before
    assert dict(ProfitRecord.objects.values_list("pk", "updated_at")) == profits
    assert not PayrollRun.objects.values("kind", "period").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_without_merchants_only_pay_profiles_are_added():
    context = DemoContext()
    workplace_demo.seed(context)
    demo.seed(context)
    assert PayProfile.objects.count() == len(demo.PAY)
    assert not ProfitRecord.objects.exists() and not PayrollRun.objects.exists()
