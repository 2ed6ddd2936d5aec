"""The back office's import of referrals from CSV or XLSX: all or nothing, every row at
fault by its line in the file, the same rules as the API, idempotent on the reference."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from alliance.models import PointEntry, Referral

from .conftest import EN

URL = "/admin/alliance/referral/import/"
HEADER = "活动,引流商户,接收商户,客户编号,消费金额,日期\n"


def login(user):
    client = Client()
    client.force_login(user)
    return client


def csv_file(text, name="referrals.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def lines(joined, a, b, *rows):
    return HEADER + "".join(f"{joined.pk},{a.pk},{b.pk},{ref},{spend},{day}\n" for ref, spend, day in rows)


def test_a_csv_file_is_imported_and_again_changes_nothing(joined, merchant_a, merchant_b, recruitment_head):
    text = lines(joined, merchant_a, merchant_b, ("C-1", "100.00", "2026-12-05"), ("C-2", "0.10", "2026-12-06"))
    client = login(recruitment_head)
    response = client.post(URL, {"file": csv_file(text)}, follow=True, **EN)
    assert response.redirect_chain[-1][0] == "/admin/alliance/referral/"
    assert "2 new, 0 already recorded" in response.content.decode()
    assert sorted(Referral.objects.values_list("customer_ref", "share")) == [
        ("C-1", Decimal("5.00")),
        ("C-2", Decimal("0.01")),  # 0.005 rounds half up
    ]
    again = client.post(URL, {"file": csv_file(text)}, follow=True, **EN)
    assert "0 new, 2 already recorded" in again.content.decode()
    assert PointEntry.objects.filter(reason="referral").count() == 2


def test_one_bad_row_saves_nothing_and_every_fault_is_shown_by_line(joined, merchant_a, merchant_b, recruitment_head):
    text = lines(
        joined,
        merchant_a,
        merchant_b,
        ("C-1", "100.00", "2026-12-05"),
        ("C-2", "-1", "2026-12-05"),
        ("C-3", "10.00", "2027-01-05"),
    )
    response = login(recruitment_head).post(URL, {"file": csv_file(text)}, **EN)
    assert response.status_code == 400
    body = response.content.decode()
    assert "2 rows are invalid; nothing was saved." in body
    assert "<td>3</td><td>C-2</td>" in body and "<td>4</td><td>C-3</td>" in body
    assert "outside the activity" in body and "cannot be negative" in body
    assert not Referral.objects.exists()


def test_an_xlsx_file_is_imported(joined, merchant_a, merchant_b, general_manager):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["activity", "from_merchant", "to_merchant", "customer_ref", "spend", "date"])
    sheet.append([joined.pk, merchant_a.pk, merchant_b.pk, "X-1", 88.8, dt.datetime(2026, 12, 7)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("r.xlsx", buffer.getvalue())
    response = login(general_manager).post(URL, {"file": upload}, follow=True, **EN)
    assert response.status_code == 200
    referral = Referral.objects.get()
    assert (str(referral.spend), referral.date.isoformat(), str(referral.share)) == ("88.80", "2026-12-07", "4.44")


def test_a_file_without_the_columns_is_refused(joined, recruitment_head):
    response = login(recruitment_head).post(URL, {"file": csv_file("a,b\n1,2\n")}, **EN)
    assert response.status_code == 400
    assert "not found: activity" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04not a zip at all", b"PK\x03\x04" + b"\x00" * 64],
    ids=["garbage after the zip magic", "zeros after the zip magic"],
)
def test_a_broken_workbook_is_refused_and_nothing_saved(joined, recruitment_head, data):
    upload = SimpleUploadedFile("referrals.xlsx", data, content_type="application/octet-stream")
    response = login(recruitment_head).post(URL, {"file": upload}, **EN)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_recruiter_imports_only_activities_they_see(
    joined, merchant_a, merchant_b, outside_recruiter, recruitment_head
):
    text = lines(joined, merchant_a, merchant_b, ("C-1", "100.00", "2026-12-05"))
    response = login(outside_recruiter).post(URL, {"file": csv_file(text)}, **EN)
    assert response.status_code == 400
    assert "No such activity." in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("customer_service", 403), ("merchant_user", 302)])
def test_others_cannot_open_the_import(request, role, status):
    assert login(request.getfixturevalue(role)).get(URL).status_code == status
