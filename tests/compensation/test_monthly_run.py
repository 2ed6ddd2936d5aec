"""The monthly payroll run (SPEC.md §5.1–§5.3) on hand-built data."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from compensation.models import ItemKind, PayrollLine, PayrollRun
from compensation.services.runs import payroll_run_start
from tests.factories.compensation import pay_profile, signed_merchant, terminal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def line_of(run, user) -> PayrollLine:
    return PayrollLine.objects.get(run=run, staff=user)


def test_it_pays_base_points_and_assessment_pay(recruiter):
    pay_profile(recruiter, base="4000.00", allowance="300.00", position="200.00")
    signed_merchant(recruiter, signed_on=dt.date(2026, 6, 1), merchant_class="I")
    signed_merchant(recruiter, signed_on=dt.date(2026, 6, 30), merchant_class="II")
    signed_merchant(recruiter, signed_on=dt.date(2026, 7, 1), merchant_class="I")  # next month

    run, created = payroll_run_start(kind="monthly", period="2026-06")

    assert created and run.computed_at is not None
    line = line_of(run, recruiter)
    assert line.points == Decimal("6.00")
    assert line.assessment_pay == Decimal("0.00")
    assert (line.base_salary, line.allowance, line.position_allowance) == (
        Decimal("4000.00"),
        Decimal("300.00"),
        Decimal("200.00"),
    )
    assert line.total == Decimal("4500.00")
    kinds = list(line.items.values_list("kind", flat=True))
    assert kinds.count(ItemKind.SIGNING) == 2


def test_it_charges_the_pos_shortfall_from_the_first_assessed_month(recruiter):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1))
    terminal(
        merchant,
        installed_on=dt.date(2026, 3, 15),
        pays_service_fee=False,
        profits={"2026-05": "0", "2026-06": "30.00"},
    )
    terminal(merchant, installed_on=dt.date(2026, 3, 1), pays_service_fee=False, profits={"2026-05": "49.99"})
    terminal(merchant, installed_on=dt.date(2026, 1, 1), pays_service_fee=True, profits={"2026-05": "0"})

    may, _ = payroll_run_start(kind="monthly", period="2026-05")
    june, _ = payroll_run_start(kind="monthly", period="2026-06")

    # May: only the terminal installed on 1 March is assessed (49.99 → 0.01).
    assert line_of(may, recruiter).pos_shortfall == Decimal("-0.01")
    # June: both; the 1 March one has no record (0 profit → 50), the other 30 → 20.
    assert line_of(june, recruiter).pos_shortfall == Decimal("-70.00")


def test_starting_twice_gives_one_run(recruiter):
    first, created = payroll_run_start(kind="monthly", period="2026-06")
    again, created_again = payroll_run_start(kind="monthly", period="2026-06")
    assert created and not created_again and first.pk == again.pk
    assert PayrollRun.objects.count() == 1


def test_a_preview_is_computed_again_once_its_month_has_ended(recruiter):
    preview, _ = payroll_run_start(kind="monthly", period="2026-07")
    assert preview.computed_through == dt.date(2026, 7, 5)
    signed_merchant(recruiter, signed_on=dt.date(2026, 7, 20), merchant_class="I")

    with time_machine.travel(dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC), tick=False):
        run, created = payroll_run_start(kind="monthly", period="2026-07")

    assert not created and run.pk == preview.pk
    assert run.computed_through == dt.date(2026, 8, 1)
    assert line_of(run, recruiter).points == Decimal("4.00")


def test_a_stale_preview_cannot_be_finalised(recruiter, general_manager):
    from compensation.services.runs import payroll_run_finalize
    from workplace.exceptions import InvalidTransition

    preview, _ = payroll_run_start(kind="monthly", period="2026-07", compute=True)
    with time_machine.travel(dt.datetime(2026, 8, 3, 2, tzinfo=dt.UTC), tick=False):
        with pytest.raises(InvalidTransition) as refused:
            payroll_run_finalize(run=preview, by=general_manager)
    assert refused.value.code == "stale"
    preview.refresh_from_db()
    assert preview.status == "draft"


def test_run_payroll_starts_the_month_once(recruiter):
    from io import StringIO

    from django.core.management import call_command

    pay_profile(recruiter, base="3000.00")
    out = StringIO()
    call_command("run_payroll", "--month", "2026-06", stdout=out)
    call_command("run_payroll", "--month", "2026-06", stdout=out)

    assert PayrollRun.objects.filter(kind="monthly", period="2026-06").count() == 1
    assert "2026-06: started, draft, 1 lines" in out.getvalue()
    assert "2026-06: exists" in out.getvalue()


def test_run_payroll_names_a_bad_month():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as refused:
        call_command("run_payroll", "--month", "2026-13")
    assert "period" in str(refused.value)
    assert not PayrollRun.objects.exists()


def test_the_scheduled_job_runs_the_previous_month(recruiter):
    from compensation.tasks import compute_pending_payroll_runs, run_scheduled_payroll

    pay_profile(recruiter, base="3000.00")
    run = PayrollRun.objects.get(pk=run_scheduled_payroll())
    assert (run.kind, run.period, run.status) == ("monthly", "2026-06", "draft")
    assert line_of(run, recruiter).base_salary == Decimal("3000.00")

    # A run left uncomputed (a worker killed between start and computation) is completed.
    left, _ = payroll_run_start(kind="quarterly", period="2026-Q2", compute=False)
    with time_machine.travel(dt.datetime(2026, 7, 5, 10, tzinfo=dt.UTC), tick=False):
        assert compute_pending_payroll_runs() == 1
    left.refresh_from_db()
    assert left.computed_at is not None


def test_the_sweep_computes_the_other_runs_when_one_fails(recruiter, monkeypatch, caplog):
    from compensation import tasks

    failing, _ = payroll_run_start(kind="monthly", period="2026-05", compute=False)
    other, _ = payroll_run_start(kind="quarterly", period="2026-Q2", compute=False)
    real = tasks.payroll_run_compute

    def compute(*, run, **kwargs):
        if run.pk == failing.pk:
            raise RuntimeError("database hiccup")
        return real(run=run, **kwargs)

    monkeypatch.setattr(tasks, "payroll_run_compute", compute)
    with time_machine.travel(dt.datetime(2026, 7, 5, 10, tzinfo=dt.UTC), tick=False):
        assert tasks.compute_pending_payroll_runs() == 1
    failing.refresh_from_db()
    other.refresh_from_db()
    assert failing.computed_at is None  # left for the next sweep
    assert other.computed_at is not None
    assert "could not be computed" in caplog.text
