"""Bank-card fee reductions and POS service-fee waivers (SPEC.md §3)."""

from decimal import Decimal

import pytest

from commissions.selectors import merchant_rates, merchants_with_pos_fee_waiver, pos_fee_waived
from tests.factories.commissions import make_merchant

pytestmark = pytest.mark.django_db

URL = "/api/v1/rate-requests/"


def approve(client, pk):
    return client.post(f"{URL}{pk}/approve/", {}, format="json").json()


def test_a_recruiters_bank_card_reduction_walks_head_director_gm(
    client_for, recruiter, recruitment_head, ops_director, general_manager, dining_merchant
):
    body = (
        client_for(recruiter)
        .post(
            URL,
            {"kind": "bank_card", "merchant": dining_merchant.pk, "bank_card_fee": "1.50", "reason": "量大"},
            format="json",
        )
        .json()
    )
    assert [s["role"] for s in body["steps"]] == ["recruitment_head", "ops_director", "general_manager"]
    assert (body["bank_card_fee"], body["prepaid_rate"], body["standard_rate"]) == ("1.50", None, "2.00")
    for approver in (recruitment_head, ops_director, general_manager):
        body = approve(client_for(approver), body["id"])
    assert body["status"] == "approved"
    assert merchant_rates(dining_merchant)["bank_card_fee"] == Decimal("1.5")
    assert merchant_rates(dining_merchant)["bank_card_reference"] == f"RR-{body['id']:06d}"


def test_a_head_applies_and_operations_reviews(client_for, recruitment_head, dining_merchant):
    body = (
        client_for(recruitment_head)
        .post(
            URL,
            {"kind": "bank_card", "merchant": dining_merchant.pk, "bank_card_fee": "1.00", "reason": "量大"},
            format="json",
        )
        .json()
    )
    assert [s["role"] for s in body["steps"]] == ["ops_director", "general_manager"]


def test_a_bank_card_fee_at_the_standard_needs_no_approval(client_for, recruiter, dining_merchant):
    body = (
        client_for(recruiter)
        .post(
            URL,
            {"kind": "bank_card", "merchant": dining_merchant.pk, "bank_card_fee": "2.00", "reason": "标准"},
            format="json",
        )
        .json()
    )
    assert (body["status"], body["steps"]) == ("not_required", [])


def test_a_bank_card_request_needs_its_rate(client_for, recruiter, dining_merchant):
    response = client_for(recruiter).post(
        URL,
        {"kind": "bank_card", "merchant": dining_merchant.pk, "prepaid_rate": "1.00", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "bank_card_fee" in response.json()


def test_the_general_manager_alone_decides_a_pos_fee_waiver(
    client_for, recruiter, recruitment_head, general_manager, dining_merchant
):
    body = (
        client_for(recruiter)
        .post(URL, {"kind": "pos_fee_waiver", "merchant": dining_merchant.pk, "reason": "高潜力商户"}, format="json")
        .json()
    )
    assert ([s["role"] for s in body["steps"]], body["required_role"], body["ratio"]) == (
        ["general_manager"],
        "general_manager",
        None,
    )
    refused = client_for(recruitment_head).post(f"{URL}{body['id']}/approve/", {})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert not pos_fee_waived(dining_merchant)
    assert approve(client_for(general_manager), body["id"])["status"] == "approved"
    assert pos_fee_waived(dining_merchant)
    assert merchants_with_pos_fee_waiver() == {dining_merchant.pk}


def test_kinds_do_not_block_each_other(client_for, recruiter, dining_merchant):
    client = client_for(recruiter)
    client.post(URL, {"merchant": dining_merchant.pk, "prepaid_rate": "5.00", "reason": "x"}, format="json")
    response = client.post(
        URL, {"kind": "pos_fee_waiver", "merchant": dining_merchant.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["status"], response.json()["merchant"]) == (
        "pos_fee_waiver",
        "pending",
        dining_merchant.pk,
    )


def test_the_schema_documents_the_endpoints(client_for, recruiter):
    schema = client_for(recruiter).get("/api/schema/?format=json").json()
    for path in [
        "/api/v1/commissions/quote/",
        "/api/v1/rate-requests/",
        "/api/v1/rate-requests/{id}/approve/",
        "/api/v1/rate-requests/{id}/reject/",
        "/api/v1/approvals/pending/",
        "/api/v1/my-rates/",
        "/api/v1/merchant-rates/",
    ]:
        assert path in schema["paths"], path


def test_a_merchant_of_another_recruiter_cannot_get_a_waiver(client_for, second_recruiter, recruiter):
    merchant = make_merchant(recruiter)
    response = client_for(second_recruiter).post(
        URL, {"kind": "pos_fee_waiver", "merchant": merchant.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert (sorted(response.json()), response.json()["code"]) == (["code", "merchant"], "invalid")
    assert not pos_fee_waived(merchant)
