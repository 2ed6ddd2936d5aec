"""The page, the XLSX export and the monthly PDF report carry the same numbers: the joint
activities' table, the funnel, the pass rate and the plan's progress, for one reader, one
month and one plan (issue 10 §4, SPEC.md §9)."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from merchants.models import ApplicationStatus as A
from tests.dashboards.alliance_builders import activity, merchants_invited, refer
from tests.dashboards.builders import decided
from tests.dashboards.test_plan_panels import _may, plan, signings  # noqa: F401 (the fixtures used here)
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db
MAY = {"from": "2026-05-01", "to": "2026-05-31"}


@pytest.fixture
def may(request, recruiter, second_recruiter, recruitment_head):
    """May 2026: the plan and its signings (tests/dashboards/test_plan_panels.py), four
    decisions, two joint activities."""
    the_plan = request.getfixturevalue("plan")
    request.getfixturevalue("signings")
    for day in ("2026-05-04", "2026-05-06", "2026-05-07"):
        decided(recruiter, A.APPROVED, day)
    decided(second_recruiter, A.REJECTED, "2026-05-08")
    spring = activity(
        recruitment_head, district="颍州区", title="颍州区春季联合拓客", starts="2026-05-01", ends="2026-05-20"
    )
    one, two, three = merchants_invited(spring, recruiter, 3, answer="accepted")
    merchants_invited(spring, recruiter, 2, answer="declined")
    refer(spring, one, two, "100.00")
    refer(spring, one, three, "0.00")
    refer(spring, two, one, "33.33")
    taihe = activity(
        second_recruiter, district="太和县", title="太和县联合拓客", starts="2026-05-10", ends="2026-06-10"
    )
    merchants_invited(taihe, second_recruiter, 1, answer="accepted")
    merchants_invited(taihe, second_recruiter, 3)
    return the_plan


def client_of(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def cells(row_html) -> list[str]:
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def page_rows(html, table_id) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    body = re.sub(r"<thead>.*?</thead>", "", body, flags=re.S)
    return [cells(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def decimals(values) -> list[Decimal]:
    """The numbers of a row's cells, whatever their form ("60.00 % 达标", 60, 60.0, "—")."""
    found = []
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int | float | Decimal):
            found.append(Decimal(str(value)))
            continue
        found += [Decimal(number) for number in re.findall(r"\d+(?:\.\d+)?", str(value))]
    return found


