"""Fixtures of the API fuzz suite.

Building records in every state takes seconds (contracts are rendered as PDF), so the fuzz
module builds its world once, in a transaction of its own that is rolled back at the end of
the module; each test runs in a savepoint inside it (pytest-django's ``db``) and each
generated request in a savepoint of its own, so examples never see each other's writes.
The users mirror the per-role fixtures of ``tests/conftest.py``.
"""

import datetime as dt
import traceback

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase, override_settings

from merchants import services as merchant_services
from merchants.models import ApplicationStatus, Category, Merchant, MerchantStatus
from merchants.samples import png_bytes
from scoring import services as scoring_services
from tests.factories.commissions import make_merchant, make_request
from tests.factories.complaints import make_complaint, quality_team
from tests.factories.merchants import ApplicationFactory, TerminalFactory, complete_documents
from tests.factories.scoring import WORKED_EXAMPLE
from tests.factories.workplace import DepartmentFactory, make_user
from workplace.api.tokens import issue_token


@pytest.fixture(scope="session")
def fuzz_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-media")


@pytest.fixture(autouse=True)
def _media_root(settings, fuzz_media_root):
    # Overrides the top-level one: the world's files were stored here before the test began.
    settings.MEDIA_ROOT = fuzz_media_root


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles count in the cache: start from none, and leave none for the tests after
    (the fuzz tests send the login endpoint far more than its rate)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wsgi_isolation():
    """Requests go straight to Django's WSGI handler, in the test's transaction: keep the
    end of a request from closing the connection (as Django's test client does), and keep
    the traceback of any unhandled exception for the failure report."""
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(record, dispatch_uid="api_fuzz_record", weak=False)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(dispatch_uid="api_fuzz_record")
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def make_users():
    """One user per role, as ``tests/conftest.py`` makes them (same names and hierarchy)."""
    department = DepartmentFactory(code="recruitment", name="招商部")
    other_department = DepartmentFactory(code="recruitment_east", name="招商二部")
    gm = make_user("general_manager", username="gm")
    director = make_user("ops_director", username="director", manager=gm)
    head = make_user("recruitment_head", username="head", department=department, manager=director)
    department.head = head
    department.save(update_fields=["head"])
    head_east = make_user("recruitment_head", username="head_east", department=other_department, manager=director)
    other_department.head = head_east
    other_department.save(update_fields=["head"])
    return {
        "general_manager": gm,
        "ops_director": director,
        "recruitment_head": head,
        "recruiter": make_user("recruiter", username="recruiter", department=department, manager=head),
        "second_recruiter": make_user("recruiter", username="recruiter_b", department=department, manager=head),
        "outside_head": head_east,
        "outside_recruiter": make_user(
            "recruiter", username="recruiter_east", department=other_department, manager=head_east
        ),
        "customer_service": make_user("customer_service", username="service"),
        "finance": make_user("finance", username="finance"),
        "dept_head": make_user("dept_head", username="quality_head", department=DepartmentFactory(code="quality")),
        "admin_user": make_user("admin", username="admin_user"),
        "merchant_user": make_user("merchant", username="merchant_a"),
        "other_merchant_user": make_user("merchant", username="merchant_b"),
    }


def _advance(application, status, *, user, reviewer, recruiter):
    """Walk a complete draft to ``status`` with the real services."""
    merchant_services.application_submit(application=application, user=user)
    merchant_services.application_run_system_check(application_id=application.pk)
    application.refresh_from_db()
    if status == ApplicationStatus.IN_REVIEW:
        return
    if status == ApplicationStatus.NEEDS_CHANGES:
        merchant_services.application_request_changes(application=application, by=reviewer, reason="请补充材料")
        return
    media = [SimpleUploadedFile("shop.png", png_bytes(), content_type="image/png")]
    merchant_services.site_visit_record(
        application=application, by=recruiter, visited_on=dt.date.today(), notes="门店整洁", media=media
    )
    if status == ApplicationStatus.SITE_VISIT:
        return
    scoring_services.evaluation_record(
        application=application, by=recruiter, data={**WORKED_EXAMPLE, "category": application.category}
    )
    merchant_services.application_approve(application=application, by=reviewer)
    if status == ApplicationStatus.CONTRACT_SENT:
        return
    merchant_services.contract_sign(
        application=application, user=user, signer_name="徐明", consent=True, ip_address="10.0.0.8"
    )


