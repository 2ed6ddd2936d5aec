"""The XLSX export's plan sheets: the page's plan tables (progress, phases and weeks,
coverage, quotas) with the same numbers, after the summary's sheets."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.dashboards.test_plan_panels import _may, plan, signings  # noqa: F401 (the fixtures used here)

pytestmark = pytest.mark.django_db


def sheets(user, params=None):
    client = Client()
    client.force_login(user)
    response = client.get("/dashboards/export.xlsx", params or {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.usefixtures("plan", "signings")
def test_it_adds_the_plans_tables(general_manager):
    book = sheets(general_manager)

    assert list(book)[-6:] == [
        "Plan progress by segment and ca",
        "Phase burn-up",
        "Coverage by district",
        "Quotas",
        "Recruiter leaderboard",
        "Joint activities",
    ]
    progress = [row[:4] for row in book[list(book)[-6]]]
    assert progress[0][:2] == ("Plan progress by segment and category", "阜阳招商计划 (2026-04-20 – 2026-05-31)")
    assert ("Basic merchant", 6, 2, 33.33) in progress
    assert ("Supermarket", 2, 0, 0) in progress
    coverage = book["Coverage by district"]
    assert any(row[0] == "颍泉区" and row[2] == 0 for row in coverage)
    phases = [tuple(cell for cell in row if cell is not None) for row in book["Phase burn-up"]]
    assert ("Phase", "Dates", "Regions", "Target", "Signed", "Attainment") in phases
    assert ("Week", "Signed", "Cumulative", "Target") in phases


@pytest.mark.usefixtures("plan")
def test_a_bad_plan_is_a_400_naming_it(general_manager):
    client = Client()
    client.force_login(general_manager)

    response = client.get("/dashboards/export.xlsx", {"plan": "x"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.content.decode().startswith("plan: ")


def test_no_plan_no_plan_sheets(general_manager):
    assert "Quotas" not in sheets(general_manager)


@pytest.mark.usefixtures("plan", "signings")
def test_the_plan_sheets_take_a_fixed_number_of_queries(queries, recruiter, general_manager):
    from tests.dashboards.test_plan_panels import sign

    client = Client()
    client.force_login(general_manager)
    client.get("/dashboards/export.xlsx")

    def grow():
        sign(recruiter, "2026-05-12", "颍州区")

    # The export without a plan (17) and the plan panels' (as the page's).
    queries.assert_constant(lambda: client.get("/dashboards/export.xlsx"), grow, expected=28)


@pytest.mark.usefixtures("signings")
def test_the_pages_downloads_take_its_plan_and_filters(request, general_manager):
    shown = request.getfixturevalue("plan")
    client = Client()
    client.force_login(general_manager)

    html = client.get("/dashboards/", {"plan": shown.pk, "segment": "basic"}).content.decode()
    plain = client.get("/dashboards/").content.decode()

    assert (
        f'href="/dashboards/export.xlsx?from=2026-05-01&amp;to=2026-05-31&amp;segment=basic&amp;plan={shown.pk}"'
        in html
    )
    assert f'href="/dashboards/report.pdf?segment=basic&amp;plan={shown.pk}"' in html
    assert 'href="/dashboards/report.pdf"' in plain and "plan=" not in plain.split('id="dashboard-downloads"')[1][:300]
