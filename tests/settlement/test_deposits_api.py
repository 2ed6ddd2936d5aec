"""``/api/v1/deposits/`` (API.md "Merchant money"): the body, every role on every endpoint,
the 400s naming their field in both languages, the list in a fixed number of queries."""

import pytest

from merchants.models import MerchantClass
from merchants.services import merchant_terminate
from settlement import services
from settlement.models import Deposit, DepositEntry
from tests.factories.settlement import signed_merchant

from .conftest import EN, ZH

pytestmark = pytest.mark.django_db

URL = "/api/v1/deposits/"


def _ids(response):
    return sorted(row["merchant"] for row in response.json()["results"])


def test_it_lists_a_deposit_with_its_figures_and_history(client_for, finance, merchant):
    services.deposit_receive(deposit=merchant.deposit, by=finance, amount="20000", received_on="2026-09-10")
    response = client_for(finance).get(URL, {"merchant": merchant.pk})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    entry = DepositEntry.objects.get()
    assert row == {
        "id": merchant.deposit.pk,
        "merchant": merchant.pk,
        "required": "20000.00",
        "received": "20000.00",
        "deducted": "0.00",
        "refunded": "0.00",
        "refundable": "20000.00",
        "status": "held",
        "refund_due": None,
        "entries": [
            {
                "id": entry.pk,
                "kind": "receipt",
                "amount": "20000.00",
                "on": "2026-09-10",
                "reason": "",
                "status": "approved",
                "recorded_at": "2026-09-20T18:00:00+08:00",
                "decided_at": None,
            }
        ],
    }


@pytest.mark.parametrize(
    ("role", "sees"),
    [
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
    ],
)
def test_each_role_sees_its_deposits(request, client_for, merchant, other_merchant, role, sees):
    user = request.getfixturevalue(role)
    names = {"merchant": merchant.pk, "other_merchant": other_merchant.pk}
    response = client_for(user).get(URL)
    assert response.status_code == 200
    assert _ids(response) == sorted(names[name] for name in sees)
    for name, pk in names.items():
        detail = client_for(user).get(f"{URL}{Deposit.objects.get(merchant_id=pk).pk}/")
        assert detail.status_code == (200 if name in sees else 404)


