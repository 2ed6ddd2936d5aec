"""Finance's payouts and the settlement disputes (SPEC.md §8): the statement's transitions as
data, a dispute holding an amount out of its day and releasing it on the closing day's
statement, the no-rate hold and its release, and ``/api/v1/settlement-disputes/`` for every
role (another merchant's dispute: 404; only finance opens and closes)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from commissions.models import CommissionStandard
from settlement.models import (
    CardTransaction,
    HoldReason,
    LineKind,
    SettlementDispute,
    Statement,
    StatementStatus,
)
from settlement.services import payouts, settling
from settlement.statement_pdf import statement_pdf
from tests.factories.settlement import signed_merchant
from workplace import rules
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

from .conftest import EN

pytestmark = pytest.mark.django_db

URL = "/api/v1/settlement-disputes/"
D = dt.date
_refs = {"n": 0}


def _tx(merchant, day, amount):
    _refs["n"] += 1
    return CardTransaction.objects.create(
        merchant=merchant, date=day, amount=Decimal(amount), reference=f"pay-{merchant.pk}-{_refs['n']}"
    )


def _day(merchant, day):
    return Statement.objects.get(merchant=merchant, period_start=day)


def _figures(statement):
    statement.refresh_from_db()
    return statement.gross, statement.commission, statement.net, statement.status


# --- the transitions --------------------------------------------------------------------


def test_the_statement_transitions_are_a_table():
    assert payouts.STATEMENT_TRANSITIONS == {
        "open": {"payable", "held"},
        "payable": {"paid", "held"},
        "held": {"payable"},
        "paid": set(),
    }


def test_an_illegal_move_names_both_states(finance, merchant):
    _tx(merchant, D(2026, 9, 10), "10.00")
    settling.settle(through=D(2026, 9, 10))
    statement = _day(merchant, D(2026, 9, 10))
    with translation.override("en"), pytest.raises(InvalidTransition, match="payable cannot become payable"):
        payouts.statement_release(statement=statement, by=finance)


def test_only_finance_moves_money_in_the_services(general_manager, admin_user, merchant):
    _tx(merchant, D(2026, 9, 10), "10.00")
    settling.settle(through=D(2026, 9, 10))
    statement = _day(merchant, D(2026, 9, 10))
    for user in (general_manager, admin_user):
        with pytest.raises(NotPermitted):
            payouts.statement_pay(statement=statement, by=user, today=D(2026, 9, 28))
        with pytest.raises(NotPermitted):
            payouts.dispute_open(merchant=merchant, by=user, day="2026-09-10", amount="1.00", reason="x")


# --- disputes: held, then released ------------------------------------------------------


def test_a_dispute_holds_its_amount_out_of_its_day_and_releases_it_on_the_closing_day(finance, merchant):
    _tx(merchant, D(2026, 9, 12), "1000.00")
    dispute = payouts.dispute_open(
        merchant=merchant, by=finance, day="2026-09-12", amount="300.00", reason="顾客投诉", today=D(2026, 9, 13)
    )
    day = _day(merchant, D(2026, 9, 12))
    assert _figures(day) == (Decimal("700.00"), Decimal("70.00"), Decimal("630.00"), StatementStatus.OPEN)
    assert sorted(day.lines.values_list("kind", "amount")) == [
        (LineKind.DISPUTE_HOLD, Decimal("-300.00")),
        (LineKind.TRANSACTION, Decimal("1000.00")),
    ]
    settling.settle(through=D(2026, 9, 14))  # the 12th closes payable, without the disputed 300
    assert _figures(day)[3] == StatementStatus.PAYABLE
    payouts.dispute_close(dispute=dispute, by=finance, note="核实无误", today=D(2026, 9, 16))
    release = _day(merchant, D(2026, 9, 16))
    assert [(line.kind, line.day, line.amount, line.rate) for line in release.lines.all()] == [
        (LineKind.DISPUTE_RELEASE, D(2026, 9, 12), Decimal("300.00"), Decimal("10.0000000000"))
    ]
    assert _figures(release) == (Decimal("300.00"), Decimal("30.00"), Decimal("270.00"), StatementStatus.OPEN)
    assert _figures(day)[:3] == (Decimal("700.00"), Decimal("70.00"), Decimal("630.00"))  # frozen
    settling.settle(through=D(2026, 9, 16))
    assert _figures(release)[3] == StatementStatus.PAYABLE
    assert settling.settle(through=D(2026, 9, 17)).lines == 0  # released once
    with pytest.raises(InvalidTransition):
        payouts.dispute_close(dispute=dispute, by=finance, today=D(2026, 9, 17))


def test_a_dispute_over_an_already_payable_day_is_held_on_the_next_open_statement(finance, merchant):
    _tx(merchant, D(2026, 9, 10), "500.00")
    settling.settle(through=D(2026, 9, 10))
    payouts.dispute_open(
        merchant=merchant, by=finance, day="2026-09-10", amount="200.00", reason="重复刷卡", today=D(2026, 9, 15)
    )
    assert _figures(_day(merchant, D(2026, 9, 10)))[0] == Decimal("500.00")
    later = _day(merchant, D(2026, 9, 15))
    assert [(line.kind, line.day, line.amount) for line in later.lines.all()] == [
        (LineKind.DISPUTE_HOLD, D(2026, 9, 10), Decimal("-200.00"))
    ]
    assert _figures(later)[:3] == (Decimal("-200.00"), Decimal("-20.00"), Decimal("-180.00"))


def test_a_dispute_cannot_exceed_the_days_consumption_not_yet_disputed(finance, merchant):
    _tx(merchant, D(2026, 9, 10), "100.00")
    payouts.dispute_open(merchant=merchant, by=finance, day="2026-09-10", amount="60.00", reason="a")
    with pytest.raises(ApplicationError) as error:
        payouts.dispute_open(merchant=merchant, by=finance, day="2026-09-10", amount="40.01", reason="b")
    assert (error.value.field, error.value.code) == ("amount", "too_much")
    assert SettlementDispute.objects.count() == 1


# --- no rate in force (the settle decision) ---------------------------------------------


@pytest.fixture
def no_standard_for_life_services():
    """The life-services standard entered only from 2027: none in force in 2026."""
    CommissionStandard.objects.filter(category="life_services").update(effective_from=D(2027, 1, 1))
    rules.clear()


def test_a_day_without_any_rate_is_held_not_settled_at_zero(finance, merchant, no_standard_for_life_services):
    merchant.category = "life_services"
    merchant.save(update_fields=["category"])
    _tx(merchant, D(2026, 9, 10), "1000.00")
    settling.settle(through=D(2026, 9, 10))
    statement = _day(merchant, D(2026, 9, 10))
    assert (statement.status, statement.held_for, statement.rate) == (StatementStatus.HELD, HoldReason.NO_RATE, None)
    assert list(statement.lines.values_list("rate", flat=True)) == [None]
    assert statement.gross == Decimal("1000.00")
    pdf = PdfReader(io.BytesIO(statement_pdf(statement)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "付款暂扣" in text and "无有效佣金费率" in text and "—" in text  # the line's rate: none
    with pytest.raises(InvalidTransition) as error:
        payouts.statement_release(statement=statement, by=finance)
    assert (error.value.field, error.value.code) == ("rate", "no_rate")
    assert "2026-09-10" in str(error.value.message)
    with pytest.raises(InvalidTransition):
        payouts.statement_pay(statement=statement, by=finance, today=D(2026, 9, 30))

    # An admin enters the standard from a date before the day: finance releases, priced.
    CommissionStandard.objects.create(
        category="life_services", effective_from=D(2026, 9, 1), bank_card_fee="2.00", prepaid_commission="8.00"
    )
    rules.clear()
    payouts.statement_release(statement=statement, by=finance)
    statement.refresh_from_db()
    assert (statement.status, statement.held_for, statement.rate) == (
        StatementStatus.PAYABLE,
        "",
        Decimal("8.0000000000"),
    )
    assert _figures(statement)[:3] == (Decimal("1000.00"), Decimal("80.00"), Decimal("920.00"))


def test_a_priced_day_of_the_same_run_is_payable(merchant, other_merchant, no_standard_for_life_services):
    merchant.category = "life_services"
    merchant.save(update_fields=["category"])
    _tx(merchant, D(2026, 9, 10), "10.00")
    other_merchant.category = "dining_entertainment"  # its standard is in force
    other_merchant.save(update_fields=["category"])
    _tx(other_merchant, D(2026, 9, 10), "10.00")
    result = settling.settle(through=D(2026, 9, 10))
    assert result.closed == 2
    assert _day(merchant, D(2026, 9, 10)).status == StatementStatus.HELD
    assert _day(other_merchant, D(2026, 9, 10)).status == StatementStatus.PAYABLE


# --- the disputes API -------------------------------------------------------------------


@pytest.fixture
def disputes(finance, merchant, other_merchant):
    _tx(merchant, D(2026, 9, 10), "100.00")
    _tx(other_merchant, D(2026, 9, 10), "100.00")
    return {
        "merchant": payouts.dispute_open(merchant=merchant, by=finance, day="2026-09-10", amount="10.00", reason="a"),
        "other_merchant": payouts.dispute_open(
            merchant=other_merchant, by=finance, day="2026-09-10", amount="20.00", reason="b"
        ),
    }


def test_finance_opens_a_dispute_through_the_api(client_for, finance, merchant):
    _tx(merchant, D(2026, 9, 15), "1000.00")
    body = {"merchant": merchant.pk, "day": "2026-09-15", "amount": "200.00", "reason": "顾客投诉，待核实"}
    response = client_for(finance).post(URL, body, format="json")
    assert response.status_code == 201
    dispute = SettlementDispute.objects.get()
    assert response.json() == {
        "id": dispute.pk,
        "merchant": merchant.pk,
        "day": "2026-09-15",
        "amount": "200.00",
        "reason": "顾客投诉，待核实",
        "status": "open",
        "opened_at": "2026-09-20T18:00:00+08:00",
        "closed_on": None,
        "close_note": "",
    }
    assert dispute.opened_by == finance
    assert _figures(_day(merchant, D(2026, 9, 15)))[0] == Decimal("800.00")


def test_finance_closes_a_dispute_through_the_api_and_its_amount_is_released_today(
    client_for, finance, merchant, disputes
):
    dispute = disputes["merchant"]
    client = client_for(finance)
    response = client.post(f"{URL}{dispute.pk}/close/", {"note": "已核实"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["closed_on"], response.json()["close_note"]) == (
        "closed",
        "2026-09-20",
        "已核实",
    )
    today = _day(merchant, D(2026, 9, 20))
    assert list(today.lines.values_list("kind", "amount")) == [(LineKind.DISPUTE_RELEASE, Decimal("10.00"))]
    again = client.post(f"{URL}{dispute.pk}/close/", {}, format="json", **EN)
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"day": "2026-09-10", "amount": "1.00", "reason": "x"}, "merchant"),
        ({"merchant": "1", "day": "2026-09-10", "amount": "1.00", "reason": "x"}, "merchant"),
        ({"merchant": 0, "day": "2026-09-10", "amount": "1.00", "reason": "x"}, "merchant"),
        ({"merchant": "MERCHANT", "day": "2026-13-10", "amount": "1.00", "reason": "x"}, "day"),
        ({"merchant": "MERCHANT", "day": "2026-09-21", "amount": "1.00", "reason": "x"}, "day"),
        ({"merchant": "MERCHANT", "day": "2026-09-10", "amount": "-1", "reason": "x"}, "amount"),
        ({"merchant": "MERCHANT", "day": "2026-09-10", "amount": "1.001", "reason": "x"}, "amount"),
        ({"merchant": "MERCHANT", "day": "2026-09-10", "amount": "100.01", "reason": "x"}, "amount"),
        ({"merchant": "MERCHANT", "day": "2026-09-10", "amount": "1.00", "reason": " "}, "reason"),
        ({"merchant": "MERCHANT", "day": "2026-09-10", "amount": "1.00", "reason": "a\x00b"}, "reason"),
    ],
)
def test_a_bad_dispute_is_a_400_naming_the_field_and_saves_nothing(client_for, finance, merchant, body, field):
    _tx(merchant, D(2026, 9, 10), "100.00")
    if body.get("merchant") == "MERCHANT":
        body = {**body, "merchant": merchant.pk}
    response = client_for(finance).post(URL, body, format="json", **EN)
    assert response.status_code == 400
    assert field in response.json()
    assert not SettlementDispute.objects.exists() and not Statement.objects.exists()


def test_a_close_note_at_fault_is_a_400(client_for, finance, disputes):
    response = client_for(finance).post(f"{URL}{disputes['merchant'].pk}/close/", {"note": 5}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    assert SettlementDispute.objects.get(pk=disputes["merchant"].pk).closed_on is None


SCOPES = [
    ("finance", {"merchant", "other_merchant"}),
    ("general_manager", {"merchant", "other_merchant"}),
    ("admin_user", {"merchant", "other_merchant"}),
    ("recruiter", {"merchant"}),
    ("recruitment_head", {"merchant"}),
    ("second_recruiter", set()),
    ("outside_recruiter", {"other_merchant"}),
    ("merchant_user", {"merchant"}),
    ("other_merchant_user", {"other_merchant"}),
]


@pytest.mark.parametrize(("role", "sees"), SCOPES)
def test_each_role_sees_its_disputes(request, client_for, disputes, role, sees):
    client = client_for(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()["results"]) == sorted(disputes[name].pk for name in sees)
    for name, dispute in disputes.items():
        assert client.get(f"{URL}{dispute.pk}/").status_code == (200 if name in sees else 404)


@pytest.mark.parametrize("role", ["ops_director", "customer_service", "dept_head"])
def test_other_roles_see_no_disputes(request, client_for, disputes, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{disputes['merchant'].pk}/").status_code == 403


@pytest.mark.parametrize("role", ["general_manager", "admin_user", "recruiter", "merchant_user", "customer_service"])
def test_only_finance_opens_and_closes_disputes(request, client_for, merchant, disputes, role):
    client = client_for(request.getfixturevalue(role))
    body = {"merchant": merchant.pk, "day": "2026-09-10", "amount": "1.00", "reason": "x"}
    assert client.post(URL, body, format="json").status_code == 403
    assert client.post(f"{URL}{disputes['merchant'].pk}/close/", {}, format="json").status_code in (403,)
    assert SettlementDispute.objects.count() == 2 and not SettlementDispute.objects.filter(closed_on__isnull=False)


def test_a_merchant_reaching_for_another_merchants_dispute_gets_404(client_for, other_merchant_user, disputes):
    client = client_for(other_merchant_user)
    assert client.get(f"{URL}{disputes['merchant'].pk}/").status_code == 404
    assert client.post(f"{URL}{disputes['merchant'].pk}/close/", {}, format="json").status_code == 404


def test_the_disputes_filter_by_merchant_and_status(client_for, finance, merchant, disputes):
    payouts.dispute_close(dispute=disputes["other_merchant"], by=finance)
    client = client_for(finance)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(merchant=merchant.pk) == [disputes["merchant"].pk]
    assert ids(status="open") == [disputes["merchant"].pk]
    assert ids(status="closed") == [disputes["other_merchant"].pk]
    for params, field in (({"status": "held"}, "status"), ({"merchant": "x"}, "merchant")):
        response = client.get(URL, params, **EN)
        assert response.status_code == 400 and field in response.json()


def test_the_disputes_list_takes_a_fixed_number_of_queries(client_for, finance, recruiter, queries):
    client = client_for(finance)
    day = iter(range(1, 28))

    def grow():
        merchant = signed_merchant(recruiter=recruiter)
        on = D(2026, 8, next(day))
        _tx(merchant, on, "10.00")
        payouts.dispute_open(merchant=merchant, by=finance, day=on.isoformat(), amount="1.00", reason="x")

    grow()
    client.get(URL)
    queries.assert_constant(lambda: client.get(URL), grow, expected=2)


def test_anonymous_is_refused_the_disputes(api_client, merchant, disputes):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.get(f"{URL}{disputes['merchant'].pk}/").status_code in (401, 403)
    body = {"merchant": merchant.pk, "day": "2026-09-10", "amount": "1.00", "reason": "x"}
    assert api_client.post(URL, body, format="json").status_code in (401, 403)
    assert api_client.post(f"{URL}{disputes['merchant'].pk}/close/", {}, format="json").status_code in (401, 403)
    assert SettlementDispute.objects.count() == 2
