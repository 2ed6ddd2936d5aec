"""The monthly management report as PDF (issue 10 §4): in Chinese, the page's figures for
the month with each chart drawn as SVG, the reader's scope, the month's rules."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from dashboards import report
from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import at, decided, merchant_of
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db
URL = "/dashboards/report.pdf"


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def get(user, params=None, language="en"):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(URL, params or {}, HTTP_ACCEPT_LANGUAGE=language)


def october(recruiter):
    for day in ("2026-10-12", "2026-10-13", "2026-10-14"):
        decided(recruiter, A.APPROVED, day)
    decided(recruiter, A.REJECTED, "2026-10-15")
    decided(recruiter, A.REJECTED, "2026-10-16")
    merchant_of(recruiter, signed_at=at("2026-01-05"), terminated_at=at("2026-10-10"))


def test_it_reports_last_month_in_chinese_with_the_figures(recruiter, general_manager):
    october(recruiter)

    response = get(general_manager, language="en")  # the report is Chinese whatever the reader's language

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="dashboard-report-2026-10.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "月度管理报告" in text
    assert "2026-10-01" in text and "2026-10-31" in text
    for words in ("入驻漏斗", "审核通过率", "60.00 %", "流失率", "100.00 %", "投诉服务水平", "费率申请"):
        assert words in text, words


def test_it_draws_each_chart_as_svg(recruiter, general_manager):
    october(recruiter)

    context = report.report_context(general_manager, report.report_month("2026-10"))
    html = report.report_html(general_manager, report.report_month("2026-10"))

    assert [panel["id"] for panel in context["panels"]] == [
        "funnel",
        "pass-rate",
        "cycle-time",
        "complaints",
        "rate-requests",
        "churn",
    ]
    assert all(panel["svg"].startswith("<svg") for panel in context["panels"])
    funnel = context["panels"][0]["svg"]
    assert funnel.count("<rect") == 5  # a bar per stage
    assert ">3</text>" in funnel and ">2</text>" in funnel
    assert 'stroke-dasharray="4 3"' in context["panels"][1]["svg"]  # the 60 % ceiling
    assert html.count("<svg") == 7  # the six panels and the six months' funnel
    assert "<polyline" in context["trend"]["svg"]
    assert [row["approved"] for row in context["trend"]["rows"]] == [0, 0, 0, 0, 0, 3]
    assert context["trend"]["months"] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def test_its_svg_escapes_text():
    svg = report.bar_chart(["<b>&"], [1], label='"x"')

    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "&quot;x&quot;" in svg


def test_a_recruiter_reports_their_own_figures(recruiter, second_recruiter, general_manager):
    decided(recruiter, A.APPROVED, "2026-10-12")
    decided(second_recruiter, A.APPROVED, "2026-10-13")
    decided(second_recruiter, A.APPROVED, "2026-10-14")
    period = report.report_month("2026-10")

    def approved(user):
        return report.report_context(user, period)["panels"][0]["rows"][2]["value"]

    assert approved(recruiter) == 1
    assert approved(general_manager) == 3


def test_it_takes_a_month_and_the_current_one(general_manager):
    assert get(general_manager, {"month": "2026-09"}).status_code == 200
    assert report.report_month("2026-11").end == dt.date(2026, 11, 30)
    assert report.report_month(None) == report.report_month("2026-10")
    assert report.report_month("2026-01", today=dt.date(2026, 1, 3)).start == dt.date(2026, 1, 1)
    assert report.report_month(None, today=dt.date(2026, 1, 3)).start == dt.date(2025, 12, 1)


@pytest.mark.parametrize("month", ["2026-12", "2027-01", "2026-13", "2026-1", "202610", "oct", "1999-12", "2026-00"])
def test_a_future_or_bad_month_is_a_400_naming_it(general_manager, month):
    response = get(general_manager, {"month": month})

    assert response.status_code == 400
    assert response.content.decode().startswith("month: ")


def test_the_future_month_message_is_in_the_readers_language(general_manager):
    response = get(general_manager, {"month": "2026-12"}, language="zh-hans")

    assert response.content.decode() == "month: 该月份尚未开始。"


@pytest.mark.parametrize("role", ["merchant_user", "other_merchant_user"])
def test_a_merchant_is_refused(request, role):
    response = get(request.getfixturevalue(role))

    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")


def test_an_anonymous_reader_is_sent_to_sign_in():
    response = get(None)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_its_queries_do_not_grow_with_the_data(queries, recruiter, general_manager):
    october(recruiter)
    period = report.report_month("2026-10")

    report.report_context(general_manager, period)  # the calendar, then in the rule cache

    def grow():
        october(recruiter)

    # The summary's 7 (no complaint closed), the six months' funnels, the leaderboard's 4
    # and the joint activities' 1 (no plan here: tests/dashboards/test_alliance_panel.py).
    queries.assert_constant(lambda: report.report_context(general_manager, period), grow, expected=18)


def test_it_takes_the_pages_filters(recruiter, second_recruiter, general_manager):
    from dashboards.selectors import Filters

    decided(recruiter, A.APPROVED, "2026-10-12")
    decided(second_recruiter, A.APPROVED, "2026-10-13")
    period = report.report_month("2026-10")

    context = report.report_context(general_manager, period, filters=Filters(recruiter=second_recruiter.pk))

    assert context["panels"][0]["rows"][2]["value"] == 1
    assert context["trend"]["rows"][-1]["approved"] == 1
    assert get(recruiter, {"month": "2026-10", "recruiter": str(second_recruiter.pk)}).status_code == 403


# --- the plan's tables, the leaderboard and the joint activities ------------------------------


def october_plan(recruiter):
    from plans.models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region

    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    yingzhou = Region.objects.create(name="颍州区", code="341202", kind="district", parent=city)
    Region.objects.create(name="颍泉区", code="341204", kind="district", parent=city)
    plan = Plan.objects.create(
        name="阜阳秋季计划", region=city, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 10, 31)
    )
    PlanTarget.objects.create(plan=plan, segment="basic", count=4)
    phase = Phase.objects.create(plan=plan, name="秋季一期", starts_on=plan.starts_on, ends_on=plan.ends_on)
    phase.regions.set([yingzhou])
    PhaseTarget.objects.create(phase=phase, segment="basic", count=4)
    Quota.objects.create(plan=plan, recruiter=recruiter, count=4)
    merchant_of(recruiter, status="active", signed_at=at("2026-10-08"), signing_recruiter=recruiter, district="颍州区")
    return plan


def october_activity(recruiter):
    from tests.dashboards.alliance_builders import activity, merchants_invited, refer

    held = activity(recruiter, district="颍州区", title="颍州区秋季联合拓客", starts="2026-10-10", ends="2026-10-20")
    one, two = merchants_invited(held, recruiter, 2, answer="accepted")
    merchants_invited(held, recruiter, 2, answer="declined")
    refer(held, one, two, "80.00")
    return held


def test_it_has_the_plan_in_force_at_the_months_end_the_leaderboard_and_the_joint_activities(
    recruiter, general_manager
):
    october_plan(recruiter)
    october_activity(recruiter)

    text = pdf_text(get(general_manager, {"month": "2026-10"}).content, layout=True)

    for words in (
        "计划进度",
        "阜阳秋季计划",
        "秋季一期",
        "区县覆盖",
        "尚无签约商户的区县： 颍泉区",
        "招商业务人员排行榜",
    ):
        assert words in text, words
    assert "联合拓客活动" in text and "颍州区秋季联合拓客" in text
    assert "50.00 %" in text and "未达标" in text and "4.00" in text  # 2 of 4 take part; 5 % of 80.00


def test_without_a_plan_it_leaves_the_plans_tables_out(recruiter, general_manager):
    context = report.report_context(general_manager, report.report_month("2026-10"))
    html = report.report_html(general_manager, report.report_month("2026-10"))

    assert context["plan"] is None
    assert 'id="panel-plan-progress"' not in html
    assert 'id="panel-leaderboard"' in html and 'id="panel-alliance"' in html
    assert "期间内没有联合拓客活动。" in html


def test_it_takes_a_plan_and_refuses_a_bad_one(recruiter, general_manager):
    plan = october_plan(recruiter)

    assert get(general_manager, {"month": "2026-10", "plan": str(plan.pk)}).status_code == 200
    response = get(general_manager, {"month": "2026-10", "plan": "999999"})
    assert response.status_code == 400
    assert response.content.decode().startswith("plan: ")


def test_its_queries_with_a_plan_and_activities_do_not_grow(queries, recruiter, general_manager):
    plan = october_plan(recruiter)
    october_activity(recruiter)
    period = report.report_month("2026-10")
    report.report_context(general_manager, period, plan=plan)

    def grow():
        october_activity(recruiter)
        merchant_of(recruiter, status="active", signed_at=at("2026-10-09"), signing_recruiter=recruiter)

    # The 18 without a plan and the plan panels' 12 (as the page's).
    queries.assert_constant(lambda: report.report_context(general_manager, period, plan=plan), grow, expected=30)