def build_world(users):
    """Applications in each state of the workflow (two portal accounts), a signed merchant
    with terminals, rate requests inside and outside the department; their ids by kind."""
    recruiter, head, merchant_user = users["recruiter"], users["recruitment_head"], users["merchant_user"]
    department = recruiter.staff_profile.department

    def application(status, *, user=merchant_user, category=Category.LIFE_SERVICES):
        app = ApplicationFactory(
            merchant__user=user,
            merchant__category=category,
            merchant__recruiter=recruiter,
            merchant__department=department,
            assignee=recruiter,
        )
        complete_documents(app)
        if status != ApplicationStatus.DRAFT:
            _advance(app, status, user=user, reviewer=head, recruiter=recruiter)
            app.refresh_from_db()
        assert app.status == status
        return app

    applications = [
        application(ApplicationStatus.DRAFT),
        application(ApplicationStatus.IN_REVIEW, category=Category.DINING_ENTERTAINMENT),
        application(ApplicationStatus.SITE_VISIT),
        application(ApplicationStatus.NEEDS_CHANGES),
        application(ApplicationStatus.CONTRACT_SENT, category=Category.DINING_ENTERTAINMENT),
        application(ApplicationStatus.SIGNED),
        application(ApplicationStatus.DRAFT, user=users["other_merchant_user"]),
    ]
    signed = Merchant.objects.get(pk=applications[5].merchant_id)
    assert signed.status == MerchantStatus.ACTIVE
    terminals = [TerminalFactory(merchant=signed), TerminalFactory(merchant=signed)]
    rate_requests = [
        make_request(recruiter, "5.00"),
        make_request(recruiter, "10.00", category=Category.DINING_ENTERTAINMENT),
        make_request(users["outside_recruiter"], "4.00"),
    ]
    make_merchant(users["outside_recruiter"], name="东区商户")
    complaints = build_complaints(users, signed)
    payroll_runs = build_payroll_runs(users, signed, terminals)
    plans, regions = build_plans(users)
    return {
        "activities": build_activities(users, signed),
        "plans": plans,
        "deposits": _deposits(),
        **_settlements(users["admin_user"]),
        "regions": regions,
        "payroll_runs": payroll_runs,
        "usernames": sorted(user.username for user in users.values()),
        "complaints": complaints,
        "attachments": [],
        "applications": [app.pk for app in applications],
        "documents": sorted(doc.pk for app in applications for doc in app.documents.all()),
        "media": sorted(m.pk for app in applications for visit in app.site_visits.all() for m in visit.media.all()),
        "merchants": sorted(Merchant.objects.values_list("pk", flat=True)),
        "rate_requests": [r.pk for r in rate_requests],
        "terminals": [t.pk for t in terminals],
        "users": sorted(u.pk for u in users.values()),
    }


def build_activities(users, merchant) -> list[int]:
    """A joint activity this month in the signed merchant's district, which takes part with a
    partner; each referred a customer to the other."""
    from decimal import Decimal

    from django.utils import timezone

    from alliance.referrals import referrals_import
    from alliance.services import activity_create, activity_invite, participation_accept

    today = dt.date.today()
    activity = activity_create(
        by=users["recruitment_head"],
        title="联合拓客活动",
        starts_on=today.replace(day=1),
        ends_on=today.replace(day=28),
        district=merchant.district,
        subsidy=Decimal("2000.00"),
        participants=[merchant.pk],
    )
    participation_accept(activity=activity, by=merchant.user)
    partner = make_merchant(users["recruiter"], status="active", district=merchant.district, name="联盟伙伴商户")
    activity_invite(activity=activity, by=users["recruitment_head"], participants=[partner.pk])
    activity.participations.filter(merchant=partner).update(accepted_at=timezone.now())
    row = {"activity": activity.pk, "spend": "100.10", "date": today.replace(day=1).isoformat()}
    referrals_import(
        user=users["recruitment_head"],
        rows=[
            {**row, "from_merchant": merchant.pk, "to_merchant": partner.pk, "customer_ref": "FUZZ-1"},
            {**row, "from_merchant": partner.pk, "to_merchant": merchant.pk, "customer_ref": "FUZZ-2"},
        ],
    )
    return [activity.pk]


def _deposits() -> list[int]:
    """The signed merchant's deposit (opened on signing)."""
    from settlement.models import Deposit

    return sorted(Deposit.objects.values_list("pk", flat=True))


def _settlements(by) -> dict[str, list[int]]:
    """The signed merchant's card consumption of today, settled (a payable statement), and a
    dispute over part of it held on a new open statement."""
    from decimal import Decimal

    from settlement.models import CardTransaction, SettlementDispute, Statement
    from settlement.services import settling

    merchant = Merchant.objects.get(status=MerchantStatus.ACTIVE, user__isnull=False)
    today = dt.date.today()
    CardTransaction.objects.create(merchant=merchant, date=today, amount=Decimal("1234.50"), reference="FUZZ-CARD-1")
    settling.settle(through=today)
    dispute = SettlementDispute.objects.create(
        merchant=merchant, day=today, amount=Decimal("100.00"), reason="顾客投诉", opened_by=by
    )
    settling.settle(through=today, close=False)
    return {
        "settlements": sorted(Statement.objects.values_list("pk", flat=True)),
        "settlement_disputes": [dispute.pk],
    }


