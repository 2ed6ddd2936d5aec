"""The back office's import of terminal profits from CSV and XLSX files (preview, then an
all-or-nothing confirmation), and the read-only list of profits."""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from compensation.models import ProfitRecord
from compensation.profit_import import SESSION_KEY
from merchants.models import Terminal
from tests.factories.merchants import MerchantFactory, TerminalFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/compensation/profitrecord/"
IMPORT = BASE + "import/"
CONFIRM = BASE + "import/confirm/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def head(client, recruitment_head):
    client.force_login(recruitment_head)
    return client


@pytest.fixture
def terminals(db):
    merchant = MerchantFactory(name="阜阳好味餐厅")
    return [
        TerminalFactory(serial="POS-A", merchant=merchant, installed_on=dt.date(2026, 3, 15)),
        TerminalFactory(serial="POS-B", merchant=merchant),
    ]


def csv_file(lines, name="profits.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="profits.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file, **headers):
    return client.post(IMPORT, {"file": file}, **{**EN, **headers})


def token_of(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match[1] if match else None


def stored():
    return {(r.terminal.serial, f"{r.month:%Y-%m}"): (r.profit, r.source) for r in ProfitRecord.objects.all()}


def preview_rows(response):
    """Each preview row's cells as text, keyed by its line in the file."""
    html = response.content.decode()
    rows = {}
    for line, body in re.findall(r'<tr class="[^"]*" data-line="(\d+)">(.*?)</tr>', html, re.S):
        rows[int(line)] = [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td>(.*?)</td>", body, re.S)]
    return {line: [" ".join(words) for words in cells] for line, cells in rows.items()}


def test_a_csv_with_chinese_headers_is_previewed_then_saved(head, terminals):
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 9, 1), profit="10.00", source="api")
    file = csv_file(
        ["终端编号,月份,分润（元）", "POS-A,2026-09,20.5", "POS-B,2026/9,0", "", 'POS-A,2026年8月,"1,234.50"']
    )
    response = upload(head, file)
    assert response.status_code == 200
    assert preview_rows(response) == {
        2: ["2", "POS-A", "阜阳好味餐厅", "2026-09", "10.00 → 20.50", "updated", ""],
        3: ["3", "POS-B", "阜阳好味餐厅", "2026-09", "0.00", "new", ""],
        5: ["5", "POS-A", "阜阳好味餐厅", "2026-08", "1234.50", "new", ""],
    }
    assert "File profits.csv: 3 rows, 2 new, 1 replacing a recorded figure." in response.content.decode()
    assert stored() == {("POS-A", "2026-09"): (Decimal("10.00"), "api")}  # nothing saved before the confirmation

    confirmed = head.post(CONFIRM, {"token": token_of(response)}, **EN)
    assert (confirmed.status_code, confirmed["Location"]) == (302, BASE)
    assert stored() == {
        ("POS-A", "2026-09"): (Decimal("20.50"), "import"),
        ("POS-B", "2026-09"): (Decimal("0.00"), "import"),
        ("POS-A", "2026-08"): (Decimal("1234.50"), "import"),
    }
    listing = head.get(BASE, **EN).content.decode()
    assert "Saved profits.csv: 2 new, 1 updated." in listing
    assert SESSION_KEY not in head.session


def test_an_xlsx_with_english_headers_dates_and_numbers_is_saved(head, terminals):
    file = xlsx_file(
        [
            ["Terminal serial", "Month", "Profit"],
            ["POS-A", dt.datetime(2026, 9, 1), 62.5],
            ["POS-B", "2026-10", 7],
            [None, None, None],
        ]
    )
    response = upload(head, file)
    assert preview_rows(response) == {
        2: ["2", "POS-A", "阜阳好味餐厅", "2026-09", "62.50", "new", ""],
        3: ["3", "POS-B", "阜阳好味餐厅", "2026-10", "7.00", "new", ""],
    }
    assert head.post(CONFIRM, {"token": token_of(response)}).status_code == 302
    assert stored() == {
        ("POS-A", "2026-09"): (Decimal("62.50"), "import"),
        ("POS-B", "2026-10"): (Decimal("7.00"), "import"),
    }


