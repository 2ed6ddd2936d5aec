"""``POST /api/v1/card-transactions/``: idempotent on the reference, all or nothing with
per-row errors, finance and admins only, a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from settlement.models import CardTransaction
from tests.factories.merchants import MerchantFactory
from tests.factories.settlement import signed_merchant

from .conftest import EN, ZH

pytestmark = pytest.mark.django_db

URL = "/api/v1/card-transactions/"


def _rows(merchant, *references, day="2026-09-19", amount="1234.50"):
    return [{"merchant": merchant.pk, "date": day, "amount": amount, "reference": ref} for ref in references]


def test_it_records_the_rows(client_for, finance, merchant):
    response = client_for(finance).post(URL, _rows(merchant, "YK-1", "YK-2"), format="json")
    assert (response.status_code, response.json()) == (200, {"created": 2, "unchanged": 0})
    assert list(
        CardTransaction.objects.order_by("reference").values_list("merchant", "date", "amount", "reference")
    ) == [
        (merchant.pk, dt.date(2026, 9, 19), Decimal("1234.50"), "YK-1"),
        (merchant.pk, dt.date(2026, 9, 19), Decimal("1234.50"), "YK-2"),
    ]
    assert CardTransaction.objects.filter(created_by=finance).count() == 2
    assert LogEntry.objects.filter(content_type__model="cardtransaction", actor=finance).count() == 2


def test_posting_the_same_batch_again_changes_nothing(client_for, finance, merchant):
    client = client_for(finance)
    client.post(URL, _rows(merchant, "YK-1"), format="json")
    response = client.post(URL, _rows(merchant, "YK-1", "YK-2"), format="json")
    assert response.json() == {"created": 1, "unchanged": 1}
    assert client.post(URL, _rows(merchant, "YK-1", "YK-2"), format="json").json() == {"created": 0, "unchanged": 2}
    assert CardTransaction.objects.count() == 2


def test_a_reference_on_file_with_other_figures_is_refused(client_for, finance, merchant):
    client = client_for(finance)
    client.post(URL, _rows(merchant, "YK-1"), format="json")
    response = client.post(URL, _rows(merchant, "YK-2") + _rows(merchant, "YK-1", amount="1.00"), format="json")
    assert response.status_code == 400
    assert [row["index"] for row in response.json()["rows"]] == [1]
    assert list(response.json()["rows"][0]["errors"]) == ["reference"]
    assert CardTransaction.objects.count() == 1


def test_one_bad_row_rejects_the_batch_with_each_rows_errors(client_for, finance, merchant):
    prospect = MerchantFactory()
    rows = [
        *_rows(merchant, "OK-1"),
        {"merchant": prospect.pk, "date": "2026-09-19", "amount": "1", "reference": "B-1"},
        {"merchant": merchant.pk, "date": "2026-09-21", "amount": "-1", "reference": "B-2"},
        {"merchant": "x", "date": "19/09/2026", "amount": "1.234", "reference": ""},
        {"merchant": merchant.pk, "date": "2026-08-31", "amount": 5, "reference": "B-4"},
        *_rows(merchant, "OK-1"),
        "not a row",
    ]
    response = client_for(finance).post(URL, rows, format="json", **EN)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert {row["index"]: sorted(row["errors"]) for row in body["rows"]} == {
        1: ["merchant"],
        2: ["amount", "date"],
        3: ["amount", "date", "merchant", "reference"],
        4: ["date"],
        5: ["reference"],
        6: ["non_field_errors"],
    }
    errors = {row["index"]: row["errors"] for row in body["rows"]}
    assert errors[3]["date"] == ["Enter a date as YYYY-MM-DD."]
    assert errors[2]["date"] == ["The date cannot be in the future."]
    assert errors[4]["date"] == ["The merchant signed on 2026-09-01: it has no card consumption before."]
    assert errors[1]["merchant"] == [f"No signed merchant has the id {prospect.pk}."]
    assert not CardTransaction.objects.exists()


def test_the_errors_speak_chinese_by_default(client_for, finance, merchant):
    rows = [{"merchant": merchant.pk, "date": "x", "amount": "1", "reference": "R"}]
    zh = client_for(finance).post(URL, rows, format="json", **ZH).json()
    assert zh["rows"][0]["errors"]["date"] == ["请按 YYYY-MM-DD 格式输入日期。"]
    assert zh["detail"] == "1 行有误，未保存任何数据。"


@pytest.mark.parametrize(
    ("body", "code"), [({"merchant": 1}, "not_a_list"), ([], "empty"), ("x", "not_a_list"), (None, "not_a_list")]
)
def test_a_body_that_is_not_a_list_of_rows_is_400(client_for, finance, body, code):
    response = client_for(finance).post(URL, body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_too_many_rows_are_refused(client_for, finance, merchant):
    response = client_for(finance).post(URL, _rows(merchant, *[f"R{i}" for i in range(5001)]), format="json")
    assert (response.status_code, response.json()["code"], response.json()["max_rows"]) == (400, "too_many_rows", 5000)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("finance", 200),
        ("admin_user", 200),
        ("general_manager", 403),
        ("ops_director", 403),
        ("recruitment_head", 403),
        ("recruiter", 403),
        ("customer_service", 403),
        ("dept_head", 403),
        ("merchant_user", 403),
    ],
)
def test_who_may_record_card_transactions(request, client_for, merchant, role, status):
    response = client_for(request.getfixturevalue(role)).post(URL, _rows(merchant, "YK-1"), format="json")
    assert response.status_code == status
    assert CardTransaction.objects.count() == (1 if status == 200 else 0)


def test_anonymous_callers_are_refused(client, merchant):
    assert client.post(URL, _rows(merchant, "YK-1"), content_type="application/json").status_code in (401, 403)


def test_a_batch_takes_a_fixed_number_of_queries(client_for, finance, recruiter, queries):
    client = client_for(finance)
    merchants = [signed_merchant(recruiter=recruiter)]
    counter = iter(range(10**6))

    def post():
        rows = [row for merchant in merchants for row in _rows(merchant, f"Q-{next(counter)}", f"Q-{next(counter)}")]
        assert client.post(URL, rows, format="json").status_code == 200

    post()  # the user's roles and permissions, read once per request user
    queries.assert_constant(post, lambda: merchants.append(signed_merchant(recruiter=recruiter)), expected=8)
