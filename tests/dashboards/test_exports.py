"""The dashboard's tables as XLSX (issue 10 §4): the page's numbers (the summary API's for
the same reader and period), the reader's scope and language, who may download."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from commissions.models import RequestStatus
from complaints.models import ComplaintStatus
from merchants.models import ApplicationStatus as A
from tests.dashboards.builders import at, complaint, decided, merchant_of, rate_request

pytestmark = pytest.mark.django_db
URL = "/dashboards/export.xlsx"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel(dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def download(user, params=OCTOBER, language="zh-hans"):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(URL, params, HTTP_ACCEPT_LANGUAGE=language)


def workbook(user, params=OCTOBER, language="zh-hans"):
    response = download(user, params, language)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def figures(book) -> dict[str, dict[str, object]]:
    """Sheet → {label: value} below the header row."""
    result = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = next((i for i, row in enumerate(rows) if row[:2] in (("指标", "数值"), ("Figure", "Value"))), None)
        if header is None:  # a table of its own (the plan's, the joint activities')
            continue
        result[sheet.title] = {row[0]: row[1] for row in rows[header + 1 :]}
    return result


def two_places(value) -> str | None:
    """A cell's number as the API writes it (openpyxl reads 60.00 back as 60)."""
    return None if value is None else f"{Decimal(str(value)):.2f}"


def october_data(recruiter, second_recruiter, customer_service):
    for day in ("2026-10-12", "2026-10-13", "2026-10-14"):
        decided(recruiter, A.APPROVED, day)
    decided(recruiter, A.REJECTED, "2026-10-15")
    decided(second_recruiter, A.REJECTED, "2026-10-16")
    complaint(recruiter, cs=customer_service, received=at("2026-10-05"))
    complaint(
        recruiter,
        cs=customer_service,
        received=at("2026-10-06"),
        status=ComplaintStatus.CLOSED,
        first_response_at=at("2026-10-06", 15),
        closed_at=at("2026-10-09"),
    )
    rate_request(recruiter, created=at("2026-10-08"))
    rate_request(second_recruiter, created=at("2026-10-08"), status=RequestStatus.APPROVED, closed=at("2026-10-09"))
    merchant_of(recruiter, signed_at=at("2026-01-05"))
    merchant_of(recruiter, signed_at=at("2026-01-05"), terminated_at=at("2026-10-10"))


def test_it_holds_the_summary_apis_numbers(client_for, recruiter, second_recruiter, customer_service, general_manager):
    october_data(recruiter, second_recruiter, customer_service)
    api = client_for(general_manager).get("/api/v1/dashboards/summary/", OCTOBER).json()

    sheets = figures(workbook(general_manager))

    assert list(sheets) == ["入驻漏斗", "审核通过率", "入驻周期", "投诉服务水平", "费率申请", "流失率"]
    funnel = sheets["入驻漏斗"]
    assert list(funnel.values()) == [
        api["funnel"][stage] for stage in ("submitted", "in_review", "approved", "rejected", "signed")
    ]
    assert list(funnel.values()) == [5, 5, 3, 2, 0]
    pass_rate = sheets["审核通过率"]
    assert two_places(pass_rate["通过率"]) == api["pass_rate"] == "60.00"
    assert two_places(sheets["入驻周期"]["工作日"]) == api["cycle_time_working_days"]
    complaints = sheets["投诉服务水平"]
    assert list(complaints.values())[:2] == [api["complaints"]["open"], api["complaints"]["overdue"]]
    assert two_places(list(complaints.values())[2]) == api["complaints"]["closed_within_7_working_days"] == "100.00"
    requests = sheets["费率申请"]
    assert list(requests.values())[:3] == [api["rate_requests"][k] for k in ("pending", "approved", "rejected")]
    assert two_places(sheets["流失率"]["流失率"]) == api["churn"]


def test_its_percent_cells_are_numbers_shown_as_percent(recruiter, general_manager):
    for day in ("2026-10-12", "2026-10-13", "2026-10-14"):
        decided(recruiter, A.APPROVED, day)
    decided(recruiter, A.REJECTED, "2026-10-15")
    decided(recruiter, A.REJECTED, "2026-10-16")

    sheet = workbook(general_manager).worksheets[1]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "通过率")

    assert float(cell.value) == 60.0
    assert cell.number_format == '0.00" %"'


def test_it_leaves_a_figure_with_nothing_to_divide_by_empty(general_manager):
    sheets = figures(workbook(general_manager))

    assert sheets["审核通过率"]["通过率"] is None
    assert sheets["入驻周期"]["工作日"] is None


