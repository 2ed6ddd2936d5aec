"""The dashboard's alliance panel (SPEC.md §9 "Reported"): per district and per joint
activity, each rate against its target, the revenue shared, each count linking to the
records behind it; the period and the region and recruiter filters; every role's scope;
a fixed number of queries."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client

from plans.models import Region
from tests.dashboards.alliance_builders import activity, merchants_invited, refer

pytestmark = pytest.mark.django_db
DECEMBER = {"from": "2026-12-01", "to": "2026-12-31"}


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(dt.datetime(2026, 12, 10, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def regions(db):
    city = Region.objects.create(name="阜阳市", code="341200", kind="city")
    return {
        "city": city,
        "颍州区": Region.objects.create(name="颍州区", code="341202", kind="district", parent=city),
        "太和县": Region.objects.create(name="太和县", code="341222", kind="county", parent=city),
    }


@pytest.fixture
def activities(recruiter, second_recruiter, outside_recruiter, recruitment_head):
    """颍州区: the head's activity with three of the recruiter's merchants taking part of
    five invited and three referrals (two spent), the outside department's with two taking
    part; 太和县: the second recruiter's, one of four taking part; one in November."""
    winter = activity(recruitment_head, district="颍州区", title="颍州区冬季联合拓客")
    one, two, three = merchants_invited(winter, recruiter, 3, answer="accepted")
    merchants_invited(winter, recruiter, 2, answer="declined")
    refer(winter, one, two, "100.00")  # 5.00
    refer(winter, one, three, "0.00")
    refer(winter, two, one, "20.00")  # 1.00
    outside = activity(outside_recruiter, district="颍州区", title="颍州区二部活动")
    merchants_invited(outside, outside_recruiter, 2, answer="accepted")
    taihe = activity(second_recruiter, district="太和县", title="太和县联合拓客")
    merchants_invited(taihe, second_recruiter, 1, answer="accepted")
    merchants_invited(taihe, second_recruiter, 3)
    november = activity(recruiter, district="颍州区", title="十一月活动", starts="2026-11-01", ends="2026-11-30")
    merchants_invited(november, recruiter, 1, answer="accepted")
    return {"winter": winter, "outside": outside, "taihe": taihe, "november": november}


def page(user, params=DECEMBER, language="en"):
    client = Client()
    client.force_login(user)
    return client.get("/dashboards/", params, HTTP_ACCEPT_LANGUAGE=language)


def table(html, table_id) -> str:
    return re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)