def test_an_xlsx_with_chinese_headers_and_a_numeric_serial(head, terminals):
    TerminalFactory(serial="88001234")
    file = xlsx_file([["序列号", "月份", "利润"], [88001234, "2026-09", "5.5"], ["POS-A", "2026-09", 1]])
    response = upload(head, file)
    assert [cells[1] for cells in preview_rows(response).values()] == ["88001234", "POS-A"]
    head.post(CONFIRM, {"token": token_of(response)})
    assert stored()[("88001234", "2026-09")] == (Decimal("5.50"), "import")


def test_a_gb18030_csv_from_chinese_excel_is_read(head, terminals):
    response = upload(head, csv_file(["终端编号,月份,分润", "POS-A,2026-09,3"], encoding="gb18030"))
    assert preview_rows(response)[2][1:4] == ["POS-A", "阜阳好味餐厅", "2026-09"]


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(head, terminals):
    file = csv_file(
        [
            "terminal_serial,month,profit",
            "POS-A,2026-09,10",
            "POS-NONE,2026-09,10",
            "POS-B,2026-11,-1",
            "POS-A,2026-02,1.234",
            "POS-A,2026-09,11",
        ]
    )
    response = upload(head, file)
    assert response.status_code == 200
    rows = preview_rows(response)
    assert rows[3][-1] == "Terminal serial: No terminal has the serial number POS-NONE."
    assert rows[4][-1] == (
        "Month: 2026-11 has not begun yet; profits are for the current or past months. "
        "Profit: A profit cannot be negative."
    )
    assert rows[5][-1] == (
        "Month: Terminal POS-A was installed on 2026-03-15: it has no profit before 2026-03. "
        "Profit: Enter at most 2 decimal places."
    )
    assert rows[6][-1] == "Row: Row 2 already gives terminal POS-A for 2026-09."
    assert rows[2][-2:] == ["new", ""]
    html = response.content.decode()
    assert "4 rows have errors: nothing can be saved. Fix the file and upload it again." in html
    assert token_of(response) is None
    # The rows in error come first.
    assert list(rows) == [3, 4, 5, 6, 2]

    # Even with the session's own token, the confirmation checks again and refuses.
    refused = head.post(CONFIRM, {"token": head.session[SESSION_KEY]["token"]}, **EN)
    assert refused.status_code == 400
    assert "Nothing was saved: some rows are no longer valid." in refused.content.decode()
    assert ProfitRecord.objects.count() == 0


def test_the_confirmation_checks_the_rows_again(head, terminals):
    response = upload(head, csv_file(["终端编号,月份,分润", "POS-A,2026-04,1", "POS-B,2026-04,2"]))
    Terminal.objects.filter(serial="POS-A").update(installed_on=dt.date(2026, 5, 1))
    refused = head.post(CONFIRM, {"token": token_of(response)}, **EN)
    assert refused.status_code == 400
    assert preview_rows(refused)[2][-1] == (
        "Month: Terminal POS-A was installed on 2026-05-01: it has no profit before 2026-05."
    )
    assert ProfitRecord.objects.count() == 0


def test_the_confirmation_does_not_trust_the_browser(head, terminals):
    response = upload(head, csv_file(["终端编号,月份,分润", "POS-A,2026-09,1"]))
    # A forged token (or rows posted along with it) saves nothing.
    forged = head.post(CONFIRM, {"token": "forged", "rows": "POS-B,2026-09,999"}, **EN)
    assert (forged.status_code, forged["Location"]) == (302, IMPORT)
    assert "This import is no longer waiting" in head.get(IMPORT, **EN).content.decode()
    assert ProfitRecord.objects.count() == 0
    # The real token saves what the server read from the file, once.
    assert head.post(CONFIRM, {"token": token_of(response), "rows": "POS-B,2026-09,999"}).status_code == 302
    assert stored() == {("POS-A", "2026-09"): (Decimal("1.00"), "import")}
    again = head.post(CONFIRM, {"token": token_of(response)}, **EN)
    assert (again.status_code, again["Location"]) == (302, IMPORT)