def build_plans(users) -> tuple[list[int], list[int]]:
    """A city with two districts and a plan over it with a phase and a quota."""
    from plans.models import Region, RegionKind
    from plans.services import plan_create

    city = Region.objects.create(name="阜阳市", code="341200", kind=RegionKind.CITY)
    district = Region.objects.create(name="颍州区", code="341202", kind=RegionKind.DISTRICT, parent=city)
    county = Region.objects.create(name="太和县", code="341222", kind=RegionKind.COUNTY, parent=city)
    today = dt.date.today()
    plan = plan_create(
        by=users["recruitment_head"],
        name="阜阳招商计划",
        region=city,
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
        targets=[{"segment": "basic", "category": "", "count": 30}],
        phases=[
            {
                "name": "第一阶段",
                "starts_on": today.replace(month=1, day=1),
                "ends_on": today.replace(month=6, day=30),
                "regions": [district],
                "targets": [{"segment": "basic", "category": "", "count": 10}],
            }
        ],
        quotas=[{"recruiter": users["recruiter"], "count": 10}],
        class_i_negotiators=[users["recruitment_head"]],
    )
    return [plan.pk], [city.pk, district.pk, county.pk]


def build_payroll_runs(users, merchant, terminals) -> list[int]:
    """Payroll runs of each kind and state: last month's draft, a final month before it,
    a quarter and last year's year-end run (with a pool to allocate)."""
    from decimal import Decimal

    from django.utils import timezone

    from compensation.models import PayProfile, ProfitRecord
    from compensation.services import runs as payroll
    from compensation.services.periods import previous_period

    today = timezone.localdate()
    for user in (users["recruiter"], users["second_recruiter"], users["outside_recruiter"]):
        PayProfile.objects.create(user=user, effective_from=dt.date(2024, 1, 1), base_salary=Decimal("4000.00"))
    last_month = previous_period("monthly", today)
    month_before = previous_period("monthly", last_month.starts_on)
    for terminal in terminals:
        for month in (month_before.starts_on, last_month.starts_on):
            if terminal.installed_on <= month:
                ProfitRecord.objects.create(terminal=terminal, month=month, profit=Decimal("30.00"))
    final, _ = payroll.payroll_run_start(kind="monthly", period=month_before.label, by=users["general_manager"])
    payroll.payroll_run_finalize(run=final, by=users["general_manager"])
    draft, _ = payroll.payroll_run_start(kind="monthly", period=last_month.label)
    quarter, _ = payroll.payroll_run_start(kind="quarterly", period=previous_period("quarterly", today).label)
    year, _ = payroll.payroll_run_start(kind="year_end", period=previous_period("year_end", today).label)
    return [final.pk, draft.pk, quarter.pk, year.pk]


def build_complaints(users, merchant) -> list[int]:
    """Complaints of the signed merchant in each step and at dispute level 2 (the quality
    department answers them), plus one of another merchant."""
    from complaints import services as complaint_services
    from complaints.models import ComplaintStatus as CS

    cs, merchant_user = users["customer_service"], users["merchant_user"]
    _department, _head, person = quality_team(users["dept_head"])
    made = [
        make_complaint(status, cs=cs, merchant=merchant, person=person)
        for status in (
            CS.RECEIVED,
            CS.AWAITING_SOLUTION,
            CS.AWAITING_OPINION,
            CS.IMPLEMENTING,
            CS.FOLLOW_UP,
            CS.CLOSED,
            CS.CLOSED_INVALID,
        )
    ]
    disputed = make_complaint(CS.AWAITING_OPINION, cs=cs, merchant=merchant, person=person)
    complaint_services.complaint_record_opinion(complaint=disputed, by=merchant_user, accepted=False, opinion="不接受")
    complaint_services.complaint_escalate(complaint=disputed, by=merchant_user, reason="要求仲裁")
    made.append(disputed)
    made.append(make_complaint(cs=cs, merchant=Merchant.objects.filter(user__isnull=True).first()))
    return [complaint.pk for complaint in made]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, fuzz_media_root):
    """``{"ids": {kind: [pk, ...]}, "headers": {role: {...}}}``, built once per module."""
    import tests.conftest as top

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=fuzz_media_root), transaction.atomic():
        if top._database_flushed:  # after a transactional test: rule tables and standards
            top._replay_data_migrations()
        users = make_users()
        # Tasks queued on commit (the system check, the contract) run as after a real commit.
        with TestCase.captureOnCommitCallbacks(execute=True):
            ids = build_world(users)
        headers = {"anonymous": {}}
        for name, user in users.items():
            headers[name] = {"Authorization": f"Token {issue_token(user)[0]}"}
        yield {"ids": ids, "headers": headers, "users": users}
        transaction.set_rollback(True)
