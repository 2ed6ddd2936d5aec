"""The portal's joint activities page: a merchant sees its own invitations and answers them."""

import datetime as dt

from django.test import Client

from alliance import services
from alliance.models import Participation

from .conftest import EN

URL = "/alliance/activities/"


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_merchant_sees_its_invitations_and_accepts(activity, merchant_user, merchant_a):
    client = login(merchant_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert activity.title in page.content.decode()
    assert "乙商户" not in page.content.decode()
    invitation = Participation.objects.get(activity=activity, merchant=merchant_a)
    answered = client.post(f"{URL}{invitation.pk}/accept/")
    assert answered.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    client.post(f"{URL}{invitation.pk}/decline/")
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.declined_at is not None


def test_a_merchant_cannot_answer_anothers_invitation(activity, merchant_user, merchant_b):
    invitation = Participation.objects.get(activity=activity, merchant=merchant_b)
    assert login(merchant_user).post(f"{URL}{invitation.pk}/accept/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_staff_are_refused_the_portal_page(activity, recruiter):
    assert login(recruiter).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_the_page_is_in_chinese_by_default(activity, merchant_user):
    assert "联合拓客活动" in login(merchant_user).get(URL).content.decode()


def test_the_portal_shows_a_merchant_on_the_waiting_list(recruitment_head, merchant_a, merchant_b, merchant_user):
    full = services.activity_create(
        by=recruitment_head,
        title="一席活动",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
        district="颍州区",
        places=1,
        participants=[merchant_a.pk, merchant_b.pk],
    )
    Participation.objects.filter(activity=full, merchant=merchant_b).update(
        accepted_at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    )
    client = login(merchant_user)
    invitation = Participation.objects.get(activity=full, merchant=merchant_a)
    client.post(f"{URL}{invitation.pk}/accept/")
    invitation.refresh_from_db()
    assert invitation.waitlisted_at is not None and invitation.accepted_at is None
    assert "On the waiting list" in client.get(URL, **EN).content.decode()
