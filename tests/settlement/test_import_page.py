"""The back office's import of card transactions from CSV or XLSX: through the same service
as the API (all or nothing, idempotent on the reference), every row at fault shown by its
line in the file; finance and admins only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from settlement.models import CardTransaction

from .conftest import EN, ZH
from .pages import login

pytestmark = pytest.mark.django_db

URL = "/settlement/back-office/card-transactions/import/"


def csv_file(text: str, name="cards.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="cards.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_finance_imports_a_csv_file_and_again_changes_nothing(merchant, finance):
    text = f"merchant,date,amount,reference\n{merchant.pk},2026-09-10,1234.50,YK-1\n{merchant.pk},2026-09-11,0,YK-2\n"
    client = login(finance)
    response = client.post(URL, {"file": csv_file(text)}, follow=True, **EN)
    assert response.status_code == 200
    assert "Imported cards.csv: 2 new, 0 already recorded." in response.content.decode()
    assert CardTransaction.objects.count() == 2
    assert CardTransaction.objects.get(reference="YK-1").created_by == finance
    again = client.post(URL, {"file": csv_file(text)}, follow=True, **EN)
    assert "0 new, 2 already recorded." in again.content.decode()


def test_an_xlsx_file_with_chinese_headers_is_imported(merchant, admin_user):
    import datetime as dt

    rows = [["商户编号", "日期", "金额（元）", "流水号"], [merchant.pk, dt.date(2026, 9, 12), 88.8, 20260912001]]
    response = login(admin_user).post(URL, {"file": xlsx_file(rows)}, **ZH)
    assert response.status_code == 302
    transaction = CardTransaction.objects.get()
    assert (str(transaction.amount), transaction.reference, transaction.date.isoformat()) == (
        "88.80",
        "20260912001",
        "2026-09-12",
    )


def test_one_bad_row_saves_nothing_and_every_error_is_shown_by_line(merchant, other_merchant, finance):
    text = (
        "merchant,date,amount,reference\n"
        f"{merchant.pk},2026-09-10,10.00,OK-1\n"
        f"{merchant.pk},2026-09-31,10.00,BAD-DATE\n"
        "\n"
        f"999999,2026-09-10,-5,BAD-2\n"
    )
    response = login(finance).post(URL, {"file": csv_file(text)}, **EN)
    body = response.content.decode()
    assert response.status_code == 400
    assert not CardTransaction.objects.exists()
    assert 'data-line="3"' in body and 'data-line="5"' in body and 'data-line="2"' not in body
    assert "Enter a date as YYYY-MM-DD." in body
    assert "No signed merchant has the id 999999." in body
    assert "An amount cannot be negative." in body
    assert "2 rows are invalid; nothing was saved." in body


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: csv_file("merchant,date,amount\n1,2026-09-10,1\n"), "not found: reference"),
        (lambda: csv_file("merchant,date,amount,reference\n"), "The file has no rows to import."),
        (lambda: SimpleUploadedFile("cards.txt", b"x"), "Upload a CSV or XLSX file."),
        (lambda: SimpleUploadedFile("cards.xlsx", b"PK\x03\x04broken"), "The XLSX workbook could not be read."),
        (lambda: csv_file("商户,日期\n", encoding="utf-16"), "not text in UTF-8 or GB18030"),
    ],
)
def test_an_unreadable_file_is_a_400_and_saves_nothing(finance, upload, message):
    response = login(finance).post(URL, {"file": upload()}, **EN)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CardTransaction.objects.exists()


def test_no_file_is_a_400(finance):
    response = login(finance).post(URL, {}, **EN)
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_a_gb18030_csv_is_read(merchant, finance):
    text = f"商户编号,日期,金额,流水号\n{merchant.pk},2026-09-10,5.00,GB-1\n"
    response = login(finance).post(URL, {"file": csv_file(text, encoding="gb18030")}, **EN)
    assert response.status_code == 302 and CardTransaction.objects.filter(reference="GB-1").exists()


def test_only_finance_and_admins_may_import(merchant, general_manager, recruiter, recruitment_head, merchant_user):
    text = f"merchant,date,amount,reference\n{merchant.pk},2026-09-10,5.00,NO-1\n"
    for user in (general_manager, recruiter, recruitment_head, merchant_user):
        client = login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"file": csv_file(text)}).status_code == 403
    assert not CardTransaction.objects.exists()


def test_the_page_is_chinese_by_default(finance):
    body = login(finance).get(URL, **ZH).content.decode()
    assert "导入" in body and "卡交易" in body
