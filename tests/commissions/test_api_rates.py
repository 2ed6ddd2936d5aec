import pytest

from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db


def test_a_merchant_sees_its_own_rates_and_never_the_standard(
    client_for, recruiter, merchant_user, other_merchant_user
):
    mine = make_merchant(recruiter, user=merchant_user, name="我的店")
    make_merchant(recruiter, user=other_merchant_user, name="别家")
    granted = make_request(recruiter, "9.00", merchant=mine)
    body = client_for(merchant_user).get("/api/v1/my-rates/").json()
    assert body == [
        {
            "merchant": mine.pk,
            "merchant_name": "我的店",
            "prepaid_rate": "9.00",
            "bank_card_fee": "2.00",
            "prepaid_reference": granted.reference,
            "bank_card_reference": None,
            "pos_fee_waived": False,
        }
    ]
    assert "standard" not in str(body) and "ratio" not in str(body)


@pytest.mark.parametrize("role", ["recruiter", "recruitment_head", "general_manager"])
def test_staff_use_the_history_instead(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get("/api/v1/my-rates/")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "results" not in response.json() and "prepaid_rate" not in str(response.json())


def test_staff_see_the_rate_history_in_scope(client_for, recruiter, outside_recruiter, recruitment_head, outside_head):
    merchant = make_merchant(recruiter)
    make_request(recruiter, "9.00", merchant=merchant)
    make_request(outside_recruiter, "9.50")
    rows = client_for(recruitment_head).get("/api/v1/merchant-rates/", {"merchant": merchant.pk}).json()["results"]
    assert [(row["merchant"], row["rate"], row["kind"]) for row in rows] == [(merchant.pk, "9.00", "prepaid")]
    assert client_for(outside_head).get("/api/v1/merchant-rates/", {"merchant": merchant.pk}).json()["results"] == []


def test_merchants_do_not_see_the_staff_history(client_for, merchant_user):
    response = client_for(merchant_user).get("/api/v1/merchant-rates/")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "results" not in response.json()


def test_the_history_query_count_is_constant(client_for, recruiter, general_manager, queries):
    client = client_for(general_manager)
    make_request(recruiter, "9.00")
    client.get("/api/v1/merchant-rates/")
    queries.assert_constant(
        lambda: client.get("/api/v1/merchant-rates/"), lambda: make_request(recruiter, "9.00"), expected=2
    )
