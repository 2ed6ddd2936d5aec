"""The reconciliation export (XLSX): per statement merchant, period, gross, commission,
net, payable on, status and paid on, then the totals — the same statements and the same
numbers as the back office's list with the same filters."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from settlement.models import Statement
from settlement.services import payouts

from .conftest import EN
from .pages import D, login, settle_days

pytestmark = pytest.mark.django_db

LIST = "/settlement/back-office/statements/"
EXPORT = "/settlement/back-office/statements/reconciliation.xlsx"


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content), data_only=True).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    blank = body.index((None,) * len(header)) if (None,) * len(header) in body else None
    return header, body[:blank], body[blank + 1 :]


@pytest.fixture
def statements(merchant, other_merchant, finance):
    settle_days(merchant, [D(2026, 9, 1), D(2026, 9, 2), D(2026, 9, 3)], "1234.57")
    settle_days(other_merchant, [D(2026, 9, 2)], "0.15")
    settle_days(merchant, [D(2026, 8, 31)], "99.99", through=D(2026, 9, 3))
    paid = Statement.objects.get(merchant=other_merchant)
    return paid


def test_it_exports_every_statement_with_totals_equal_to_the_page(statements, finance):
    client = login(finance)
    header, rows, totals = workbook_rows(client.get(EXPORT, {"month": "2026-09"}, **EN))
    assert header == (
        "Merchant id",
        "Merchant",
        "Period start",
        "Period end",
        "Gross",
        "Commission",
        "Net",
        "Payable on",
        "Status",
        "Paid on",
    )
    expected = Statement.objects.filter(period_start__month=9).select_related("merchant")
    assert len(rows) == expected.count() == 4
    by_key = {(row[0], row[2].date()): row for row in rows}
    for statement in expected:
        row = by_key[(statement.merchant_id, statement.period_start)]
        assert row[1] == statement.merchant.name
        assert (money(row[4]), money(row[5]), money(row[6])) == (statement.gross, statement.commission, statement.net)
        assert row[7].date() == statement.payable_on
        assert row[8] == statement.get_status_display()
    gross = sum((s.gross for s in expected), Decimal("0"))
    commission = sum((s.commission for s in expected), Decimal("0"))
    net = sum((s.net for s in expected), Decimal("0"))
    total = totals[0]
    assert total[0] == "Total" and (money(total[4]), money(total[5]), money(total[6])) == (gross, commission, net)
    page = client.get(LIST, {"month": "2026-09"}, **EN).content.decode()
    for name, value in (("gross", gross), ("commission", commission), ("net", net)):
        shown = re.search(rf'id="total-{name}">([\d,.]+)<', page).group(1)
        assert Decimal(shown.replace(",", "")) == value


def test_a_paid_statement_shows_its_paid_day_and_the_paid_total(statements, finance):
    statement = statements
    # Paid today (2026-09-20, frozen), ahead of its payable day only for the test.
    Statement.objects.filter(pk=statement.pk).update(payable_on=D(2026, 9, 18))
    statement.refresh_from_db()
    payouts.statement_pay(statement=statement, by=finance)
    header, rows, totals = workbook_rows(login(finance).get(EXPORT, {"status": "paid"}, **EN))
    assert len(rows) == 1 and rows[0][8] == "paid" and rows[0][9].date() == D(2026, 9, 20)
    assert totals[1][0] == "Of which paid" and money(totals[1][6]) == statement.net


def test_a_recruiter_exports_only_their_merchants(statements, recruiter, merchant):
    _header, rows, _totals = workbook_rows(login(recruiter).get(EXPORT, **EN))
    assert {row[0] for row in rows} == {merchant.pk}
    assert len(rows) == 4


def test_the_export_takes_a_fixed_number_of_queries(merchant, finance, queries):
    from .pages import settle_days

    client = login(finance)
    days = iter(D(2026, 8, 1) + dt.timedelta(days=n) for n in range(40))

    def grow():
        settle_days(merchant, [next(days)], "5.00", through=D(2026, 9, 19))

    grow()
    queries.assert_constant(lambda: client.get(EXPORT), grow)