def test_a_newer_upload_replaces_the_pending_one(head, terminals):
    first = upload(head, csv_file(["终端编号,月份,分润", "POS-A,2026-09,1"]))
    upload(head, csv_file(["终端编号,月份,分润", "POS-B,2026-09,2"]))
    assert head.post(CONFIRM, {"token": token_of(first)}).status_code == 302
    assert ProfitRecord.objects.count() == 0


def test_the_confirmation_is_a_post(head, terminals):
    assert head.get(CONFIRM).status_code == 405


def broken_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("profits.txt", b"POS-A,2026-09,1", "Upload a CSV or XLSX file."),
        ("profits.pdf", b"%PDF-1.4", "Upload a CSV or XLSX file."),
        ("profits", b"POS-A,2026-09,1", "Upload a CSV or XLSX file."),
        ("profits.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) are not read: save the file as XLSX or CSV."),
        ("profits.xlsx", b"this is not a workbook", "The file is not an XLSX workbook."),
        ("profits.xlsx", b"PK\x03\x04broken", "The XLSX workbook could not be read."),
        ("profits.xlsx", broken_zip(), "The XLSX workbook could not be read."),
        ("profits.csv", b"\xff\xfe\x00\x00\x81", "The CSV file is not text in UTF-8 or GB18030."),
        ("profits.csv", "终端编号,月份\nPOS-A,2026-09\n".encode(), "not found: profit."),
        ("profits.csv", b"terminal_serial,month,profit\n", "The file has no rows to import."),
        ("profits.csv", b"\n\n", "The file is empty."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(head, terminals, name, content, message):
    response = upload(head, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ul class="errorlist' in html and message in html
    assert SESSION_KEY not in head.session


def test_an_empty_upload_is_refused(head, terminals):
    response = head.post(IMPORT, {}, **EN)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_the_preview_speaks_chinese_by_default(head, terminals):
    response = head.post(IMPORT, {"file": csv_file(["终端编号,月份,分润", "POS-X,2026-09,1"])})
    html = response.content.decode()
    assert "没有序列号为 POS-X 的终端。" in html
    assert "1 行有错误，无法保存。请修改文件后重新上传。" in html


@pytest.mark.parametrize(
    "language, headers", [("en", ["terminal_serial", "month", "profit"]), ("zh-hans", ["终端编号", "月份", "分润"])]
)
def test_templates_are_offered_in_both_formats(head, language, headers):
    csv_template = head.get(IMPORT + "template.csv", HTTP_ACCEPT_LANGUAGE=language)
    assert csv_template.status_code == 200
    assert csv_template.content.decode("utf-8-sig").strip() == ",".join(headers)
    xlsx_template = head.get(IMPORT + "template.xlsx", HTTP_ACCEPT_LANGUAGE=language)
    sheet = load_workbook(io.BytesIO(xlsx_template.content)).active
    assert [cell.value for cell in sheet[1]] == headers
    assert "Content-Disposition" not in head.get(IMPORT + "template.pdf", follow=True)


def test_an_admin_may_import(client, admin_user, terminals):
    client.force_login(admin_user)
    response = upload(client, csv_file(["终端编号,月份,分润", "POS-A,2026-09,1"]))
    assert client.post(CONFIRM, {"token": token_of(response)}).status_code == 302
    assert ProfitRecord.objects.count() == 1


@pytest.mark.parametrize("role", ["general_manager", "recruiter", "ops_director", "customer_service"])
def test_other_staff_may_not_import(request, client, terminals, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(IMPORT).status_code == 403
    assert upload(client, csv_file(["终端编号,月份,分润", "POS-A,2026-09,1"])).status_code == 403
    assert client.get(IMPORT + "template.csv").status_code == 403
    assert ProfitRecord.objects.count() == 0


def test_merchants_never_reach_the_import(client, merchant_user, terminals):
    client.force_login(merchant_user)
    response = upload(client, csv_file(["终端编号,月份,分润", "POS-A,2026-09,1"]))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert ProfitRecord.objects.count() == 0


def test_the_list_filters_by_month_and_searches_by_serial_and_merchant(head, terminals):
    other = TerminalFactory(serial="POS-Z", merchant=MerchantFactory(name="颍州五金店"))
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 9, 1), profit="1.00")
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 8, 1), profit="2.00")
    ProfitRecord.objects.create(terminal=other, month=dt.date(2026, 9, 1), profit="3.00")

    def shown(query):
        html = head.get(BASE + query, **EN).content.decode()
        return sorted(re.findall(r'<td class="field-profit">([^<]+)</td>', html))

    assert shown("") == ["1.00", "2.00", "3.00"]
    assert shown("?month=2026-09") == ["1.00", "3.00"]
    assert shown("?month=bad") == []
    assert shown("?q=POS-Z") == ["3.00"]
    assert shown("?q=好味") == ["1.00", "2.00"]
    html = head.get(BASE, **EN).content.decode()
    assert "Import from a file" in html and f'href="{IMPORT}"' in html
    assert f'href="{BASE}add/"' not in html