def line(html, table_id, attribute, value) -> dict[str, str]:
    """A row's cells by their ``data-figure`` (text, tags and spaces collapsed)."""
    body = re.search(rf'<tr {attribute}="{value}"[^>]*>(.*?)</tr>', table(html, table_id), re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*" data-figure="(\w+)"[^>]*>(.*?)</td>', body, re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for name, cell in cells}


def link(html, table_id, attribute, value, figure) -> str:
    body = re.search(rf'<tr {attribute}="{value}"[^>]*>(.*?)</tr>', table(html, table_id), re.S).group(1)
    cell = re.search(rf'data-figure="{figure}"[^>]*><a href="([^"]+)"', body).group(1)
    return cell.replace("&amp;", "&")


def activity_titles(html) -> list[str]:
    if 'id="table-alliance-activities"' not in html:
        return []
    rows = re.findall(
        r'<tr data-activity="\d+"><th scope="row"[^>]*>(.*?)</th>', table(html, "table-alliance-activities")
    )
    return [re.sub(r"<[^>]+>", "", cell) for cell in rows]


# --- the figures on the page -----------------------------------------------------------------


@pytest.mark.usefixtures("activities")
def test_it_shows_each_district_with_its_rates_against_their_targets(general_manager):
    html = page(general_manager).content.decode()

    assert line(html, "table-alliance", "data-district", "颍州区") == {
        "invited": "7",
        "participants": "5",
        "participation_rate": "71.43 % Met",
        "referrers": "2",
        "resource_sharing_rate": "40.00 % Met",
        "referred": "3",
        "converted": "2",
        "conversion_rate": "66.67 % Met",
        "revenue_shared": "6.00",
    }
    assert line(html, "table-alliance", "data-district", "太和县") == {
        "invited": "4",
        "participants": "1",
        "participation_rate": "25.00 % Not met",
        "referrers": "0",
        "resource_sharing_rate": "0.00 % Not met",
        "referred": "0",
        "converted": "0",
        "conversion_rate": "—",
        "revenue_shared": "0.00",
    }
    total = line(html, "table-alliance", "data-district", "")
    assert (total["invited"], total["participants"], total["participation_rate"]) == ("11", "6", "54.55 % Not met")
    assert total["resource_sharing_rate"] == "33.33 % Not met"


def test_it_shows_each_activity_and_links_its_admin_page(general_manager, activities):
    html = page(general_manager).content.decode()
    winter = activities["winter"]

    assert activity_titles(html) == ["太和县联合拓客", "颍州区冬季联合拓客", "颍州区二部活动"]
    assert line(html, "table-alliance-activities", "data-activity", winter.pk)["participation_rate"] == "60.00 % Met"
    assert line(html, "table-alliance-activities", "data-activity", winter.pk)["resource_sharing_rate"] == (
        "66.67 % Met"
    )
    assert f'href="/admin/alliance/activity/{winter.pk}/change/"' in html
    assert 'data-met="true"' in html and 'data-met="false"' in html


@pytest.mark.usefixtures("activities")
def test_the_chart_draws_the_tables_rates(general_manager):
    html = page(general_manager).content.decode()

    data = json.loads(re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', html).group(1))
    alliance = data["alliance"]
    assert alliance["labels"] == ["太和县", "颍州区", "All activities"]
    assert [series["name"] for series in alliance["series"]] == [
        "Participation rate",
        "Resource-sharing rate",
        "Conversion rate",
    ]
    assert alliance["series"][0]["values"] == [25.0, 71.43, 54.55]
    assert alliance["series"][2]["values"] == [None, 66.67, 66.67]
    assert [series["target"] for series in alliance["series"]] == [60.0, 40.0, 12.0]
    assert 'id="chart-alliance" data-chart="alliance"' in html


def test_without_activities_it_says_so_and_draws_nothing(general_manager):
    html = page(general_manager).content.decode()

    assert 'id="alliance-empty"' in html
    assert 'id="chart-alliance"' not in html
    assert '"alliance"' not in re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html).group(1)


def test_it_is_in_chinese_by_default(general_manager, activities):
    html = page(general_manager, language="zh-hans").content.decode()

    for words in ("联合拓客活动", "参与率", "资源共享率", "转化率", "分成金额", "达标", "未达标"):
        assert words in html, words


# --- the period and the filters -------------------------------------------------------------------


@pytest.mark.usefixtures("activities")
def test_it_takes_the_activities_overlapping_the_period(general_manager):
    html = page(general_manager, {"from": "2026-11-20", "to": "2026-11-30"}).content.decode()

    assert activity_titles(html) == ["十一月活动"]


@pytest.mark.usefixtures("activities")
def test_the_region_filter_keeps_its_districts(general_manager, regions):
    assert activity_titles(page(general_manager, {**DECEMBER, "region": regions["太和县"].pk}).content.decode()) == [
        "太和县联合拓客"
    ]
    city = page(general_manager, {**DECEMBER, "region": regions["city"].pk}).content.decode()
    assert len(activity_titles(city)) == 3


@pytest.mark.usefixtures("activities")
def test_the_recruiter_filter_keeps_their_activities(general_manager, second_recruiter):
    html = page(general_manager, {**DECEMBER, "recruiter": second_recruiter.pk}).content.decode()

    assert activity_titles(html) == ["太和县联合拓客"]
    assert f"recruiter={second_recruiter.pk}" in link(html, "table-alliance", "data-district", "太和县", "invited")


# --- every role --------------------------------------------------------------------------------


@pytest.mark.usefixtures("activities")
@pytest.mark.parametrize(
    ("reader", "titles"),
    [
        ("recruiter", ["颍州区冬季联合拓客"]),
        ("second_recruiter", ["太和县联合拓客"]),
        ("recruitment_head", ["太和县联合拓客", "颍州区冬季联合拓客"]),
        ("outside_recruiter", ["颍州区二部活动"]),
        ("outside_head", ["颍州区二部活动"]),
        ("ops_director", ["太和县联合拓客", "颍州区冬季联合拓客", "颍州区二部活动"]),
        ("general_manager", ["太和县联合拓客", "颍州区冬季联合拓客", "颍州区二部活动"]),
        ("admin_user", ["太和县联合拓客", "颍州区冬季联合拓客", "颍州区二部活动"]),
        ("customer_service", ["太和县联合拓客", "颍州区冬季联合拓客", "颍州区二部活动"]),
        ("dept_head", []),
    ],
)
def test_each_role_sees_the_activities_in_its_scope(request, reader, titles):
    response = page(request.getfixturevalue(reader))

    assert response.status_code == 200
    assert activity_titles(response.content.decode()) == titles


@pytest.mark.usefixtures("activities")
@pytest.mark.parametrize("reader", ["merchant_user", "other_merchant_user"])
def test_a_merchant_is_refused_the_panel_and_its_records(request, reader):
    client = Client()
    client.force_login(request.getfixturevalue(reader))

    assert client.get("/dashboards/").status_code == 403
    assert client.get("/dashboards/records/alliance-referred/", DECEMBER).status_code == 403


# --- the records behind each figure ------------------------------------------------------------


def records(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def total_of(response) -> int:
    return int(re.search(r'id="records" data-total="(\d+)"', response.content.decode()).group(1))


FIGURES = ("invited", "participants", "referrers", "referred", "converted")


@pytest.mark.usefixtures("activities")
@pytest.mark.parametrize("reader", ["general_manager", "recruiter", "recruitment_head"])
def test_each_count_links_to_as_many_records(request, reader):
    user = request.getfixturevalue(reader)
    html = page(user).content.decode()
    rows = re.findall(r'<tr data-(district|activity)="([^"]*)"', table(html, "table-alliance"))
    rows += re.findall(r'<tr data-(activity)="(\d+)"', table(html, "table-alliance-activities"))

    for attribute, value in rows:
        table_id = "table-alliance" if attribute == "district" else "table-alliance-activities"
        cells = line(html, table_id, f"data-{attribute}", value)
        for figure in FIGURES:
            response = records(user, link(html, table_id, f"data-{attribute}", value, figure))
            assert response.status_code == 200
            assert total_of(response) == int(cells[figure]), (attribute, value, figure)


def test_the_records_name_the_merchants_and_customers(general_manager, activities):
    winter = activities["winter"]

    invited = records(general_manager, f"/dashboards/records/alliance-invited/?activity={winter.pk}")
    referred = records(general_manager, f"/dashboards/records/alliance-converted/?activity={winter.pk}")

    assert invited.content.decode().count("Taking part") == 3
    assert invited.content.decode().count("Declined") == 2
    assert "颍州区冬季联合拓客" in invited.content.decode()
    assert total_of(referred) == 2
    assert "Spent 100.00, share 5.00" in referred.content.decode()


def test_another_departments_activity_is_a_404(recruiter, activities):
    outside = activities["outside"]

    response = records(recruiter, f"/dashboards/records/alliance-invited/?activity={outside.pk}&from=2026-12-01")

    assert response.status_code == 404


def test_a_bad_activity_is_a_400_naming_it(general_manager, activities):
    response = records(general_manager, "/dashboards/records/alliance-invited/?activity=abc")

    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()


@pytest.mark.usefixtures("activities")
def test_a_district_lists_its_activities_records(general_manager):
    response = records(general_manager, "/dashboards/records/alliance-participants/?district=颍州区")

    assert total_of(response) == 5
    assert 'id="records-subject">颍州区<' in response.content.decode()


# --- queries -----------------------------------------------------------------------------------


def test_the_panel_takes_one_query_whatever_the_number_of_activities(
    queries, general_manager, recruiter, second_recruiter
):
    client = Client()
    client.force_login(general_manager)
    districts = iter(["颍州区", "太和县", "颍东区", "颍泉区", "界首市"] * 3)

    def grow():
        held = activity(recruiter, district=next(districts))
        one, two = merchants_invited(held, recruiter, 2, answer="accepted")
        merchants_invited(held, second_recruiter, 1)
        refer(held, one, two)

    grow()
    client.get("/dashboards/", DECEMBER)
    # The page without a plan took 18; the alliance panel adds its one query.
    queries.assert_constant(lambda: client.get("/dashboards/", DECEMBER), grow, expected=19)


def test_a_records_page_takes_a_fixed_number_of_queries(queries, general_manager, recruiter):
    client = Client()
    client.force_login(general_manager)

    def grow():
        held = activity(recruiter)
        one, two = merchants_invited(held, recruiter, 2, answer="accepted")
        refer(held, one, two)

    grow()
    url = "/dashboards/records/alliance-referred/"
    client.get(url, DECEMBER)
    queries.assert_constant(lambda: client.get(url, DECEMBER), grow)


# --- the XLSX sheet and the report's chart -------------------------------------------------------


def test_the_xlsx_has_the_joint_activities_sheet(general_manager, activities):
    import io

    from openpyxl import load_workbook

    client = Client()
    client.force_login(general_manager)
    response = client.get("/dashboards/export.xlsx", DECEMBER, HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(io.BytesIO(response.content))

    assert book.sheetnames[-1] == "Joint activities"
    rows = [row for row in book["Joint activities"].iter_rows(values_only=True) if any(row)]
    assert rows[0][:2] == ("Joint activities", "From 2026-12-01 to 2026-12-31")
    assert rows[1][:6] == ("District", "Activities", "Invited", "Participants", "Participation rate", "Target met")
    assert rows[2][:14] == ("太和县", 1, 4, 1, 25, "Not met", 0, 0, "Not met", 0, 0, None, None, 0)
    assert rows[3][:14] == ("颍州区", 2, 7, 5, 71.43, "Met", 2, 40, "Met", 3, 2, 66.67, "Met", 6)
    assert rows[4][0] == "All activities"
    assert [row[0] for row in rows[6:]] == ["太和县联合拓客", "颍州区冬季联合拓客", "颍州区二部活动"]
    assert rows[7][1:3] == ("颍州区", "2026-12-01 – 2026-12-31")
    sheet = book["Joint activities"]
    assert sheet.cell(4, 5).number_format == '0.00" %"' and sheet.cell(5, 14).number_format == "0.00"


def test_a_recruiters_xlsx_has_their_activities_only(recruiter, activities):
    import io

    from openpyxl import load_workbook

    client = Client()
    client.force_login(recruiter)
    book = load_workbook(io.BytesIO(client.get("/dashboards/export.xlsx", DECEMBER).content))

    names = [row[0] for row in book.worksheets[-1].iter_rows(values_only=True)]
    assert "颍州区冬季联合拓客" in names and "颍州区二部活动" not in names and "太和县联合拓客" not in names


def test_the_reports_chart_draws_each_rate_against_its_target(general_manager, activities):
    from dashboards import report

    section = report.alliance_section(general_manager, report.report_month("2026-12"), report.NO_FILTERS)

    svg = section["svg"]
    assert svg.startswith("<svg")
    assert svg.count('stroke-dasharray="4 3"') == 3  # the 60, 40 and 12 % targets
    assert svg.count("<rect") == 3 * 3 - 1 + 3  # 3 rates × (2 districts + all), one without a value; 3 legend keys
    assert ">71.43</text>" in svg and ">66.67</text>" in svg
