import pytest

from commissions.models import RateRequest
from tests.factories.commissions import make_merchant

pytestmark = pytest.mark.django_db

NEW = "/commissions/requests/new/"


@pytest.fixture
def web(client, recruiter):
    client.force_login(recruiter)
    return client


def test_it_previews_the_ratio_and_chain_as_you_type(web, dining_merchant):
    response = web.post(
        "/commissions/requests/preview/",
        {"kind": "prepaid", "merchant": dining_merchant.pk, "proposed_rate": "6.90"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert 'id="quote-ratio"' in page and "69.00 %" in page
    assert "<html" not in page


def test_it_previews_without_javascript(web, dining_merchant):
    response = web.post(
        NEW, {"kind": "prepaid", "merchant": dining_merchant.pk, "proposed_rate": "5.00", "preview": "1"}
    )
    assert response.status_code == 200
    assert "50.00 %" in response.content.decode()
    assert not RateRequest.objects.exists()


def test_it_creates_the_request(web, dining_merchant):
    response = web.post(
        NEW, {"kind": "prepaid", "merchant": dining_merchant.pk, "proposed_rate": "5.00", "reason": "连锁"}
    )
    assert (response.status_code, response["Location"]) == (302, "/commissions/requests/")
    created = RateRequest.objects.get()
    assert (created.merchant, created.required_role, created.status) == (dining_merchant, "general_manager", "pending")


def test_it_shows_errors_in_the_page(web, dining_merchant):
    response = web.post(NEW, {"kind": "prepaid", "merchant": dining_merchant.pk, "proposed_rate": "0"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


def test_it_offers_only_the_recruiters_own_live_merchants(web, recruiter, second_recruiter):
    mine = make_merchant(recruiter, name="我的商户")
    make_merchant(second_recruiter, name="别人的商户")
    make_merchant(recruiter, name="已退机商户", status="terminated")
    page = web.get(NEW).content.decode()
    assert mine.name in page and "别人的商户" not in page and "已退机商户" not in page


def test_a_head_is_offered_the_departments_merchants(client, recruiter, recruitment_head, outside_recruiter):
    make_merchant(recruiter, name="本部商户")
    make_merchant(outside_recruiter, name="二部商户")
    client.force_login(recruitment_head)
    page = client.get(NEW).content.decode()
    assert "本部商户" in page and "二部商户" not in page


@pytest.mark.parametrize("role", ["customer_service", "general_manager", "admin_user"])
def test_those_who_own_no_merchant_are_offered_none(request, client, recruiter, role):
    make_merchant(recruiter, name="我的商户")
    client.force_login(request.getfixturevalue(role))
    assert "我的商户" not in client.get(NEW).content.decode()


def test_merchants_may_not_open_it(client, merchant_user):
    client.force_login(merchant_user)
    response = client.get(NEW)
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode()
    assert 'name="proposed_rate"' not in response.content.decode()
