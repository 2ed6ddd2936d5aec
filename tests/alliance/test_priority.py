"""Limited places (SPEC.md §8, §9): invitations listed grade A first, then by credit
points; a merchant accepting a full activity waits, and a freed place goes to the first
on the waiting list in that order (never taken from a merchant holding one)."""

import datetime as dt

import pytest
from django.utils import timezone

from alliance import services
from alliance.models import Participation, PointEntry, PointReason
from settlement.models import CreditRating, CreditRuleSet
from tests.factories.workplace import make_user

from .conftest import signed

URL = "/api/v1/activities/"


def rate(merchant, grade, as_of=dt.date(2026, 11, 1)):
    CreditRating.objects.create(
        merchant=merchant,
        as_of=as_of,
        score={"A": 95, "B": 80, "C": 65, "D": 40}[grade],
        grade=grade,
        factors=[],
        rule_set=CreditRuleSet.objects.get(effective_from=dt.date(2000, 1, 1)),
        computed_at=timezone.now(),
    )


def earned(merchant, points):
    PointEntry.objects.create(merchant=merchant, points=points, reason=PointReason.REFERRAL)


@pytest.fixture
def third_user(db):
    return make_user("merchant", username="merchant_c")


@pytest.fixture
def merchant_c(recruiter, third_user):
    return signed(recruiter, third_user, name="丁商户")


def limited(by, merchants, places):
    return services.activity_create(
        by=by,
        title="限额活动",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
        district="颍州区",
        places=places,
        participants=[m.pk for m in merchants],
    )


def test_invitations_are_listed_grade_a_first_then_by_points(
    client_for, general_manager, recruitment_head, merchant_a, merchant_b, merchant_c
):
    rate(merchant_a, "B")
    rate(merchant_c, "A")
    rate(merchant_b, "A", as_of=dt.date(2026, 12, 1))
    rate(merchant_b, "C", as_of=dt.date(2027, 1, 1))  # after today: not yet its grade
    earned(merchant_a, 9)
    earned(merchant_b, 3)
    earned(merchant_c, 1)
    activity = limited(recruitment_head, [merchant_a, merchant_b, merchant_c], places=2)
    client = client_for(general_manager)
    listed = [i["merchant"] for i in client.get(f"{URL}{activity.pk}/").json()["invitations"]]
    assert listed == [merchant_b.pk, merchant_c.pk, merchant_a.pk]  # A (3 points), A (1), B (9)
    assert [i["merchant"] for i in client.get(URL).json()["results"][0]["invitations"]] == listed


def test_without_a_limit_invitations_keep_their_order(client_for, general_manager, activity, merchant_a, merchant_b):
    rate(merchant_b, "A")
    listed = [i["merchant"] for i in client_for(general_manager).get(f"{URL}{activity.pk}/").json()["invitations"]]
    assert listed == [merchant_a.pk, merchant_b.pk]


def test_a_full_activity_puts_the_merchant_on_the_waiting_list_and_a_freed_place_goes_by_priority(
    client_for, recruitment_head, merchant_a, merchant_b, merchant_c, merchant_user, other_merchant_user, third_user
):
    activity = limited(recruitment_head, [merchant_a, merchant_b, merchant_c], places=1)
    rate(merchant_c, "A")
    services.participation_accept(activity=activity, by=merchant_user)
    waiting_b = client_for(other_merchant_user).post(f"{URL}{activity.pk}/accept/", {}, format="json")
    assert waiting_b.status_code == 200
    services.participation_accept(activity=activity, by=third_user)  # later, but grade A

    def state():
        rows = Participation.objects.filter(activity=activity).order_by("merchant_id")
        return {p.merchant_id: (p.accepted_at is not None, p.waitlisted_at is not None) for p in rows}

    assert state() == {merchant_a.pk: (True, False), merchant_b.pk: (False, True), merchant_c.pk: (False, True)}
    assert PointEntry.objects.filter(merchant__in=[merchant_b, merchant_c]).count() == 0  # no points while waiting

    services.participation_decline(activity=activity, by=merchant_user)

    assert state() == {merchant_a.pk: (False, False), merchant_b.pk: (False, True), merchant_c.pk: (True, False)}
    assert list(PointEntry.objects.filter(merchant=merchant_c).values_list("points", "reason")) == [
        (2, "participation")
    ]
    # Waiting again changes nothing; leaving the waiting list gives and takes no points.
    services.participation_accept(activity=activity, by=other_merchant_user)
    services.participation_decline(activity=activity, by=other_merchant_user)
    assert state()[merchant_b.pk] == (False, False)
    assert not PointEntry.objects.filter(merchant=merchant_b).exists()


def test_among_equal_grades_the_larger_balance_takes_the_freed_place(
    recruitment_head, merchant_a, merchant_b, merchant_c, merchant_user, other_merchant_user, third_user
):
    activity = limited(recruitment_head, [merchant_a, merchant_b, merchant_c], places=1)
    earned(merchant_c, 5)
    services.participation_accept(activity=activity, by=merchant_user)
    services.participation_accept(activity=activity, by=other_merchant_user)
    services.participation_accept(activity=activity, by=third_user)
    services.participation_decline(activity=activity, by=merchant_user)
    taking_part = Participation.objects.filter(activity=activity, accepted_at__isnull=False)
    assert list(taking_part.values_list("merchant_id", flat=True)) == [merchant_c.pk]


def test_the_list_with_limited_activities_takes_a_fixed_number_of_queries(
    client_for, general_manager, recruitment_head, recruiter, queries
):
    client = client_for(general_manager)

    def grow():
        merchant = signed(recruiter)
        rate(merchant, "A")
        earned(merchant, 1)
        limited(recruitment_head, [merchant], places=1)

    grow()
    client.get(URL)  # the user's roles, once
    queries.assert_constant(lambda: client.get(URL), grow, expected=5)
