"""The compensation back office: who opens which list, handovers and adjustments added
through their services (refusals next to the field, in the reader's language, nothing
saved), history never edited or deleted, constant queries, labels in both languages."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse

from compensation.models import (
    Adjustment,
    Allocation,
    AllocationShare,
    CompensationRuleSet,
    Handover,
    PayrollRun,
    PayrollRunStatusChange,
    RunKind,
    RunStatus,
    YearEndPool,
)
from merchants.models import Merchant
from tests.factories.compensation import handover, signed_merchant

pytestmark = pytest.mark.django_db

ADMIN = "/admin/compensation"
LISTS = ["handover", "adjustment", "payrollrun", "yearendpool", "allocation", "compensationruleset"]


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


def signed_in(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def make_run(kind=RunKind.MONTHLY, period="2026-10", starts_on=dt.date(2026, 10, 1), ends_on=None, **fields):
    ends_on = ends_on or (starts_on.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return PayrollRun.objects.create(kind=kind, period=period, starts_on=starts_on, ends_on=ends_on, **fields)


def year_end_allocation(head, staff, department, year=2025):
    run = make_run(RunKind.YEAR_END, str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))
    pool = YearEndPool.objects.create(
        run=run,
        department=department,
        total_profit=Decimal("100000.00"),
        merchant_months=120,
        average=Decimal("833.33"),
        rate=Decimal("1.00"),
        pool=Decimal("1000.00"),
    )
    allocation = Allocation.objects.create(pool=pool, proposed_by=head, proposed_at=dt.datetime.now(tz=dt.UTC))
    AllocationShare.objects.create(allocation=allocation, staff=staff, amount=Decimal("1000.00"))
    return allocation


@pytest.fixture
def merchant(recruiter):
    return signed_merchant(recruiter, signed_on=dt.date(2026, 3, 1), name="交接商户")


# --- who opens what ------------------------------------------------------------------------


@pytest.mark.parametrize("listing", LISTS)
@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin_user", 200),
        ("recruitment_head", 200),
        ("general_manager", 200),
        ("recruiter", 403),
        ("merchant_user", 302),
    ],
)
def test_who_opens_each_list(request, role, expected, listing):
    user = request.getfixturevalue(role)
    response = signed_in(user).get(f"{ADMIN}/{listing}/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "role, handover_add, adjustment_add, ruleset_add",
    [
        ("admin_user", 200, 200, 200),
        ("recruitment_head", 200, 200, 403),
        ("general_manager", 403, 200, 403),
        ("recruiter", 403, 403, 403),
    ],
)
def test_who_may_add(request, role, handover_add, adjustment_add, ruleset_add):
    client = signed_in(request.getfixturevalue(role))
    assert client.get(f"{ADMIN}/handover/add/").status_code == handover_add
    assert client.get(f"{ADMIN}/adjustment/add/").status_code == adjustment_add
    assert client.get(f"{ADMIN}/compensationruleset/add/").status_code == ruleset_add
    # Runs are started by the pages, the API and run_payroll; results are computed.
    for page in ["payrollrun", "yearendpool", "allocation"]:
        assert client.get(f"{ADMIN}/{page}/add/").status_code == 403


def test_the_index_lists_the_sections_a_head_may_read(recruitment_head):
    page = signed_in(recruitment_head).get("/admin/").content.decode()
    for label in ["商户交接", "薪资调整", "薪资核算", "年终奖金池", "年终奖分配", "薪资规则集"]:
        assert label in page


# --- handovers -----------------------------------------------------------------------------


def test_a_head_records_a_handover_through_the_service(recruitment_head, recruiter, second_recruiter, merchant):
    response = signed_in(recruitment_head).post(
        f"{ADMIN}/handover/add/",
        {
            "merchant": merchant.pk,
            "successor": second_recruiter.pk,
            "effective_on": "2026-11-15",
            "reason": "  离职交接  ",
        },
    )
    assert (response.status_code, response["Location"]) == (302, f"{ADMIN}/handover/")
    row = Handover.objects.get()
    assert (row.merchant, row.leaver, row.successor, row.effective_on, row.keeps_maintaining) == (
        merchant,
        recruiter,
        second_recruiter,
        dt.date(2026, 11, 15),
        False,
    )
    assert (row.reason, row.recorded_by) == ("离职交接", recruitment_head)  # as the service stores them
    # The service's effect beyond the row: the successor now serves the merchant.
    assert Merchant.objects.get(pk=merchant.pk).recruiter == second_recruiter


def test_a_leaver_who_keeps_maintaining_is_recorded(recruitment_head, recruiter, second_recruiter, merchant):
    data = {
        "merchant": merchant.pk,
        "successor": second_recruiter.pk,
        "effective_on": "2026-11-15",
        "keeps_maintaining": "on",
        "reason": "继续维护",
    }
    assert signed_in(recruitment_head).post(f"{ADMIN}/handover/add/", data).status_code == 302
    assert Handover.objects.get().keeps_maintaining is True


def test_the_successors_offered_are_the_heads_recruiters(
    recruitment_head, recruiter, second_recruiter, outside_recruiter
):
    form = signed_in(recruitment_head).get(f"{ADMIN}/handover/add/").context["adminform"].form
    assert set(form.fields["successor"].queryset) == {recruiter, second_recruiter}


@pytest.mark.parametrize(
    "language, message",
    [("zh-hans", "接替人已负责该商户。"), ("en", "The successor already owns this merchant.")],
)
def test_a_refused_handover_names_the_field_and_saves_nothing(recruitment_head, recruiter, merchant, language, message):
    response = signed_in(recruitment_head, language).post(
        f"{ADMIN}/handover/add/",
        {"merchant": merchant.pk, "successor": recruiter.pk, "effective_on": "2026-11-15", "reason": "离职"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"successor": [message]}
    assert message in response.content.decode()
    assert not Handover.objects.exists()
    assert Merchant.objects.get(pk=merchant.pk).recruiter == recruiter


def test_a_handover_inside_a_final_quarter_is_refused_on_its_date(recruitment_head, second_recruiter, merchant):
    make_run(RunKind.QUARTERLY, "2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), status=RunStatus.FINAL)
    response = signed_in(recruitment_head, "en").post(
        f"{ADMIN}/handover/add/",
        {"merchant": merchant.pk, "successor": second_recruiter.pk, "effective_on": "2026-09-15", "reason": "x"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["effective_on"] and "2026-09-30" in errors["effective_on"][0]
    assert not Handover.objects.exists()


def test_a_head_cannot_hand_over_another_departments_merchant(
    recruitment_head, outside_recruiter, second_recruiter, other_department
):
    theirs = signed_merchant(outside_recruiter, signed_on=dt.date(2026, 3, 1), department=other_department)
    response = signed_in(recruitment_head).post(
        f"{ADMIN}/handover/add/",
        {"merchant": theirs.pk, "successor": second_recruiter.pk, "effective_on": "2026-11-15", "reason": "x"},
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["merchant"]
    assert not Handover.objects.exists()


def test_a_saved_handover_is_never_changed_or_deleted(
    admin_user, recruitment_head, recruiter, second_recruiter, merchant
):
    row = handover(merchant, leaver=recruiter, successor=second_recruiter, on=dt.date(2026, 11, 1), by=recruitment_head)
    for user in [admin_user, recruitment_head]:
        client = signed_in(user)
        page = client.get(f"{ADMIN}/handover/{row.pk}/change/")
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()  # read only
        response = client.post(
            f"{ADMIN}/handover/{row.pk}/change/",
            {"effective_on": "2026-12-01", "reason": "改写", "successor": recruiter.pk},
        )
        assert response.status_code == 403
        assert client.post(f"{ADMIN}/handover/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert (row.effective_on, row.successor, row.reason) == (dt.date(2026, 11, 1), second_recruiter, "离职交接")


def test_a_head_lists_only_the_departments_handovers(
    recruitment_head, recruiter, second_recruiter, outside_recruiter, outside_head, other_department, merchant
):
    handover(merchant, leaver=recruiter, successor=second_recruiter, on=dt.date(2026, 11, 1), by=recruitment_head)
    theirs = signed_merchant(
        outside_recruiter, signed_on=dt.date(2026, 3, 1), department=other_department, name="外部商户"
    )
    handover(theirs, leaver=outside_recruiter, successor=second_recruiter, on=dt.date(2026, 11, 1), by=outside_head)
    page = signed_in(recruitment_head).get(f"{ADMIN}/handover/").content.decode()
    assert "交接商户" in page and "外部商户" not in page


# --- adjustments ---------------------------------------------------------------------------


def test_a_head_adds_an_adjustment_through_the_service(recruitment_head, recruiter):
    corrected = make_run(status=RunStatus.FINAL)
    response = signed_in(recruitment_head).post(
        f"{ADMIN}/adjustment/add/",
        {
            "staff": recruiter.pk,
            "month": "2026-11-20",
            "amount": "-120.50",
            "reason": " 10 月多发 ",
            "corrects": corrected.pk,
        },
    )
    assert (response.status_code, response["Location"]) == (302, f"{ADMIN}/adjustment/")
    row = Adjustment.objects.get()
    assert (row.staff, row.month, row.amount, row.reason, row.corrects, row.created_by) == (
        recruiter,
        dt.date(2026, 11, 1),  # paid with November's payroll
        Decimal("-120.50"),
        "10 月多发",
        corrected,
        recruitment_head,
    )


@pytest.mark.parametrize(
    "language, field, values, message",
    [
        ("zh-hans", "month", {"month": "2026-10-15"}, "2026-10 的薪资已定稿；请选择更晚的月份。"),
        ("en", "month", {"month": "2026-10-01"}, "The payroll of 2026-10 is final; choose a later month."),
        ("zh-hans", "amount", {"amount": "0.00"}, "0.00 的调整没有任何改变。"),
        ("en", "amount", {"amount": "0"}, "An adjustment of 0.00 changes nothing."),
    ],
)
def test_a_refused_adjustment_names_the_field_and_saves_nothing(
    recruitment_head, recruiter, language, field, values, message
):
    make_run(status=RunStatus.FINAL)
    data = {"staff": recruiter.pk, "month": "2026-11-01", "amount": "50.00", "reason": "补发", **values}
    response = signed_in(recruitment_head, language).post(f"{ADMIN}/adjustment/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert message in response.content.decode()
    assert not Adjustment.objects.exists()


def test_only_final_runs_can_be_corrected_by_an_adjustment(recruitment_head, recruiter):
    draft = make_run(period="2026-11", starts_on=dt.date(2026, 11, 1))
    response = signed_in(recruitment_head).post(
        f"{ADMIN}/adjustment/add/",
        {"staff": recruiter.pk, "month": "2026-11-01", "amount": "5.00", "reason": "x", "corrects": draft.pk},
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["corrects"]
    assert not Adjustment.objects.exists()


def test_a_saved_adjustment_is_read_only_and_never_deleted(admin_user, recruitment_head, recruiter):
    row = Adjustment.objects.create(
        staff=recruiter, month=dt.date(2026, 11, 1), amount=Decimal("30.00"), reason="补发", created_by=recruitment_head
    )
    for user in [admin_user, recruitment_head]:
        client = signed_in(user)
        page = client.get(f"{ADMIN}/adjustment/{row.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        data = {"staff": recruiter.pk, "month": "2026-11-01", "amount": "300.00", "reason": "改写"}
        assert client.post(f"{ADMIN}/adjustment/{row.pk}/change/", data).status_code == 403
        assert client.post(f"{ADMIN}/adjustment/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert (row.amount, row.reason) == (Decimal("30.00"), "补发")


# --- runs, pools, allocations, rule sets ------------------------------------------------


def test_a_run_is_read_with_its_history_and_its_page(admin_user, general_manager):
    run = make_run(status=RunStatus.FINAL, finalized_by=general_manager)
    PayrollRunStatusChange.objects.create(
        subject=run, from_status="", to_status=RunStatus.DRAFT, changed_at=dt.datetime(2026, 11, 1, 2, tzinfo=dt.UTC)
    )
    PayrollRunStatusChange.objects.create(
        subject=run,
        from_status=RunStatus.DRAFT,
        to_status=RunStatus.FINAL,
        changed_by=general_manager,
        changed_at=dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC),
    )
    try:
        url = reverse("compensation:run", args=[run.pk])
    except NoReverseMatch:
        url = None
    for user in [admin_user, general_manager]:
        client = signed_in(user)
        listing = client.get(f"{ADMIN}/payrollrun/").content.decode()
        assert "2026-10" in listing and "月度薪资" in listing and "定稿" in listing
        page = client.get(f"{ADMIN}/payrollrun/{run.pk}/change/")
        body = page.content.decode()
        assert page.status_code == 200 and 'name="_save"' not in body
        assert "payrollrunstatuschange" in body or "status_changes" in body  # the history inline
        assert body.count(general_manager.get_full_name() or general_manager.username) >= 2
        if url:
            assert f'href="{url}"' in body and f'href="{url}"' in listing
        else:
            assert "/compensation/runs/" not in body and "/compensation/runs/" not in listing
        assert client.post(f"{ADMIN}/payrollrun/{run.pk}/change/", {"status": "draft"}).status_code == 403
        assert client.post(f"{ADMIN}/payrollrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.FINAL


def test_pools_and_allocations_are_read_only(admin_user, recruitment_head, recruiter, department):
    allocation = year_end_allocation(recruitment_head, recruiter, department)
    client = signed_in(admin_user)
    pool_page = client.get(f"{ADMIN}/yearendpool/{allocation.pool.pk}/change/").content.decode()
    assert "1000.00" in pool_page and 'name="_save"' not in pool_page
    page = client.get(f"{ADMIN}/allocation/{allocation.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "1000.00" in page
    assert recruiter.get_full_name() in page  # the share's person, by name
    listing = client.get(f"{ADMIN}/allocation/").content.decode()
    assert "招商部" in listing and "1000.00" in listing
    for path in [f"yearendpool/{allocation.pool.pk}", f"allocation/{allocation.pk}"]:
        assert client.post(f"{ADMIN}/{path}/change/", {}).status_code == 403
        assert client.post(f"{ADMIN}/{path}/delete/", {"post": "yes"}).status_code == 403
    assert Allocation.objects.filter(pk=allocation.pk).exists() and AllocationShare.objects.count() == 1


def test_a_head_sees_the_departments_pools_only(
    recruitment_head, outside_head, recruiter, department, other_department
):
    year_end_allocation(recruitment_head, recruiter, department)
    YearEndPool.objects.create(
        run=PayrollRun.objects.get(kind=RunKind.YEAR_END),
        department=other_department,
        total_profit=Decimal("1.00"),
        merchant_months=1,
        average=Decimal("1.00"),
        rate=Decimal("0.50"),
        pool=Decimal("7777.77"),
    )
    page = signed_in(recruitment_head).get(f"{ADMIN}/yearendpool/").content.decode()
    assert "1000.00" in page and "7777.77" not in page


def rule_set_data(**values):
    fields = [f.name for f in CompensationRuleSet._meta.fields if f.name not in {"id", "created_at", "effective_from"}]
    defaults = {name: str(CompensationRuleSet._meta.get_field(name).default) for name in fields}
    return {**defaults, "effective_from": "2026-12-01", **values}


def test_an_admin_adds_a_new_rule_set_from_a_later_date(admin_user):
    response = signed_in(admin_user).post(f"{ADMIN}/compensationruleset/add/", rule_set_data(points_class_i="5"))
    assert response.status_code == 302
    assert CompensationRuleSet.objects.get(effective_from=dt.date(2026, 12, 1)).points_class_i == Decimal("5.00")


@pytest.mark.parametrize(
    "values, field",
    [
        ({"effective_from": "2026-11-01"}, "effective_from"),
        ({"points_ceiling": "5"}, "points_ceiling"),
        ({"bonus_step": "0"}, "bonus_step"),
        ({"pool_rate_cap": "0.10"}, "pool_rate_cap"),
    ],
)
def test_an_inconsistent_rule_set_is_refused_on_its_field(admin_user, values, field):
    before = CompensationRuleSet.objects.count()
    response = signed_in(admin_user).post(f"{ADMIN}/compensationruleset/add/", rule_set_data(**values))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert CompensationRuleSet.objects.count() == before


def test_a_rule_set_in_force_is_history(admin_user):
    in_force = CompensationRuleSet.objects.filter(effective_from__lte=dt.date(2026, 11, 10)).first()
    if in_force is None:
        in_force = CompensationRuleSet.objects.create(effective_from=dt.date(2026, 1, 1))
    client = signed_in(admin_user)
    page = client.get(f"{ADMIN}/compensationruleset/{in_force.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    data = rule_set_data(effective_from=f"{in_force.effective_from}", points_class_i="9")
    assert client.post(f"{ADMIN}/compensationruleset/{in_force.pk}/change/", data).status_code == 403
    assert client.post(f"{ADMIN}/compensationruleset/{in_force.pk}/delete/", {"post": "yes"}).status_code == 403
    in_force.refresh_from_db()
    assert in_force.points_class_i != Decimal("9")


# --- labels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, labels",
    [
        ("zh-hans", ["商户交接", "离岗招商业务人员", "接替人"]),
        ("en", ["merchant handovers", "leaving recruiter", "successor"]),
    ],
)
def test_the_handover_list_speaks_the_readers_language(
    recruitment_head, recruiter, second_recruiter, merchant, language, labels
):
    handover(merchant, leaver=recruiter, successor=second_recruiter, on=dt.date(2026, 11, 1), by=recruitment_head)
    page = signed_in(recruitment_head, language).get(f"{ADMIN}/handover/").content.decode().lower()
    for label in labels:
        assert label.lower() in page


@pytest.mark.parametrize(
    "language, labels",
    [("zh-hans", ["薪资调整", "随以下月份薪资发放"]), ("en", ["pay adjustments", "paid with the payroll of"])],
)
def test_the_adjustment_list_speaks_the_readers_language(recruitment_head, recruiter, language, labels):
    Adjustment.objects.create(staff=recruiter, month=dt.date(2026, 11, 1), amount=Decimal("1.00"), reason="补发")
    page = signed_in(recruitment_head, language).get(f"{ADMIN}/adjustment/").content.decode().lower()
    for label in labels:
        assert label.lower() in page


# --- query counts --------------------------------------------------------------------------


class Grow:
    """One more row of each list's kind per call (with what it needs)."""

    def __init__(self, head, recruiter, successor, department):
        self.head, self.recruiter, self.successor, self.department = head, recruiter, successor, department
        self.n = 0

    def handover(self):
        merchant = signed_merchant(self.recruiter, signed_on=dt.date(2026, 3, 1))
        handover(merchant, leaver=self.recruiter, successor=self.successor, on=dt.date(2026, 11, 1), by=self.head)

    def adjustment(self):
        self.n += 1
        Adjustment.objects.create(
            staff=self.recruiter,
            month=dt.date(2025, self.n, 1),
            amount=Decimal("1.00"),
            reason="补发",
            created_by=self.head,
        )

    def payrollrun(self):
        self.n += 1
        make_run(period=f"2025-{self.n:02}", starts_on=dt.date(2025, self.n, 1), finalized_by=self.head)

    def yearendpool(self):
        self.n += 1
        year_end_allocation(self.head, self.recruiter, self.department, year=2010 + self.n)

    allocation = yearendpool


# Session, user, its roles, unread notifications (4; a head: also the department for the
# scope); count (paginator and full count); the rows with what they show; the filters and
# the date hierarchy (its bounds and its days).
@pytest.mark.parametrize(
    "role, listing, expected",
    [
        ("admin_user", "handover", 9),
        ("recruitment_head", "handover", 12),
        ("admin_user", "adjustment", 7),
        ("recruitment_head", "adjustment", 10),
        ("admin_user", "payrollrun", 7),
        ("general_manager", "payrollrun", 9),
        ("admin_user", "yearendpool", 8),
        ("recruitment_head", "yearendpool", 11),
        ("admin_user", "allocation", 7),
        ("recruitment_head", "allocation", 10),
    ],
)
def test_the_changelists_run_a_constant_number_of_queries(
    request, recruitment_head, recruiter, second_recruiter, department, queries, role, listing, expected
):
    client = signed_in(request.getfixturevalue(role))
    grow = getattr(Grow(recruitment_head, recruiter, second_recruiter, department), listing)
    grow()
    queries.assert_constant(lambda: client.get(f"{ADMIN}/{listing}/"), grow, expected=expected)
