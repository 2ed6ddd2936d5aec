"""``/api/v1/settlements/`` and ``GET /api/v1/settlements/{id}/statement.pdf`` (API.md
"Merchant money"): exactly the contract's fields, the filters and their 400s, every role on
every endpoint (a merchant reaching for another's statement or PDF: 404), the PDF's lines
and totals in Chinese, finance's pay/hold/release with the illegal moves 409, the list in a
fixed number of queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from settlement.models import CardTransaction, HoldReason, Statement, StatementStatus
from settlement.services import settling
from settlement.statement_pdf import exact_text, statement_context
from tests.factories.settlement import signed_merchant

from .conftest import EN

pytestmark = pytest.mark.django_db

URL = "/api/v1/settlements/"
D = dt.date
_refs = {"n": 0}


def _tx(merchant, day, amount):
    _refs["n"] += 1
    return CardTransaction.objects.create(
        merchant=merchant, date=day, amount=Decimal(amount), reference=f"api-{merchant.pk}-{_refs['n']}"
    )


TENTH = D(2026, 9, 10)


def _statement(merchant, day=TENTH, amount="1000.00", *, close=True):
    _tx(merchant, day, amount)
    settling.settle(through=day, close=close, merchant_ids=[merchant.pk])
    return Statement.objects.get(merchant=merchant, period_start=day)


@pytest.fixture
def statements(merchant, other_merchant):
    return {"merchant": _statement(merchant), "other_merchant": _statement(other_merchant)}


def test_it_lists_exactly_the_contract_fields(client_for, finance, merchant):
    statement = _statement(merchant)
    response = client_for(finance).get(URL, {"merchant": merchant.pk})
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": statement.pk,
            "merchant": merchant.pk,
            "period_start": "2026-09-10",
            "period_end": "2026-09-10",
            "gross": "1000.00",
            "commission": "100.00",
            "net": "900.00",
            "payable_on": "2026-09-28",
            "status": "payable",
        }
    ]


def test_it_shows_a_statement_with_its_lines(client_for, finance, merchant):
    statement = _statement(merchant)
    response = client_for(finance).get(f"{URL}{statement.pk}/")
    assert response.status_code == 200
    body = response.json()
    line = statement.lines.get()
    assert body["lines"] == [
        {
            "id": line.pk,
            "kind": "transaction",
            "day": "2026-09-10",
            "amount": "1000.00",
            "rate": "10.00",
            "rate_exact": "10.00",
            "dispute": None,
        }
    ]
    assert set(body) == {
        "id",
        "merchant",
        "period_start",
        "period_end",
        "gross",
        "commission",
        "net",
        "payable_on",
        "status",
        "lines",
    }


SCOPES = [
    ("finance", {"merchant", "other_merchant"}),
    ("general_manager", {"merchant", "other_merchant"}),
    ("admin_user", {"merchant", "other_merchant"}),
    ("recruiter", {"merchant"}),
    ("recruitment_head", {"merchant"}),
    ("second_recruiter", set()),
    ("outside_recruiter", {"other_merchant"}),
    ("outside_head", {"other_merchant"}),
    ("merchant_user", {"merchant"}),
    ("other_merchant_user", {"other_merchant"}),
]


@pytest.mark.parametrize(("role", "sees"), SCOPES)
def test_each_role_sees_its_statements_and_pdfs_and_no_others(request, client_for, statements, role, sees):
    client = client_for(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()["results"]) == sorted(statements[name].pk for name in sees)
    for name, statement in statements.items():
        expected = 200 if name in sees else 404
        assert client.get(f"{URL}{statement.pk}/").status_code == expected
        pdf = client.get(f"{URL}{statement.pk}/statement.pdf")
        assert pdf.status_code == expected
        if expected == 200:
            assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        else:
            assert pdf["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("role", ["ops_director", "customer_service", "dept_head"])
def test_other_roles_are_refused(request, client_for, statements, role):
    client = client_for(request.getfixturevalue(role))
    statement = statements["merchant"]
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{statement.pk}/").status_code == 403
    assert client.get(f"{URL}{statement.pk}/statement.pdf").status_code == 403
    assert client.post(f"{URL}{statement.pk}/pay/").status_code == 403


def test_anonymous_is_refused(api_client, statements):
    statement = statements["merchant"]
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.get(f"{URL}{statement.pk}/statement.pdf").status_code in (401, 403)


def test_a_merchant_reaching_for_another_merchants_statement_gets_404(client_for, merchant_user, statements):
    other = statements["other_merchant"]
    client = client_for(merchant_user)
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    assert client.get(f"{URL}{other.pk}/statement.pdf").status_code == 404
    assert client.post(f"{URL}{other.pk}/pay/").status_code == 404
    assert client.get(URL, {"merchant": other.merchant_id}).json()["results"] == []


def test_it_filters_by_merchant_status_and_period(client_for, finance, merchant, other_merchant):
    first = _statement(merchant, D(2026, 9, 1))
    second = _statement(merchant, D(2026, 9, 5))
    open_one = _statement(merchant, D(2026, 9, 9), close=False)
    theirs = _statement(other_merchant, D(2026, 9, 5))
    client = client_for(finance)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(merchant=merchant.pk) == [open_one.pk, second.pk, first.pk]
    assert ids(status="open") == [open_one.pk]
    assert ids(status="payable", merchant=merchant.pk) == [second.pk, first.pk]
    assert ids(**{"from": "2026-09-02", "to": "2026-09-08"}) == [second.pk, theirs.pk]
    assert ids(**{"from": "2026-09-05", "to": "2026-09-05"}) == [second.pk, theirs.pk]
    assert ids(**{"from": "2026-09-06"}) == [open_one.pk]
    assert ids(to="2026-09-01") == [first.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"merchant": "abc"}, "merchant"),
        ({"merchant": "-1"}, "merchant"),
        ({"status": "closed"}, "status"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "20260901"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-09-10", "to": "2026-09-01"}, "to"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client_for, finance, statements, params, field):
    response = client_for(finance).get(URL, params, **EN)
    assert response.status_code == 400
    assert field in response.json()


def test_the_list_takes_a_fixed_number_of_queries(client_for, finance, recruiter, queries):
    client = client_for(finance)
    days = iter(range(1, 28))

    def grow():
        _statement(signed_merchant(recruiter=recruiter), D(2026, 8, next(days)))

    grow()
    client.get(URL)  # the reader's roles, cached on the user from the first request
    queries.assert_constant(lambda: client.get(URL), grow, expected=2)


def test_the_detail_takes_a_fixed_number_of_queries(client_for, finance, merchant, queries):
    statement = _statement(merchant, D(2026, 9, 10))
    client = client_for(finance)
    refs = iter(range(100))

    def grow():
        _tx(merchant, D(2026, 9, 10), f"1.{next(refs):02d}")
        settling.settle(through=D(2026, 9, 11), close=False, merchant_ids=[merchant.pk])

    client.get(f"{URL}{statement.pk}/")
    queries.assert_constant(lambda: client.get(f"{URL}{statement.pk}/"), grow, expected=2)


# --- the PDF ----------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_shows_every_line_with_its_day_amount_rate_commission_and_the_totals(
    client_for, merchant_user, merchant
):
    statement = _statement(merchant, D(2026, 9, 10), "1234.50")
    _tx(merchant, D(2026, 9, 10), "100.00")  # late: onto the next open statement, at the 10th's rate
    _tx(merchant, D(2026, 9, 11), "10.05")
    settling.settle(through=D(2026, 9, 11), close=False, merchant_ids=[merchant.pk])
    later = Statement.objects.get(merchant=merchant, period_start=D(2026, 9, 11))
    response = client_for(merchant_user).get(f"{URL}{later.pk}/statement.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.content)
    for expected in ("结算单", merchant.name, "2026-09-10", "2026-09-11", "迟到更正", "100.00", "10.05", "10.00"):
        assert expected in text, expected
    assert "110.05" in text and "11.01" in text and "99.04" in text  # gross, commission (11.005 half up), net
    assert statement.gross == Decimal("1234.50")


def test_the_pdf_context_keeps_each_lines_exact_rate_and_commission(merchant):
    statement = _statement(merchant, D(2026, 9, 10), "0.25")
    statement.lines.update(rate=Decimal("3.11125"))
    lines = statement_context(statement)["lines"]
    assert [(line["rate"], line["commission"]) for line in lines] == [("3.11125", "0.007778125")]
    assert exact_text(Decimal("10.0000000000")) == "10.00"
    assert exact_text(None) == "—"


def test_the_pdf_is_in_english_when_asked(client_for, finance, merchant):
    statement = _statement(merchant)
    response = client_for(finance).get(f"{URL}{statement.pk}/statement.pdf", **EN)
    text = _pdf_text(response.content)
    assert "Net payable" in text and "card transaction" in text


# --- finance's moves --------------------------------------------------------------------


def _post(client, statement, verb, body=None, **headers):
    return client.post(f"{URL}{statement.pk}/{verb}/", body or {}, format="json", **headers)


def test_finance_pays_a_payable_statement_on_its_payable_day_not_before(client_for, finance, merchant):
    statement = _statement(merchant)  # payable on 2026-09-28
    client = client_for(finance)
    early = _post(client, statement, "pay", **EN)
    assert early.status_code == 409 and early.json()["code"] == "not_yet_payable"
    with time_machine.travel(dt.datetime(2026, 9, 28, 2, tzinfo=dt.UTC), tick=False):
        response = _post(client, statement, "pay")
    assert response.status_code == 200 and response.json()["status"] == "paid"
    statement.refresh_from_db()
    assert statement.paid_by == finance and statement.paid_at is not None
    again = _post(client, statement, "pay", **EN)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert _post(client, statement, "hold", {"reason": "核查"}).status_code == 409
    assert _post(client, statement, "release").status_code == 409


def test_finance_holds_with_a_reason_then_releases(client_for, finance, merchant):
    statement = _statement(merchant)
    client = client_for(finance)
    missing = _post(client, statement, "hold", **EN)
    assert missing.status_code == 400 and "reason" in missing.json()
    held = _post(client, statement, "hold", {"reason": "商户涉嫌虚假交易，核查中"})
    assert held.status_code == 200 and held.json()["status"] == "held"
    statement.refresh_from_db()
    assert (statement.held_for, statement.hold_note, statement.held_by) == (
        HoldReason.FINANCE,
        "商户涉嫌虚假交易，核查中",
        finance,
    )
    with time_machine.travel(dt.datetime(2026, 9, 28, 2, tzinfo=dt.UTC), tick=False):
        assert _post(client, statement, "pay").status_code == 409  # held: not payable
    assert _post(client, statement, "hold", {"reason": "再次"}).status_code == 409
    released = _post(client, statement, "release")
    assert released.status_code == 200 and released.json()["status"] == "payable"
    assert _post(client, statement, "release").status_code == 409
    statement.refresh_from_db()
    assert (statement.held_for, statement.gross, statement.commission) == ("", Decimal("1000.00"), Decimal("100.00"))


def test_an_open_statement_cannot_be_paid_held_or_released(client_for, finance, merchant):
    statement = _statement(merchant, close=False)
    client = client_for(finance)
    for verb, body in (("pay", None), ("hold", {"reason": "核查"}), ("release", None)):
        response = _post(client, statement, verb, body)
        assert response.status_code == 409, verb
    statement.refresh_from_db()
    assert statement.status == StatementStatus.OPEN


@pytest.mark.parametrize("role", ["general_manager", "admin_user", "recruiter", "recruitment_head", "merchant_user"])
def test_only_finance_moves_a_statement(request, client_for, statements, role):
    client = client_for(request.getfixturevalue(role))
    statement = statements["merchant"]
    for verb, body in (("pay", None), ("hold", {"reason": "核查"}), ("release", None)):
        assert _post(client, statement, verb, body).status_code == 403, verb
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYABLE


@pytest.mark.parametrize("role", ["second_recruiter", "outside_recruiter", "other_merchant_user"])
def test_moving_a_statement_out_of_sight_is_404(request, client_for, statements, role):
    client = client_for(request.getfixturevalue(role))
    statement = statements["merchant"]
    for verb in ("pay", "hold", "release"):
        assert _post(client, statement, verb, {"reason": "x"}).status_code == 404


def test_a_hold_body_that_is_not_an_object_is_a_400(client_for, finance, merchant):
    statement = _statement(merchant)
    response = client_for(finance).post(f"{URL}{statement.pk}/hold/", ["x"], format="json")
    assert response.status_code == 400
