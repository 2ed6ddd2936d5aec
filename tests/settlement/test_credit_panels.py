"""The credit panel on the lower apps' pages (through ``merchants.extensions.merchant_panels``,
registered by settlement's AppConfig): the admin's merchant page, the review page and the
rate-request form show the merchant's grade, score and factors in words."""

import pytest
from django.utils import timezone

from merchants import extensions
from merchants.models import ApplicationStatus
from settlement.models import CreditRating, CreditRuleSet
from tests.factories.merchants import ApplicationFactory

from .conftest import EN, ZH
from .pages import D, login

pytestmark = pytest.mark.django_db

FACTORS = [
    {"code": "start", "count": 1, "points": 80},
    {"code": "satisfied_survey", "count": 3, "points": 6},
    {"code": "full_deposit", "count": 1, "points": 5},
]


@pytest.fixture
def rating(merchant):
    return CreditRating.objects.create(
        merchant=merchant,
        as_of=D(2026, 9, 1),
        score=91,
        grade="A",
        factors=FACTORS,
        rule_set=CreditRuleSet.objects.order_by("effective_from").first(),
        computed_at=timezone.now(),
    )


def assert_panel(body, merchant):
    assert f'class="card mb-3 credit-panel" data-merchant="{merchant.pk}"' in body
    assert 'data-grade="A"' in body and 'class="credit-score">91<' in body
    assert "Satisfied surveys × 3" in body and "+6" in body and "Full deposit held" in body


def test_settlement_registers_the_credit_panel():
    assert "credit" in extensions.merchant_panels.keys()


def test_the_review_page_shows_the_credit_panel(rating, merchant, recruiter, recruitment_head):
    application = ApplicationFactory(merchant=merchant, status=ApplicationStatus.IN_REVIEW)
    for user in (recruiter, recruitment_head):
        response = login(user).get(f"/portal/review/{application.pk}/", **EN)
        assert response.status_code == 200
        assert_panel(response.content.decode(), merchant)


def test_the_review_page_says_not_rated_yet(merchant, recruiter):
    application = ApplicationFactory(merchant=merchant, status=ApplicationStatus.IN_REVIEW)
    body = login(recruiter).get(f"/portal/review/{application.pk}/", **ZH).content.decode()
    assert "credit-unrated" in body and "尚未评级" in body


def test_the_admin_merchant_page_shows_the_credit_panel(rating, merchant, admin_user):
    response = login(admin_user).get(f"/admin/merchants/merchant/{merchant.pk}/change/", **EN)
    assert response.status_code == 200
    assert_panel(response.content.decode(), merchant)


def test_the_rate_request_form_shows_the_chosen_merchants_credit(rating, merchant, recruiter):
    client = login(recruiter)
    partial = client.post(
        "/commissions/requests/preview/",
        {"kind": "prepaid", "merchant": merchant.pk, "proposed_rate": "6.90"},
        HTTP_HX_REQUEST="true",
        **EN,
    ).content.decode()
    assert 'id="merchant-panels"' in partial
    assert_panel(partial, merchant)
    page = client.post(
        "/commissions/requests/new/",
        {"kind": "prepaid", "merchant": merchant.pk, "proposed_rate": "6.90", "preview": "1"},
        **EN,
    ).content.decode()
    assert_panel(page, merchant)
    empty = client.get("/commissions/requests/new/", **EN).content.decode()
    assert 'id="merchant-panels"' not in empty


def test_the_panel_is_chinese_by_default(rating, merchant, recruiter):
    application = ApplicationFactory(merchant=merchant, status=ApplicationStatus.IN_REVIEW)
    body = login(recruiter).get(f"/portal/review/{application.pk}/", **ZH).content.decode()
    assert "信用评级" in body and "A级" in body
