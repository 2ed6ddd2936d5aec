"""The portal's referrals: the referring merchant records a customer it sent to another
participant and sees its referrals; the import's rules hold (outside the period refused)."""

import pytest
from django.test import Client

from alliance import services
from alliance.models import Referral
from tests.factories.workplace import make_user

from .conftest import EN, signed

URL = "/alliance/referrals/"


def login(user):
    client = Client()
    client.force_login(user)
    return client


def row(joined, to_merchant, **values):
    return {"activity": joined.pk, "to_merchant": to_merchant.pk, "customer_ref": "C-9", "spend": "200.00"} | values


def test_the_merchant_records_a_referral_and_sees_it(
    joined, merchant_a, merchant_b, merchant_user, other_merchant_user
):
    client = login(merchant_user)
    form = client.get(URL, **EN).content.decode()
    assert 'id="referral-form"' in form and "乙商户" in form
    posted = client.post(URL, row(joined, merchant_b, date="2026-12-05"), **EN)
    assert posted.status_code == 302
    referral = Referral.objects.get()
    assert (referral.from_merchant, referral.to_merchant, str(referral.share)) == (merchant_a, merchant_b, "10.00")
    assert referral.recorded_by == merchant_user
    assert "C-9" in client.get(URL).content.decode()
    assert "C-9" in login(other_merchant_user).get(URL).content.decode()  # the receiving side sees it too


def test_a_referral_outside_the_period_is_refused(joined, merchant_b, merchant_user):
    response = login(merchant_user).post(URL, row(joined, merchant_b, date="2027-01-02"), **EN)
    assert response.status_code == 400
    assert "outside the activity&#x27;s period" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_merchant_cannot_record_for_another_merchant(joined, merchant_a, merchant_b, other_merchant_user):
    body = row(joined, merchant_a, date="2026-12-05", from_merchant=merchant_a.pk)
    response = login(other_merchant_user).post(URL, body, **EN)
    assert response.status_code == 400
    assert "only the customers it referred itself" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_merchant_not_taking_part_has_no_form(activity, merchant_user):
    body = login(merchant_user).get(URL, **EN).content.decode()
    assert 'id="referral-form"' not in body
    assert "once you take part" in body


def test_a_merchant_does_not_see_others_referrals(
    client_for, joined, merchant_a, merchant_b, general_manager, recruiter, merchant_user
):
    extra = signed(recruiter, name="戊商户")
    joined.participations.create(merchant=extra, invited_by=general_manager)
    extra.user = make_user("merchant", username="merchant_e")
    extra.save(update_fields=["user"])
    services.participation_accept(activity=joined, by=extra.user)
    rows = [
        {
            "activity": joined.pk,
            "from_merchant": merchant_b.pk,
            "to_merchant": extra.pk,
            "customer_ref": "OTHER-1",
            "spend": "10.00",
            "date": "2026-12-05",
        }
    ]
    assert client_for(general_manager).post("/api/v1/referrals/", rows, format="json").status_code == 200
    assert "OTHER-1" not in login(merchant_user).get(URL).content.decode()


@pytest.mark.parametrize("role", ["recruiter", "general_manager", "customer_service"])
def test_staff_are_refused_the_portal_page(request, role):
    assert login(request.getfixturevalue(role)).get(URL).status_code == 403