@pytest.mark.parametrize("role", ["ops_director", "customer_service", "dept_head"])
def test_other_roles_may_not_read_deposits(request, client_for, merchant, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{merchant.deposit.pk}/").status_code == 403
    assert client.post(f"{URL}{merchant.deposit.pk}/receive/", {}, format="json").status_code == 403


def test_anonymous_users_are_refused(client, merchant):
    assert client.get(URL).status_code in (401, 403)


def test_a_merchant_reaching_for_another_merchants_deposit_gets_404(client_for, other_merchant_user, merchant):
    client = client_for(other_merchant_user)
    pk = merchant.deposit.pk
    assert client.get(f"{URL}{pk}/").status_code == 404
    for action, body in [
        ("receive", {"amount": "1", "received_on": "2026-09-10"}),
        ("deduct", {"amount": "1", "reason": "x"}),
        ("refund", {"amount": "1", "refunded_on": "2026-09-10"}),
    ]:
        assert client.post(f"{URL}{pk}/{action}/", body, format="json").status_code == 404
    assert client.get(URL, {"merchant": merchant.pk}).json()["results"] == []


# role → (receive, deduct, refund) status codes on a deposit it can see (or not: 404).
ACTIONS = {
    "finance": (200, 200, 200),
    "general_manager": (403, 200, 403),
    "admin_user": (403, 403, 403),
    "recruiter": (403, 403, 403),
    "recruitment_head": (403, 403, 403),
    "merchant_user": (403, 403, 403),
    "second_recruiter": (404, 404, 404),
    "outside_recruiter": (404, 404, 404),
    "other_merchant_user": (404, 404, 404),
}


@pytest.mark.parametrize("role", sorted(ACTIONS))
def test_each_role_on_each_action(request, client_for, merchant, finance, admin_user, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    pk = merchant.deposit.pk
    receive, deduct, refund = ACTIONS[role]
    response = client.post(f"{URL}{pk}/receive/", {"amount": "20000", "received_on": "2026-09-10"}, format="json")
    assert response.status_code == receive
    if receive != 200:
        services.deposit_receive(deposit=merchant.deposit, by=finance, amount="20000", received_on="2026-09-10")
    response = client.post(f"{URL}{pk}/deduct/", {"amount": "500", "reason": "False delivery"}, format="json")
    assert response.status_code == deduct
    merchant_terminate(merchant=merchant, by=admin_user, reason="Contract ended")
    response = client.post(f"{URL}{pk}/refund/", {"amount": "100", "refunded_on": "2026-09-20"}, format="json")
    assert response.status_code == refund
    deposit = Deposit.objects.get(pk=pk)
    assert deposit.refunded == (100 if refund == 200 else 0)


def test_finance_proposes_and_the_general_manager_approves_a_deduction(client_for, finance, general_manager, merchant):
    pk = merchant.deposit.pk
    client_for(finance).post(f"{URL}{pk}/receive/", {"amount": "20000", "received_on": "2026-09-10"}, format="json")
    body = client_for(finance).post(f"{URL}{pk}/deduct/", {"amount": "500", "reason": "Counterfeit"}, format="json")
    assert body.json()["deducted"] == "0.00"
    pending = body.json()["entries"][-1]
    assert (pending["kind"], pending["status"], pending["reason"]) == ("deduction", "pending", "Counterfeit")
    decide = {"entry": pending["id"], "approve": True}
    assert client_for(finance).post(f"{URL}{pk}/decide-deduction/", decide, format="json").status_code == 403
    response = client_for(general_manager).post(f"{URL}{pk}/decide-deduction/", decide, format="json")
    assert response.status_code == 200
    assert (response.json()["deducted"], response.json()["refundable"]) == ("500.00", "19500.00")
    again = client_for(general_manager).post(f"{URL}{pk}/decide-deduction/", decide, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"received_on": "2026-09-10"}, "amount"),
        ({"amount": "abc", "received_on": "2026-09-10"}, "amount"),
        ({"amount": "20000.01", "received_on": "2026-09-10"}, "amount"),
        ({"amount": "1"}, "received_on"),
        ({"amount": "1", "received_on": "2026-02-30"}, "received_on"),
        ({"amount": "1", "received_on": "2026-09-21"}, "received_on"),
    ],
)
def test_a_bad_receipt_names_its_field(client_for, finance, merchant, body, field):
    response = client_for(finance).post(f"{URL}{merchant.deposit.pk}/receive/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not DepositEntry.objects.exists()


def test_the_errors_speak_the_users_language(client_for, finance, merchant):
    url = f"{URL}{merchant.deposit.pk}/deduct/"
    en = client_for(finance).post(url, {"amount": "1"}, format="json", **EN).json()
    zh = client_for(finance).post(url, {"amount": "1"}, format="json", **ZH).json()
    assert en["reason"] == ["Please give a reason."]
    assert zh["reason"] == ["请填写原因。"]
    en = client_for(finance).post(url, {"amount": "x", "reason": "r"}, format="json", **EN).json()
    zh = client_for(finance).post(url, {"amount": "x", "reason": "r"}, format="json", **ZH).json()
    assert en["amount"] == ["Enter a positive amount with at most 2 decimals, for example 20000.00."]
    assert zh["amount"] != en["amount"]


@pytest.mark.parametrize("body", [[], "x", None, {"entry": "1", "approve": True}, {"entry": 1, "approve": "yes"}])
def test_odd_bodies_are_400(client_for, general_manager, merchant, body):
    response = client_for(general_manager).post(f"{URL}{merchant.deposit.pk}/decide-deduction/", body, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "١"])
def test_a_bad_merchant_filter_is_400(client_for, finance, value):
    response = client_for(finance).get(URL, {"merchant": value})
    assert (response.status_code, list(response.json())) == (400, ["merchant", "code"])


def test_the_list_takes_a_fixed_number_of_queries(client_for, finance, recruiter, queries):
    client = client_for(finance)

    def grow():
        merchant = signed_merchant(recruiter=recruiter, merchant_class=MerchantClass.II)
        services.deposit_receive(deposit=merchant.deposit, by=finance, amount="100", received_on="2026-09-10")

    grow()
    queries.assert_constant(lambda: client.get(URL), grow, expected=3)


def test_a_recruiters_list_takes_a_fixed_number_of_queries(client_for, recruiter, queries):
    client = client_for(recruiter)
    signed_merchant(recruiter=recruiter)
    client.get(URL)  # the user's roles, read once per request user

    queries.assert_constant(lambda: client.get(URL), lambda: signed_merchant(recruiter=recruiter), expected=3)