def section(text, title, end_title=None) -> str:
    """The PDF's text from the line that is ``title`` to the line that is ``end_title``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    end = next((i for i, line in enumerate(lines[start + 1 :], start + 1) if line.strip() == end_title), len(lines))
    return "\n".join(lines[start:end])


def pdf_row(text, label) -> list[Decimal]:
    """The numbers on the first line of ``text`` that starts with the cell ``label`` and has
    figures after it (not a chart's axis labels)."""
    starting = rf"\s*{re.escape(label)}\s{{2,}}(?=.*[\d—])"
    line = next(line for line in text.splitlines() if re.match(starting, line))
    return decimals([line.strip()[len(label) :]])


def sheet_rows(book, title) -> list[tuple]:
    return [row for row in book[title].iter_rows(values_only=True) if any(cell is not None for cell in row)]


def sheet_row(book, title, label, after=0) -> list:
    return next(row for row in sheet_rows(book, title)[after:] if row[0] == label)


@pytest.fixture
def documents(may, general_manager):
    client = client_of(general_manager)
    params = {**MAY, "plan": may.pk}
    html = client.get("/dashboards/", params, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    workbook = client.get("/dashboards/export.xlsx", params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    pdf = client.get("/dashboards/report.pdf", {"month": "2026-05", "plan": may.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert workbook.status_code == pdf.status_code == 200
    return html, load_workbook(io.BytesIO(workbook.content)), pdf_text(pdf.content, layout=True)


def test_the_joint_activities_by_district(documents):
    html, book, text = documents
    alliance = section(text, "联合拓客活动")
    rows = page_rows(html, "table-alliance")

    assert [row[0] for row in rows] == ["太和县", "颍州区", "全部活动"]
    for row in rows:
        label, page_numbers = row[0], decimals(row[1:])
        assert decimals(sheet_row(book, "联合拓客活动", label)[1:]) == page_numbers, label
        assert pdf_row(alliance, label) == page_numbers, label
    assert decimals(rows[1][1:]) == decimals([1, 5, 3, "60.00", 2, "66.67", 3, 2, "66.67", "6.67"])
    assert "60.00 % 达标" in rows[1] and "44.44 % 未达标" in rows[2]
    assert sheet_row(book, "联合拓客活动", "颍州区")[4:6] == (60, "达标")


def test_the_joint_activities_one_by_one(documents):
    html, book, text = documents
    alliance = section(text, "联合拓客活动")
    header = next(i for i, row in enumerate(sheet_rows(book, "联合拓客活动")) if row[0] == "活动")
    rows = page_rows(html, "table-alliance-activities")

    assert [row[0] for row in rows] == ["太和县联合拓客", "颍州区春季联合拓客"]
    for row in rows:
        label, page_numbers = row[0], decimals(row[3:])  # after the district and the dates
        assert decimals(sheet_row(book, "联合拓客活动", label, after=header)[3:]) == page_numbers, label
        assert pdf_row(alliance, label) == page_numbers, label


def test_the_funnel_and_the_pass_rate(documents):
    html, book, text = documents
    funnel = section(text, "入驻漏斗", "审核通过率")
    passing = section(text, "审核通过率", "入驻周期")

    for table_id, sheet, pdf_section in (
        ("table-funnel", "入驻漏斗", funnel),
        ("table-pass-rate", "审核通过率", passing),
    ):
        rows = page_rows(html, table_id)
        assert rows, table_id
        for label, value in rows:
            assert decimals(sheet_row(book, sheet, label)[1:2]) == decimals([value]), (sheet, label)
            assert pdf_row(pdf_section, label) == decimals([value]), (sheet, label)
    assert page_rows(html, "table-pass-rate")[0] == ["通过率", "75.00 %"]
    assert page_rows(html, "table-funnel")[2] == ["已批准", "3"]


def test_the_plans_progress(documents):
    html, book, text = documents
    progress = section(text, "按商户分类和行业类别的计划进度", "阶段")
    rows = page_rows(html, "table-plan-progress")

    assert len(rows) == 8
    for row in rows:
        label, page_numbers = row[0], decimals(row[1:])
        assert decimals(sheet_row(book, "按商户分类和行业类别的计划进度", label)[1:]) == page_numbers, label
        assert pdf_row(progress, label) == page_numbers, label
    assert rows[2] == ["基础商家", "6", "2", "33.33 %"]


def test_the_pdf_has_the_plans_other_tables_and_the_leaderboard(documents):
    html, _book, text = documents

    phases = section(text, "阶段", "区县覆盖")
    assert pdf_row(phases, "一期") == decimals(page_rows(html, "table-phases")[0][1:])
    coverage = section(text, "区县覆盖", "招商业务人员排行榜")
    assert "尚无签约商户的区县： 颍泉区" in coverage
    for row in page_rows(html, "table-coverage"):
        assert pdf_row(coverage, row[0]) == decimals(row[1:]), row
    board = section(text, "招商业务人员排行榜", "联合拓客活动")
    for row in page_rows(html, "table-leaderboard"):
        assert " ".join(row[:2]) in " ".join(board.split()), row


def test_the_leaderboard(documents):
    html, book, text = documents
    board = section(text, "招商业务人员排行榜", "联合拓客活动")
    rows = page_rows(html, "table-leaderboard")

    assert len(rows) == 5
    for row in rows:
        rank, name, figures = row[0], row[1], decimals(row[2:])  # a name may hold digits
        sheet = next(cells for cells in sheet_rows(book, "招商业务人员排行榜") if cells[1] == name)
        assert (str(sheet[0]), decimals(sheet[2:])) == (rank, figures), name
        line = next(line for line in board.splitlines() if f" {name} " in f" {line} ")
        assert decimals([line.split(name, 1)[1]]) == figures, name
        assert line.split()[0] == rank, name
