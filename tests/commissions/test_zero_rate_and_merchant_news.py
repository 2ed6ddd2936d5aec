"""A 0 % prepaid commission is a real agreement (a flagship merchant, the general
manager's level), and a merchant is told when a new rate of it is granted."""

from decimal import Decimal

import pytest

from commissions.models import MerchantRate, RateRequest
from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/rate-requests/"


def create(client, merchant, **payload):
    body = {"merchant": merchant.pk, "prepaid_rate": "0", "reason": "旗舰店，免佣金", **payload}
    return client.post(URL, body, format="json")


def approve(client, rate_request, **payload):
    return client.post(f"{URL}{rate_request['id']}/approve/", payload, format="json")


def test_a_zero_commission_goes_up_to_the_general_manager(
    client_for, recruiter, recruitment_head, ops_director, general_manager, merchant_user
):
    merchant = make_merchant(recruiter, user=merchant_user, name="旗舰店")
    response = create(client_for(recruiter), merchant)
    assert response.status_code == 201
    body = response.json()
    assert (body["prepaid_rate"], body["ratio"], body["required_role"], body["status"]) == (
        "0.00",
        "0.00",
        "general_manager",
        "pending",
    )
    assert [step["role"] for step in body["steps"]] == ["recruitment_head", "ops_director", "general_manager"]
    for approver in (recruitment_head, ops_director, general_manager):
        body = approve(client_for(approver), body).json()
    assert body["status"] == "approved"
    assert MerchantRate.objects.get(merchant=merchant).rate == Decimal("0")
    rates = client_for(merchant_user).get("/api/v1/my-rates/").json()
    assert (rates[0]["prepaid_rate"], rates[0]["prepaid_reference"]) == ("0.00", body["reference"])


@pytest.mark.parametrize(
    "rate, status", [("-0.0001", 400), ("0", 201), ("0.0001", 201), ("100", 201), ("100.0001", 400)]
)
def test_the_edges_of_a_rate(client_for, recruiter, rate, status):
    response = create(client_for(recruiter), make_merchant(recruiter), prepaid_rate=rate)
    assert response.status_code == status
    if status == 400:
        assert response.json() == {"prepaid_rate": ["请输入 0 到 100 之间的费率。"]}


def test_a_zero_bank_card_fee_is_a_reduction_too(client_for, recruiter):
    body = create(client_for(recruiter), make_merchant(recruiter), kind="bank_card", bank_card_fee="0").json()
    assert (body["bank_card_fee"], body["required_role"]) == ("0.00", "general_manager")


def test_the_request_form_takes_zero(client, recruiter):
    merchant = make_merchant(recruiter)
    client.force_login(recruiter)
    response = client.post(
        "/commissions/requests/new/",
        {"kind": "prepaid", "merchant": merchant.pk, "proposed_rate": "0", "reason": "旗舰店"},
    )
    assert (response.status_code, response["Location"]) == (302, "/commissions/requests/")
    created = RateRequest.objects.get(merchant=merchant)
    assert (created.required_role, created.proposed_rate) == ("general_manager", Decimal("0"))


# --- the merchant is told -------------------------------------------------------------------


def rate_news(user):
    return list(user.notifications.filter(kind="commissions.rate_granted"))


def test_the_merchant_is_told_when_its_rate_is_approved(client, client_for, recruiter, recruitment_head, merchant_user):
    merchant = make_merchant(recruiter, user=merchant_user, name="老街火锅")
    rate_request = make_request(recruiter, "8.00", merchant=merchant)
    assert rate_news(merchant_user) == []  # asked for, not yet agreed
    client_for(recruitment_head).post(f"{URL}{rate_request.pk}/approve/", {}, format="json")
    [news] = rate_news(merchant_user)
    assert news.url == "/portal/rates/"
    assert "老街火锅" in news.title and "8.00 %" in news.title
    assert rate_request.reference in news.body
    assert "10.00" not in news.title + news.body  # never the internal standard
    client.force_login(merchant_user)
    page = client.get(news.url)
    assert page.status_code == 200
    assert "我的费率" in page.content.decode() and "老街火锅" in page.content.decode()
    assert "10.00" not in page.content.decode()


def test_the_merchant_is_told_of_a_rate_within_authority(recruiter, merchant_user):
    make_request(recruiter, "9.00", merchant=make_merchant(recruiter, user=merchant_user))
    assert len(rate_news(merchant_user)) == 1


def test_a_refusal_is_not_told_to_the_merchant(client_for, recruiter, recruitment_head, merchant_user):
    rate_request = make_request(recruiter, "8.00", merchant=make_merchant(recruiter, user=merchant_user))
    client_for(recruitment_head).post(f"{URL}{rate_request.pk}/reject/", {"reason": "不行"}, format="json")
    assert merchant_user.notifications.count() == 0


def test_a_merchant_without_a_portal_account_is_fine(client_for, recruiter, recruitment_head):
    rate_request = make_request(recruiter, "8.00")
    response = client_for(recruitment_head).post(f"{URL}{rate_request.pk}/approve/", {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "approved")