def test_it_links_each_figure_to_its_records(recruiter, general_manager):
    decided(recruiter, A.APPROVED, "2026-10-12")
    sheet = workbook(general_manager).worksheets[0]

    links = [row[2].hyperlink.target for row in sheet.iter_rows() if row[2].hyperlink]

    assert "http://testserver/dashboards/records/funnel-approved/?from=2026-10-01&to=2026-10-31" in links


def test_its_headers_are_in_the_readers_language(general_manager):
    book = workbook(general_manager, language="en")

    assert book.sheetnames[0] == "Onboarding funnel"
    assert ("Figure", "Value", "Records") in list(book.worksheets[0].iter_rows(values_only=True))


def test_a_recruiter_exports_their_own_figures(recruiter, second_recruiter, outside_recruiter, recruitment_head):
    decided(recruiter, A.APPROVED, "2026-10-12")
    decided(second_recruiter, A.APPROVED, "2026-10-13")
    decided(outside_recruiter, A.APPROVED, "2026-10-14")

    assert figures(workbook(recruiter))["入驻漏斗"]["已批准"] == 1
    assert figures(workbook(recruitment_head))["入驻漏斗"]["已批准"] == 2


@pytest.mark.parametrize("role", ["merchant_user", "other_merchant_user"])
def test_a_merchant_is_refused(request, role):
    response = download(request.getfixturevalue(role))

    assert response.status_code == 403
    assert b"PK" not in response.content[:2]


def test_an_anonymous_reader_is_sent_to_sign_in():
    response = download(None)

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-10-31", "to": "2026-10-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "1999-12-31"}, "from"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(general_manager, params, field):
    response = download(general_manager, params, language="en")

    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}: ")


def test_it_formula_guards_text_cells():
    from dashboards.exports import cell_value

    assert cell_value("=HYPERLINK(1)") == ("'=HYPERLINK(1)", None)
    assert cell_value("—") == (None, None)
    assert cell_value(3) == (3, "0")


def test_its_queries_do_not_grow_with_the_data(queries, recruiter, second_recruiter, customer_service, general_manager):
    october_data(recruiter, second_recruiter, customer_service)
    client = Client()
    client.force_login(general_manager)
    client.get(URL, OCTOBER)  # the session and the calendar's cache

    def grow():
        october_data(recruiter, second_recruiter, customer_service)

    # The session, the user and their roles, the plan in force (none), then the summary's 8.
    # The summary's, the leaderboard's 4 and one for the joint activities.
    queries.assert_constant(lambda: client.get(URL, OCTOBER), grow, expected=17)


def test_it_takes_the_pages_filters_as_the_summary_api_does(client_for, recruiter, second_recruiter, general_manager):
    decided(recruiter, A.APPROVED, "2026-10-12")
    decided(second_recruiter, A.APPROVED, "2026-10-13")
    decided(second_recruiter, A.REJECTED, "2026-10-14")
    params = {**OCTOBER, "recruiter": str(second_recruiter.pk)}
    api = client_for(general_manager).get("/api/v1/dashboards/summary/", params).json()

    funnel = figures(workbook(general_manager, params))["入驻漏斗"]

    assert list(funnel.values())[2:4] == [api["funnel"]["approved"], api["funnel"]["rejected"]] == [1, 1]


def test_a_recruiter_may_not_export_anothers_figures(recruiter, second_recruiter):
    response = download(recruiter, {**OCTOBER, "recruiter": str(second_recruiter.pk)}, language="en")

    assert response.status_code == 403
    assert response.content.decode().startswith("recruiter: ")


def test_a_bad_filter_is_a_400_naming_it(general_manager):
    response = download(general_manager, {**OCTOBER, "category": "=cmd"}, language="en")

    assert response.status_code == 400
    assert response.content.decode().startswith("category: ")


def test_the_dashboard_links_to_its_files_with_its_period_and_filters(second_recruiter, general_manager):
    client = Client()
    client.force_login(general_manager)

    html = client.get("/dashboards/", {**OCTOBER, "recruiter": str(second_recruiter.pk)}).content.decode()

    assert (
        f'href="/dashboards/export.xlsx?from=2026-10-01&amp;to=2026-10-31&amp;recruiter={second_recruiter.pk}"' in html
    )
    # The report is of a month (last month by default), with the page's filters.
    assert f'href="/dashboards/report.pdf?recruiter={second_recruiter.pk}"' in html
