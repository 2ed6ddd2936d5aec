import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import at, complaint, decided, merchant_of

pytestmark = pytest.mark.django_db
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
CHARTS = ("funnel", "pass-rate", "cycle-time", "complaints", "rate-requests", "churn")


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def page(user, url="/dashboards/", params=OCTOBER, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


def test_it_renders_each_chart_with_its_table(recruiter, general_manager):
    decided(recruiter, A.APPROVED, "2026-10-12")

    html = page(general_manager).content.decode()

    for chart in CHARTS:
        assert f'id="chart-{chart}"' in html
        assert f'id="table-{chart}"' in html
    assert 'id="dashboard-data"' in html


def test_it_loads_echarts_from_its_own_static_files(general_manager):
    html = page(general_manager).content.decode()

    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert "/static/dashboards/vendor/echarts.min.js" in scripts
    assert all(src.startswith("/static/") for src in scripts), scripts


def test_it_links_each_figure_to_its_records_with_the_same_count(recruiter, second_recruiter, general_manager):
    for day in ("2026-10-12", "2026-10-13", "2026-10-14"):
        decided(recruiter, A.APPROVED, day)
    decided(second_recruiter, A.REJECTED, "2026-10-15")

    html = page(general_manager).content.decode()
    link = re.search(r'<a href="(/dashboards/records/funnel-approved/\?[^"]+)">3</a>', html)
    assert link, html
    records = page(general_manager, link.group(1).replace("&amp;", "&"), params=None)

    assert records.status_code == 200
    assert 'data-total="3"' in records.content.decode()


def test_it_lists_only_the_readers_records(recruiter, second_recruiter, outside_recruiter):
    mine = decided(recruiter, A.APPROVED, "2026-10-12")
    decided(second_recruiter, A.APPROVED, "2026-10-12")
    decided(outside_recruiter, A.APPROVED, "2026-10-12")

    html = page(recruiter, "/dashboards/records/funnel-approved/").content.decode()

    assert 'data-total="1"' in html
    assert mine.company_name in html


def test_it_lists_the_overdue_complaints(recruiter, customer_service, recruitment_head):
    late = complaint(recruiter, cs=customer_service, received=at("2026-10-12"), reply_due=at("2026-10-15", 23))
    complaint(recruiter, cs=customer_service, received=at("2026-10-16"), reply_due=at("2026-10-21", 23))

    html = page(recruitment_head, "/dashboards/records/complaints-overdue/").content.decode()

    assert 'data-total="1"' in html
    assert late.number in html


def test_it_lists_the_terminated_merchants(recruiter, general_manager):
    gone = merchant_of(recruiter, status="terminated", signed_at=at("2026-05-01"), terminated_at=at("2026-10-08"))
    merchant_of(recruiter, status="active", signed_at=at("2026-05-01"))

    html = page(general_manager, "/dashboards/records/merchants-terminated/").content.decode()

    assert 'data-total="1"' in html
    assert gone.name in html


def test_it_speaks_chinese_by_default_and_english_on_request(general_manager):
    chinese = page(general_manager, language="zh-hans").content.decode()
    english = page(general_manager, language="en").content.decode()

    assert "Onboarding funnel" in english
    assert "Onboarding funnel" not in chinese
    assert "仪表板" in chinese


def test_it_shows_a_bad_period_in_the_form(general_manager):
    response = page(general_manager, params={"from": "2026-10-31", "to": "2026-10-01"})

    assert response.status_code == 400
    assert "The start date must not be after the end date." in response.content.decode()


def test_it_refuses_a_merchant(merchant_user):
    assert page(merchant_user).status_code == 403
    assert page(merchant_user, "/dashboards/records/funnel-approved/").status_code == 403


def test_it_sends_the_anonymous_to_log_in():
    response = Client().get("/dashboards/")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_has_no_page_for_an_unknown_figure(general_manager):
    assert page(general_manager, "/dashboards/records/salaries/").status_code == 404


def test_it_takes_a_bounded_number_of_queries(recruiter, general_manager, queries):
    client = Client()
    client.force_login(general_manager)

    def grow():
        decided(recruiter, A.APPROVED, "2026-10-12", submitted="2026-09-30")

    grow()
    client.get("/dashboards/", OCTOBER)
    queries.assert_constant(lambda: client.get("/dashboards/", OCTOBER), grow)
    queries.assert_constant(lambda: client.get("/dashboards/records/funnel-approved/", OCTOBER), grow)
