"""The back office: activities with their invitations, referrals read-only and never deleted,
the share rule and the points as new rows only."""

import pytest
from django.test import Client

from alliance.models import PointEntry, Referral, ReferralShare


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def referral(client_for, joined, merchant_a, merchant_b, general_manager):
    row = {
        "activity": joined.pk,
        "from_merchant": merchant_a.pk,
        "to_merchant": merchant_b.pk,
        "customer_ref": "C-1",
        "spend": "10.00",
        "date": "2026-12-05",
    }
    client_for(general_manager).post("/api/v1/referrals/", [row], format="json")
    return Referral.objects.get()


def test_the_lists_and_an_activity_with_its_invitations_open(admin_client, joined, referral):
    for path in ("activity", "referral", "referralshare", "pointentry"):
        assert admin_client.get(f"/admin/alliance/{path}/").status_code == 200
    page = admin_client.get(f"/admin/alliance/activity/{joined.pk}/change/")
    assert page.status_code == 200
    assert "甲商户" in page.content.decode() or str(joined.participations.first().merchant_id) in page.content.decode()


def test_referrals_the_share_rule_and_points_are_never_deleted(admin_client, referral):
    assert admin_client.get(f"/admin/alliance/referral/{referral.pk}/delete/").status_code == 403
    rule = ReferralShare.objects.get()
    assert admin_client.get(f"/admin/alliance/referralshare/{rule.pk}/delete/").status_code == 403
    entry = PointEntry.objects.first()
    assert admin_client.get(f"/admin/alliance/pointentry/{entry.pk}/delete/").status_code == 403
    assert Referral.objects.exists() and ReferralShare.objects.exists()


def test_the_back_office_lists_only_the_activities_and_referrals_the_reader_sees(joined, referral, outside_recruiter):
    from django.contrib.auth.models import Permission

    for codename in ("view_activity", "view_referral"):
        outside_recruiter.user_permissions.add(Permission.objects.get(codename=codename))
    outside_recruiter.is_staff = True
    outside_recruiter.save()
    web = Client()
    web.force_login(outside_recruiter)
    listing = web.get("/admin/alliance/activity/")
    assert listing.status_code == 200 and joined.title not in listing.content.decode()
    assert web.get(f"/admin/alliance/activity/{joined.pk}/change/").status_code == 302  # "does not exist"
    assert referral.customer_ref not in web.get("/admin/alliance/referral/").content.decode()
    assert web.get(f"/admin/alliance/referral/{referral.pk}/change/").status_code == 302
