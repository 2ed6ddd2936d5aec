"""The dashboard in a real browser, as the general manager and as a recruiter: every chart
is drawn by the vendored ECharts (a canvas in each container) — the summary's, the plan's
(progress, burn-up, coverage), the leaderboard and the joint activities' —, nothing is
fetched from another host, and each reader's table shows their own scope."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from merchants.models import ApplicationStatus as A
from plans.models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region
from tests.dashboards.alliance_builders import activity, merchants_invited, refer
from tests.dashboards.builders import at, decided, merchant_of
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHARTS = (
    "funnel",
    "pass-rate",
    "cycle-time",
    "complaints",
    "rate-requests",
    "churn",
    "plan-progress",
    "burn-up",
    "coverage",
    "leaderboard",
    "alliance",
)


@pytest.fixture(autouse=True)
def plan_and_activity(recruiter, outside_recruiter, recruitment_head):
    """A plan in force today over 阜阳市 (颍州区, 太和县) with a phase, targets and quotas,
    one signing of the recruiter today, and a joint activity of this month in 颍州区 with
    the recruiter's merchants taking part and a referral: every chart has data to draw."""
    today = timezone.localdate()
    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    yingzhou = Region.objects.create(name="颍州区", code="341202", kind="district", parent=city)
    Region.objects.create(name="太和县", code="341222", kind="county", parent=city)
    plan = Plan.objects.create(
        name="阜阳招商计划", region=city, starts_on=today - dt.timedelta(days=14), ends_on=today + dt.timedelta(days=30)
    )
    PlanTarget.objects.create(plan=plan, segment="basic", count=6)
    phase = Phase.objects.create(plan=plan, name="一期", starts_on=plan.starts_on, ends_on=plan.ends_on)
    phase.regions.set([yingzhou])
    PhaseTarget.objects.create(phase=phase, segment="basic", count=6)
    Quota.objects.create(plan=plan, recruiter=recruiter, count=3)
    Quota.objects.create(plan=plan, recruiter=outside_recruiter, count=3)
    merchant_of(recruiter, status="active", signed_at=at(today.isoformat()), signing_recruiter=recruiter)
    held = activity(
        recruitment_head,
        district="颍州区",
        starts=today.replace(day=1).isoformat(),
        ends=(today + dt.timedelta(days=10)).isoformat(),
    )
    one, two = merchants_invited(held, recruiter, 2, answer="accepted")
    merchants_invited(held, recruiter, 1, answer="declined")
    refer(held, one, two, "100.00", day=today.replace(day=1))


@pytest.fixture
def open_dashboard(browser, live_server):
    contexts = []

    def open_as(user):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        requested, errors = [], []
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        today = timezone.localdate()
        page.goto(f"{live_server.url}/dashboards/?from={today.replace(day=1).isoformat()}&to={today.isoformat()}")
        return page, requested, errors

    yield open_as
    for context in contexts:
        context.close()


def assert_charts_drawn(page, requested, errors, live_server):
    for chart in CHARTS:
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-rendered", "true")
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    assert not errors, errors
    assert all(url.startswith(live_server.url) for url in requested), requested


def approved_cell(page):
    return page.locator("#table-funnel tbody tr").nth(2).locator("td.num")


def test_the_general_manager_sees_every_chart_drawn_over_everything(
    open_dashboard, live_server, recruiter, outside_recruiter, general_manager
):
    today = timezone.localdate().isoformat()
    decided(recruiter, A.APPROVED, today, submitted=today)
    decided(outside_recruiter, A.APPROVED, today, submitted=today)

    page, requested, errors = open_dashboard(general_manager)

    assert_charts_drawn(page, requested, errors, live_server)
    expect(approved_cell(page)).to_have_text("2")
    expect(page.locator("#table-alliance tfoot [data-figure=participation_rate] .rate")).to_have_text("66.67 %")


def test_a_recruiter_sees_every_chart_drawn_over_their_own(open_dashboard, live_server, recruiter, outside_recruiter):
    today = timezone.localdate().isoformat()
    decided(recruiter, A.APPROVED, today, submitted=today)
    decided(outside_recruiter, A.APPROVED, today, submitted=today)

    page, requested, errors = open_dashboard(recruiter)

    assert_charts_drawn(page, requested, errors, live_server)
    expect(approved_cell(page)).to_have_text("1")
    expect(page.locator("h1")).to_have_text("仪表板")
    expect(page.locator("#title-alliance")).to_have_text("联合拓客活动")
