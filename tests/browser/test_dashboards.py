"""The dashboard in a real browser, as the general manager and as a recruiter: every chart
is drawn by the vendored ECharts (a canvas in each container), nothing is fetched from
another host, and each reader's table shows their own scope."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import decided
from tests.factories.workplace import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHARTS = ("funnel", "pass-rate", "cycle-time", "complaints", "rate-requests", "churn")


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


def test_a_recruiter_sees_every_chart_drawn_over_their_own(open_dashboard, live_server, recruiter, outside_recruiter):
    today = timezone.localdate().isoformat()
    decided(recruiter, A.APPROVED, today, submitted=today)
    decided(outside_recruiter, A.APPROVED, today, submitted=today)

    page, requested, errors = open_dashboard(recruiter)

    assert_charts_drawn(page, requested, errors, live_server)
    expect(approved_cell(page)).to_have_text("1")
    expect(page.locator("h1")).to_have_text("仪表板")
