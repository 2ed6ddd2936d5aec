import pytest
from django.urls import reverse

from merchants.models import ApplicationStatus

pytestmark = pytest.mark.django_db

URL = "/portal/rates/"


def test_the_url_is_named():
    assert reverse("merchants:rates") == URL


def test_a_prospect_sees_no_rates_yet(page_client, merchant_user, make_application):
    make_application(merchant_user)
    response = page_client(merchant_user).get(URL)
    assert response.context["rows"][0]["rates"] is None
    assert b"rates-table" not in response.content


def test_a_signed_merchant_sees_its_rates(page_client, merchant_user, make_application, recruitment_head, recruiter):
    make_application(merchant_user, status=ApplicationStatus.SIGNED, head=recruitment_head, assignee=recruiter)
    response = page_client(merchant_user).get(URL)
    rates = response.context["rows"][0]["rates"]
    assert set(rates) >= {"prepaid_rate", "bank_card_fee"}
    assert b"rates-table" in response.content


def test_it_shows_only_the_merchants_own(page_client, other_merchant_user, make_application, merchant_user):
    make_application(merchant_user)
    assert page_client(other_merchant_user).get(URL).context["rows"] == []


@pytest.mark.parametrize("role", ["recruiter", "customer_service"])
def test_staff_are_refused(request, page_client, role):
    response = page_client(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode() and b"rates-table" not in response.content