def test_records_are_read_only_and_never_deleted(head, terminals):
    record = ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 9, 1), profit="1.00")
    page = head.get(f"{BASE}{record.pk}/change/", **EN)
    assert page.status_code == 200 and 'name="profit"' not in page.content.decode()
    head.post(f"{BASE}{record.pk}/change/", {"profit": "9.00"})
    assert head.post(f"{BASE}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert head.get(BASE + "add/").status_code == 403
    record.refresh_from_db()
    assert record.profit == Decimal("1.00")


def test_the_general_manager_reads_the_list_without_the_import(client, general_manager, terminals):
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 9, 1), profit="1.00")
    client.force_login(general_manager)
    html = client.get(BASE, **EN).content.decode()
    assert '<td class="field-profit">1.00</td>' in html
    assert "Import from a file" not in html


def test_the_list_takes_the_same_queries_however_many_records(head, queries):
    merchant = MerchantFactory()

    def grow():
        start = Terminal.objects.count()
        new = Terminal.objects.bulk_create(
            Terminal(merchant=merchant, serial=f"L{start + i:04d}", installed_on=dt.date(2026, 1, 1)) for i in range(10)
        )
        ProfitRecord.objects.bulk_create(ProfitRecord(terminal=t, month=dt.date(2026, 9, 1), profit="1") for t in new)

    grow()
    head.get(BASE)  # the content types, as in a running server
    # The session, the user, their own and their groups' permissions, the months of the
    # filter, the total and the filtered count, the page's records with their terminals
    # and merchants, the user's groups and unread notifications (the layout).
    queries.assert_constant(lambda: head.get(BASE), grow, expected=10)


def test_a_large_file_takes_the_same_queries_as_a_small_one(head, queries):
    merchant = MerchantFactory()
    Terminal.objects.bulk_create(
        Terminal(merchant=merchant, serial=f"B{i:05d}", installed_on=dt.date(2026, 1, 1)) for i in range(3000)
    )

    def import_file(count):
        lines = ["终端编号,月份,分润", *(f"B{i:05d},2026-09,{i}.5" for i in range(count))]
        response = upload(head, csv_file(lines))
        return head.post(CONFIRM, {"token": token_of(response)})

    small, _sql = queries.count(lambda: import_file(10))
    large, _sql = queries.count(lambda: import_file(3000))
    assert small == large
    assert ProfitRecord.objects.filter(month=dt.date(2026, 9, 1)).count() == 3000
    assert ProfitRecord.objects.get(terminal__serial="B02999").profit == Decimal("2999.50")


def test_a_client_without_a_login_is_sent_to_the_login(terminals):
    response = Client().get(IMPORT)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_number_cells_are_checked_as_the_api_checks_them(head, terminals):
    file = xlsx_file(
        [
            ["终端编号", "月份", "分润"],
            ["POS-A", "2026-09", 12.345],
            ["POS-A", "2026-08", 1e16],
            ["POS-A", "2026-07", dt.datetime(2026, 7, 1)],
            ["POS-A", dt.datetime(2026, 6, 15), 1],
            ["POS-A", "2026-05", None],
        ]
    )
    rows = preview_rows(upload(head, file))
    assert {line: cells[-1] for line, cells in rows.items()} == {
        2: "Profit: Enter at most 2 decimal places.",
        3: "Profit: Enter at most 10 digits before the decimal point.",
        4: "Profit: Enter a number, for example 12.34.",
        5: "Month: Enter a month as YYYY-MM, for example 2026-10.",
        6: "Profit: This field is required.",
    }
