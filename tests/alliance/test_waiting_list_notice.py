"""A merchant promoted from the waiting list to a freed place is told so (in-app and by
e-mail, in its portal user's language); nobody else is, and a merchant without a portal
account is promoted all the same."""

import pytest

from alliance import services
from alliance.models import Participation
from tests.factories.workplace import make_user
from workplace.models import Notification, UserPreference

from .conftest import signed
from .test_priority import limited, rate


@pytest.fixture
def third_user(db):
    return make_user("merchant", username="merchant_c")


@pytest.fixture
def merchant_c(recruiter, third_user):
    return signed(recruiter, third_user, name="丁商户")


@pytest.fixture
def full(recruitment_head, merchant_a, merchant_b, merchant_c, merchant_user, other_merchant_user, third_user):
    """One place: A holds it, B and C wait (C grade A, so C is first)."""
    activity = limited(recruitment_head, [merchant_a, merchant_b, merchant_c], places=1)
    rate(merchant_c, "A")
    services.participation_accept(activity=activity, by=merchant_user)
    services.participation_accept(activity=activity, by=other_merchant_user)
    services.participation_accept(activity=activity, by=third_user)
    return activity


def test_the_merchant_taking_the_freed_place_is_notified(full, merchant_user, other_merchant_user, third_user):
    assert not Notification.objects.exists()  # waiting is not news
    services.participation_decline(activity=full, by=merchant_user)
    notice = Notification.objects.get()
    assert notice.recipient == third_user
    assert notice.kind == "alliance.place_granted"
    assert notice.url == "/alliance/activities/"
    assert full.title in notice.title and "名额" in notice.title  # Chinese by default
    assert "丁商户" in notice.body


def test_the_notice_is_in_the_recipients_language(full, merchant_user, third_user):
    UserPreference.objects.create(user=third_user, language="en")
    services.participation_decline(activity=full, by=merchant_user)
    notice = Notification.objects.get(recipient=third_user)
    assert notice.title == f"A place in {full.title} is yours"
    assert "first on the waiting list" in notice.body and "+2 credit points" in notice.body


def test_a_second_freed_place_notifies_the_next(full, merchant_user, other_merchant_user, third_user, recruiter):
    full.places = 2
    full.save(update_fields=["places"])
    services.participation_decline(activity=full, by=merchant_user)  # two places free: C takes one
    assert list(Notification.objects.values_list("recipient", flat=True)) == [third_user.pk]
    services.participation_decline(activity=full, by=third_user)
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {third_user.pk, other_merchant_user.pk}


def test_no_notice_when_nobody_waits(activity, merchant_user, other_merchant_user, joined):
    services.participation_decline(activity=activity, by=merchant_user)
    assert not Notification.objects.exists()


def test_a_merchant_without_a_portal_account_takes_the_place_silently(
    recruitment_head, recruiter, merchant_a, merchant_user
):
    silent = signed(recruiter, None, name="戊商户")
    activity = limited(recruitment_head, [merchant_a, silent], places=1)
    services.participation_accept(activity=activity, by=merchant_user)
    Participation.objects.filter(activity=activity, merchant=silent).update(waitlisted_at=activity.created_at)
    services.participation_decline(activity=activity, by=merchant_user)
    assert Participation.objects.get(activity=activity, merchant=silent).accepted_at is not None
    assert not Notification.objects.exists()
