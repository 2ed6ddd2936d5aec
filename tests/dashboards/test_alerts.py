"""Alerts (issue 10 §3, dashboards/alerts.py): each rule fires once per breach, not again
while it lasts, again after it cleared; thresholds at their boundary (exactly at the
threshold does not fire); who is told and in which language; the run's query count."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from dashboards.alerts import elapsed_share, evaluate_alerts
from dashboards.models import AlertBreach, AlertKind, AlertRuleSet, SubjectType
from merchants.models import MerchantStatus, Segment
from plans.models import Phase, PhaseTarget, Plan, Quota, Region, RegionKind
from tests.factories.compensation import signed_merchant, terminal
from tests.factories.complaints import make_complaint, quality_team
from tests.factories.merchants import MerchantFactory
from workplace.calendar import SHANGHAI
from workplace.models import Notification, UserPreference
from workplace.people import display_name

TODAY = dt.date(2026, 12, 3)
NOW = dt.datetime(2026, 12, 3, 10, tzinfo=SHANGHAI)
# 4 November 2026 – 2 January 2027: 60 days, 30 of them elapsed on 3 December (share ½).
PLAN_START, PLAN_END = dt.date(2026, 11, 4), dt.date(2027, 1, 2)


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def city(db):
    city = Region.objects.create(name="阜阳市", code="341200", kind=RegionKind.CITY)
    Region.objects.create(name="颍州区", code="341202", kind=RegionKind.DISTRICT, parent=city)
    Region.objects.create(name="颍东区", code="341203", kind=RegionKind.DISTRICT, parent=city)
    return city


def make_plan(city, *, quotas=(), district_target=0):
    plan = Plan.objects.create(name="阜阳冬季计划", region=city, starts_on=PLAN_START, ends_on=PLAN_END)
    for person, count in quotas:
        Quota.objects.create(plan=plan, recruiter=person, count=count)
    if district_target:
        phase = Phase.objects.create(plan=plan, name="颍州区阶段", starts_on=PLAN_START, ends_on=PLAN_END)
        phase.regions.set([Region.objects.get(name="颍州区")])
        PhaseTarget.objects.create(phase=phase, segment=Segment.BASIC, count=district_target)
    return plan


def sign(recruiter, n, *, district="颍州区", on=dt.date(2026, 11, 10)):
    return [signed_merchant(recruiter, signed_on=on, district=district) for _ in range(n)]


def breaches(kind=None):
    queryset = AlertBreach.objects.order_by("pk")
    return list(queryset.filter(kind=kind) if kind else queryset)


def notices():
    return list(Notification.objects.filter(kind="dashboard_alert").order_by("pk"))


def test_elapsed_share_counts_both_ends():
    assert elapsed_share(PLAN_START, PLAN_END, TODAY) == Decimal("0.5")
    assert elapsed_share(PLAN_START, PLAN_END, PLAN_START - dt.timedelta(days=1)) == 0
    assert elapsed_share(PLAN_START, PLAN_END, PLAN_END) == 1


def test_the_default_thresholds_are_seeded(db):
    rules = AlertRuleSet.objects.get()
    assert (rules.pace_percent, rules.pace_grace_days) == (Decimal("80.00"), 7)
    assert (rules.activity_percent, rules.activity_min_average) == (Decimal("50.00"), Decimal("100.00"))
    assert (rules.complaint_rate, rules.overdue_complaints) == (Decimal("3.00"), 5)


# --- recruiter pace ---------------------------------------------------------------------


def test_a_recruiter_behind_pace_is_notified_to_their_head_once_and_again_after_clearing(
    city, recruiter, recruitment_head
):
    # Quota 20, half the plan elapsed: 10 expected, the alert below 8 (80 %).
    make_plan(city, quotas=[(recruiter, 20)])
    sign(recruiter, 7)
    result = evaluate_alerts()
    (breach,) = breaches(AlertKind.RECRUITER_PACE)
    assert (breach.subject_type, breach.subject_id, breach.subject_name) == (
        SubjectType.RECRUITER,
        recruiter.pk,
        display_name(recruiter),
    )
    assert breach.figures == {
        "plan": breach.figures["plan"],
        "plan_name": "阜阳冬季计划",
        "signed": 7,
        "quota": 20,
        "expected": "10.00",
        "threshold": "80.00",
    }
    assert breach.notified_at == NOW and breach.cleared_at is None
    assert len(result.opened) == 1 and result.notified == 1
    (notice,) = notices()
    assert notice.recipient == recruitment_head
    assert "落后于计划进度" in notice.title and breach.subject_name in notice.title
    assert "20" in notice.body and "10.00" in notice.body and "80.00" in notice.body

    # Still behind an hour later: no new breach, no new notice.
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert evaluate_alerts().opened == []
    assert len(breaches()) == 1 and len(notices()) == 1

    # Caught up: exactly 8 = 80 % of the pace is not behind; the breach clears, silently.
    sign(recruiter, 1)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert evaluate_alerts().cleared == 1
    breach.refresh_from_db()
    assert breach.cleared_at == NOW + dt.timedelta(hours=2)
    assert len(notices()) == 1

    # Behind again a week later (13 days more of the plan: 12.33 expected, 8 < 9.87): a new breach, a new notice.
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False):
        evaluate_alerts()
    first, second = breaches(AlertKind.RECRUITER_PACE)
    assert first.pk == breach.pk and second.cleared_at is None and second.notified_at is not None
    assert second.figures["expected"] == "12.33"
    assert [n.recipient for n in notices()] == [recruitment_head, recruitment_head]


def test_exactly_at_the_pace_threshold_does_not_fire(city, recruiter):
    make_plan(city, quotas=[(recruiter, 20)])
    sign(recruiter, 8)  # 8 = 80 % of the 10 expected
    evaluate_alerts()
    assert breaches() == [] and notices() == []


def test_no_pace_alert_in_the_first_days_of_a_plan(city, recruiter):
    make_plan(city, quotas=[(recruiter, 20)])
    # Started on 4 November: judged from the 11th (7 days later), not on the 10th.
    with time_machine.travel(dt.datetime(2026, 11, 11, 10, tzinfo=SHANGHAI), tick=False):
        AlertBreach.objects.all().delete()
        evaluate_alerts()
        assert [b.kind for b in breaches()] == [AlertKind.RECRUITER_PACE]
    AlertBreach.objects.all().delete()
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI), tick=False):
        evaluate_alerts()
        assert breaches() == []


def test_the_notice_is_in_the_recipients_language(city, recruiter, recruitment_head):
    UserPreference.objects.create(user=recruitment_head, language="en")
    make_plan(city, quotas=[(recruiter, 20)])
    evaluate_alerts()
    (notice,) = notices()
    assert notice.title.startswith("Alert: ") and notice.title.endswith("is behind the plan's pace")
    assert "0 of a quota of 20 signed, 10.00 expected by today" in notice.body


def test_a_recruiter_without_a_head_is_reported_to_the_general_manager(city, general_manager, db):
    from tests.factories.workplace import make_user

    loner = make_user("recruiter", username="loner")
    make_plan(city, quotas=[(loner, 20)])
    evaluate_alerts()
    assert [n.recipient for n in notices()] == [general_manager]


# --- district pace ------------------------------------------------------------------------


def test_a_district_behind_pace_notifies_the_general_manager(city, recruiter, general_manager):
    make_plan(city, district_target=20)  # the phase covers 颍州区 alone: its target is 20
    sign(recruiter, 7)
    sign(recruiter, 9, district="颍东区")  # another district's signings do not count
    evaluate_alerts()
    (breach,) = breaches()
    assert (breach.kind, breach.subject_type, breach.subject_name) == (
        AlertKind.DISTRICT_PACE,
        SubjectType.REGION,
        "颍州区",
    )
    assert breach.figures["signed"] == 7 and breach.figures["expected"] == "10.00"
    (notice,) = notices()
    assert notice.recipient == general_manager and "颍州区" in notice.title
    sign(recruiter, 1)  # 8: exactly at the threshold, cleared
    evaluate_alerts()
    breach.refresh_from_db()
    assert breach.cleared_at == NOW and len(notices()) == 1


# --- merchant activity ------------------------------------------------------------------


def active_merchant(recruiter, months):
    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 6, 1), name="颍州老味道")
    terminal(merchant, installed_on=dt.date(2026, 6, 1), profits=months)
    return merchant


STEADY = {"2026-08": "200.00", "2026-09": "150.00", "2026-10": "250.00"}  # average 200.00


def test_a_merchant_whose_profit_dropped_below_half_its_average_is_reported_once(recruiter, recruitment_head):
    merchant = active_merchant(recruiter, {**STEADY, "2026-11": "99.99"})
    evaluate_alerts()
    (breach,) = breaches()
    assert (breach.kind, breach.subject_id, breach.subject_name) == (
        AlertKind.MERCHANT_ACTIVITY,
        merchant.pk,
        "颍州老味道",
    )
    assert breach.figures == {
        "month": "2026-11-01",
        "profit": "99.99",
        "average": "200.00",
        "share": "50.00",
        "threshold": "50.00",
    }
    (notice,) = notices()
    assert notice.recipient == recruitment_head and "颍州老味道" in notice.title
    assert "2026-11" in notice.body and "99.99" in notice.body
    evaluate_alerts()
    assert len(breaches()) == 1 and len(notices()) == 1


def test_exactly_half_the_average_does_not_fire(recruiter):
    active_merchant(recruiter, {**STEADY, "2026-11": "100.00"})
    evaluate_alerts()
    assert breaches() == []


def test_new_small_or_inactive_merchants_are_not_judged(recruiter):
    active_merchant(recruiter, {"2026-09": "200.00", "2026-10": "200.00", "2026-11": "0.00"})  # two months only
    active_merchant(recruiter, {"2026-08": "90", "2026-09": "90", "2026-10": "90", "2026-11": "0"})  # average < 100
    suspended = active_merchant(recruiter, {**STEADY, "2026-11": "0.00"})
    suspended.status = MerchantStatus.SUSPENDED
    suspended.save(update_fields=["status"])
    evaluate_alerts()
    assert breaches() == []


def test_a_merchant_that_recovers_clears_and_a_later_drop_notifies_again(recruiter):
    active_merchant(recruiter, {**STEADY, "2026-11": "10.00"})
    evaluate_alerts()
    # January: December's profit (judged) is back to normal against Sep–Nov.
    from compensation.models import ProfitRecord

    record = ProfitRecord.objects.filter(month=dt.date(2026, 11, 1)).get()
    ProfitRecord.objects.create(terminal=record.terminal, month=dt.date(2026, 12, 1), profit=Decimal("300.00"))
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        evaluate_alerts()
    (first,) = breaches()
    assert first.cleared_at is not None
    ProfitRecord.objects.create(terminal=record.terminal, month=dt.date(2027, 1, 1), profit=Decimal("1.00"))
    with time_machine.travel(dt.datetime(2027, 2, 2, 10, tzinfo=SHANGHAI), tick=False):
        evaluate_alerts()
    assert [b.cleared_at is None for b in breaches()] == [False, True]
    assert len(notices()) == 2


# --- complaints ----------------------------------------------------------------------------


@pytest.fixture
def strict_rules(db):
    return AlertRuleSet.objects.create(effective_from=TODAY, complaint_rate=Decimal("50.00"), overdue_complaints=1)


def test_the_complaint_rate_fires_above_the_threshold_not_at_it(
    strict_rules, customer_service, general_manager, recruiter
):
    department, head, person = quality_team()
    merchants = [signed_merchant(recruiter, signed_on=dt.date(2026, 6, 1)) for _ in range(2)]
    make_complaint("awaiting_solution", cs=customer_service, merchant=merchants[0], person=person)
    make_complaint("closed_invalid", cs=customer_service, merchant=merchants[1])  # not valid: not counted
    evaluate_alerts()  # 1 valid per 2 active merchants = 50 per 100: exactly at the threshold
    assert breaches(AlertKind.COMPLAINT_RATE) == []
    make_complaint("awaiting_solution", cs=customer_service, merchant=merchants[1], person=person)
    evaluate_alerts()
    (breach,) = breaches(AlertKind.COMPLAINT_RATE)
    assert breach.figures == {"valid": 2, "active": 2, "rate": "100.00", "threshold": "50.00"}
    assert breach.rules == strict_rules
    assert {n.recipient for n in notices() if "投诉率" in n.title} == {general_manager}


def test_the_customer_service_head_is_told_too(strict_rules, general_manager, recruiter):
    from tests.factories.workplace import DepartmentFactory, make_user

    service_department = DepartmentFactory(code="service", name="客服部")
    service_head = make_user("dept_head", username="service_head", department=service_department)
    service_department.head = service_head
    service_department.save(update_fields=["head"])
    cs = make_user("customer_service", username="cs_member", department=service_department, manager=service_head)
    for _ in range(2):
        make_complaint(cs=cs, merchant=signed_merchant(recruiter, signed_on=dt.date(2026, 6, 1)))
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=False):  # both past their reply deadline
        evaluate_alerts()
    (breach,) = breaches(AlertKind.OVERDUE_COMPLAINTS)
    assert breach.figures == {"overdue": 2, "threshold": 1}
    assert sorted(n.recipient.username for n in notices()) == ["gm", "service_head"]
    assert all(n.title == "预警:2 件投诉已超期" for n in notices())


def test_overdue_complaints_fire_above_the_count_once(strict_rules, customer_service, general_manager, recruiter):
    first = make_complaint(cs=customer_service, merchant=signed_merchant(recruiter, signed_on=dt.date(2026, 6, 1)))
    later = NOW + dt.timedelta(days=10)
    with time_machine.travel(later, tick=False):
        evaluate_alerts()  # one overdue: at the threshold of 1
        assert breaches() == []
        make_complaint(cs=customer_service, merchant=first.merchant)
    with time_machine.travel(later + dt.timedelta(days=10), tick=False):
        evaluate_alerts()
        evaluate_alerts()
    assert len(breaches(AlertKind.OVERDUE_COMPLAINTS)) == 1
    assert len(notices()) == 1


# --- failures and outages --------------------------------------------------------------------


def test_a_run_that_fails_writes_nothing_and_the_next_run_notifies(city, recruiter, recruitment_head, monkeypatch):
    from dashboards import alerts

    make_plan(city, quotas=[(recruiter, 20)])

    def broken(notices):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(alerts, "notify_once_each", broken)
    with pytest.raises(RuntimeError):
        alerts.evaluate_alerts()
    assert breaches() == [] and notices() == []
    monkeypatch.undo()
    from dashboards.tasks import evaluate_alerts as task

    assert task() == 1
    assert len(breaches()) == 1 and [n.recipient for n in notices()] == [recruitment_head]


@pytest.mark.django_db(transaction=True)
def test_the_broker_down_loses_no_notice(city, recruiter, recruitment_head):
    from tests.outages import broker_down, cache_down
    from workplace.tasks import deliver_pending_email

    make_plan(city, quotas=[(recruiter, 20)])
    with broker_down(), cache_down():
        result = evaluate_alerts()
    assert result.notified == 1
    (notice,) = notices()
    assert notice.emailed_at is None and mail.outbox == []
    assert deliver_pending_email() == 1
    assert [message.to for message in mail.outbox] == [[recruitment_head.email]]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_notify_once(city, recruiter, recruitment_head):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the run's lock is PostgreSQL's")
    make_plan(city, quotas=[(recruiter, 20)])
    barrier, errors = threading.Barrier(2), []

    def run():
        from django.db import connection as own

        try:
            with time_machine.travel(NOW, tick=False):
                barrier.wait()
                evaluate_alerts()
        except Exception as error:  # pragma: no cover - the assertion below shows it
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(breaches()) == 1 and len(notices()) == 1


# --- queries ------------------------------------------------------------------------------


def test_the_run_costs_a_fixed_number_of_queries_as_data_grows(
    city, recruiter, second_recruiter, recruitment_head, general_manager, customer_service, queries
):
    make_plan(city, quotas=[(recruiter, 20), (second_recruiter, 2)], district_target=20)
    active_merchant(recruiter, {**STEADY, "2026-11": "10.00"})
    evaluate_alerts()  # the breaches open: later runs have nothing new to say
    assert {b.kind for b in breaches()} == {
        AlertKind.RECRUITER_PACE,
        AlertKind.DISTRICT_PACE,
        AlertKind.MERCHANT_ACTIVITY,
    }
    counter = {"n": 0}

    def grow():
        counter["n"] += 1
        steady = signed_merchant(None, signed_on=dt.date(2026, 11, 20), district="颍东区")
        terminal(steady, installed_on=dt.date(2026, 6, 1), profits={**STEADY, "2026-11": "200.00"})
        MerchantFactory(status=MerchantStatus.ACTIVE)
        make_complaint(cs=customer_service, merchant=steady)

    queries.assert_constant(evaluate_alerts, grow, expected=22)
