"""Priority for credit points (SPEC.md §9 "or priority in oversubscribed activities";
issue 12 decision: a dated price, 20 points by default): the invited merchant without a
place in an activity whose places are all taken spends the price and is ranked right
after grade A merchants for a freed place. Refused, nothing saved, naming the field in
Chinese: without enough points, not oversubscribed, already taking part, already bought."""

import datetime as dt

import pytest
from django.test import Client

from alliance import redemptions, services
from alliance.models import Participation, PointEntry, PointReason, PriorityPrice
from tests.factories.workplace import make_user
from workplace import rules
from workplace.exceptions import ApplicationError, InvalidTransition, NotPermitted

from .conftest import EN, signed
from .test_priority import earned, limited, rate

URL = "/api/v1/activities/"


@pytest.fixture
def third_user(db):
    return make_user("merchant", username="merchant_c")


@pytest.fixture
def merchant_c(recruiter, third_user):
    return signed(recruiter, third_user, name="丁商户")


@pytest.fixture
def full(recruitment_head, merchant_a, merchant_b, merchant_c, merchant_user, other_merchant_user):
    """One place, held by A; B waits; C is invited and has not answered."""
    activity = limited(recruitment_head, [merchant_a, merchant_b, merchant_c], places=1)
    services.participation_accept(activity=activity, by=merchant_user)
    services.participation_accept(activity=activity, by=other_merchant_user)
    return activity


def balance(merchant):
    return sum(PointEntry.objects.filter(merchant=merchant).values_list("points", flat=True))


def test_the_default_price_is_20_points_from_the_data_migration(db):
    assert PriorityPrice.objects.get().points == 20
    assert redemptions.priority_price_on(dt.date(2026, 12, 3)) == 20


def test_a_waiting_merchant_buys_priority_with_its_points(client_for, full, merchant_b, other_merchant_user):
    earned(merchant_b, 25)
    response = client_for(other_merchant_user).post(f"{URL}{full.pk}/priority/", {}, format="json")
    assert response.status_code == 200, response.json()
    entry = PointEntry.objects.get(reason=PointReason.PRIORITY)
    assert (entry.merchant, entry.activity, entry.points) == (merchant_b, full, -20)
    assert balance(merchant_b) == 5
    invitation = next(i for i in response.json()["invitations"] if i["merchant"] == merchant_b.pk)
    assert invitation["priority_at"] is not None and invitation["waitlisted_at"] is not None
    assert Participation.objects.get(activity=full, merchant=merchant_b).priority_at is not None
    points = client_for(other_merchant_user).get(f"/api/v1/merchants/{merchant_b.pk}/points/").json()
    assert points["balance"] == 5
    assert points["entries"][0]["reason"] == "priority" and points["entries"][0]["activity"] == full.pk


def test_priority_ranks_right_after_grade_a_merchants(
    client_for,
    general_manager,
    recruitment_head,
    recruiter,
    merchant_a,
    merchant_b,
    merchant_c,
    merchant_user,
    other_merchant_user,
    third_user,
):
    grade_a = signed(recruiter, make_user("merchant", username="merchant_d"), name="戊商户")
    rate(grade_a, "A")
    earned(merchant_b, 20)  # spends it all: 0 left
    earned(merchant_c, 50)  # the larger balance, no priority
    activity = limited(recruitment_head, [merchant_a, merchant_b, merchant_c, grade_a], places=1)
    services.participation_accept(activity=activity, by=merchant_user)
    for user in (third_user, other_merchant_user, grade_a.user):
        services.participation_accept(activity=activity, by=user)
    redemptions.priority_buy(activity=activity, by=other_merchant_user)

    listed = [i["merchant"] for i in client_for(general_manager).get(f"{URL}{activity.pk}/").json()["invitations"]]
    assert listed == [grade_a.pk, merchant_b.pk, merchant_c.pk, merchant_a.pk]

    def holder():
        return Participation.objects.get(activity=activity, accepted_at__isnull=False).merchant

    services.participation_decline(activity=activity, by=merchant_user)
    assert holder() == grade_a  # grade A first
    services.participation_decline(activity=activity, by=grade_a.user)
    assert holder() == merchant_b  # then the priority bought, before C's 50 points


def test_the_price_is_the_row_in_force_on_the_day(full, merchant_b, other_merchant_user):
    PriorityPrice.objects.create(effective_from=dt.date(2026, 12, 3), points=30)
    PriorityPrice.objects.create(effective_from=dt.date(2026, 12, 4), points=99)  # tomorrow
    rules.clear()
    earned(merchant_b, 30)
    assert redemptions.priority_buy(activity=full, by=other_merchant_user).points == -30
    assert balance(merchant_b) == 0


def test_a_merchant_invited_but_not_yet_answering_may_buy_it_and_then_waits_first(
    full, merchant_b, merchant_c, third_user, merchant_user
):
    earned(merchant_c, 20)
    earned(merchant_b, 10)
    redemptions.priority_buy(activity=full, by=third_user)
    services.participation_accept(activity=full, by=third_user)
    services.participation_decline(activity=full, by=merchant_user)
    assert Participation.objects.get(activity=full, accepted_at__isnull=False).merchant == merchant_c


def refused(client, activity, **headers):
    before = (PointEntry.objects.count(), list(Participation.objects.values_list("priority_at", flat=True)))
    response = client.post(f"{URL}{activity.pk}/priority/", {}, format="json", **headers)
    after = (PointEntry.objects.count(), list(Participation.objects.values_list("priority_at", flat=True)))
    assert before == after  # nothing saved
    return response


def test_without_enough_points_it_is_refused_naming_the_points(client_for, full, merchant_b, other_merchant_user):
    earned(merchant_b, 19)
    response = refused(client_for(other_merchant_user), full)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_enough_points"
    assert body["points"] == ["信用积分不足：该商户有 19 分，活动优先权需要 20 分。"]
    english = refused(client_for(other_merchant_user), full, **EN).json()
    assert english["points"] == ["Not enough credit points: the merchant has 19, priority in an activity takes 20."]


def test_an_activity_with_a_free_place_or_no_limit_is_not_oversubscribed(
    client_for, recruitment_head, activity, merchant_a, merchant_b, merchant_user, other_merchant_user
):
    earned(merchant_a, 100)
    unlimited = refused(client_for(merchant_user), activity)
    assert unlimited.status_code == 400 and unlimited.json()["code"] == "not_oversubscribed"
    assert list(unlimited.json()) == ["activity", "code"]
    assert "名额" in unlimited.json()["activity"][0]
    free_place = limited(recruitment_head, [merchant_a, merchant_b], places=2)
    services.participation_accept(activity=free_place, by=other_merchant_user)
    response = refused(client_for(merchant_user), free_place)
    assert response.status_code == 400 and response.json()["code"] == "not_oversubscribed"


def test_it_is_bought_once_and_not_by_a_merchant_holding_a_place(
    client_for, full, merchant_a, merchant_b, merchant_user, other_merchant_user
):
    earned(merchant_a, 100)
    earned(merchant_b, 100)
    holding = refused(client_for(merchant_user), full)
    assert holding.status_code == 400 and holding.json()["code"] == "already_taking_part"
    assert client_for(other_merchant_user).post(f"{URL}{full.pk}/priority/", {}, format="json").status_code == 200
    again = refused(client_for(other_merchant_user), full)
    assert again.status_code == 400 and again.json()["code"] == "already_bought"
    assert "已" in again.json()["activity"][0]
    assert balance(merchant_b) == 80


def test_an_activity_that_is_over_is_a_409(client_for, full, merchant_b, other_merchant_user):
    earned(merchant_b, 100)
    full.ends_on = dt.date(2026, 12, 2)
    full.save(update_fields=["ends_on"])
    assert refused(client_for(other_merchant_user), full).status_code == 409


@pytest.mark.parametrize("role", ["recruiter", "recruitment_head", "general_manager", "customer_service", "admin_user"])
def test_staff_do_not_buy_priority(request, client_for, full, merchant_b, role):
    earned(merchant_b, 100)
    response = refused(client_for(request.getfixturevalue(role)), full)
    assert response.status_code in (403, 404), role
    with pytest.raises(NotPermitted):
        redemptions.priority_buy(activity=full, by=request.getfixturevalue(role), merchant_id=merchant_b.pk)


def test_a_merchant_not_invited_finds_no_activity_and_cannot_name_anothers_invitation(
    client_for, full, merchant_a, merchant_b, merchant_user, other_merchant_user, recruiter
):
    earned(merchant_b, 100)
    stranger = make_user("merchant", username="merchant_x")
    signed(recruiter, stranger, name="外商户")
    assert refused(client_for(stranger), full).status_code == 404
    # A (holding a place) cannot buy for B by naming it.
    response = client_for(merchant_user).post(f"{URL}{full.pk}/priority/", {"merchant": merchant_b.pk}, format="json")
    assert response.status_code == 400 and list(response.json())[0] == "merchant"
    assert not PointEntry.objects.filter(reason=PointReason.PRIORITY).exists()
    with pytest.raises(ApplicationError):
        redemptions.priority_buy(activity=full, by=merchant_user, merchant_id=merchant_b.pk)


def test_an_anonymous_caller_is_turned_away(api_client, full):
    assert api_client.post(f"{URL}{full.pk}/priority/", {}, format="json").status_code in (401, 403)


def test_it_cannot_be_bought_on_an_activity_that_is_over_directly(full, merchant_b, other_merchant_user):
    earned(merchant_b, 100)
    full.ends_on = dt.date(2026, 12, 1)
    full.save(update_fields=["ends_on"])
    with pytest.raises(InvalidTransition):
        redemptions.priority_buy(activity=full, by=other_merchant_user)


# --- the portal -------------------------------------------------------------------------------------


def login(user, **headers):
    client = Client(**headers)
    client.force_login(user)
    return client


PAGE = "/alliance/activities/"


def test_the_portal_offers_priority_where_every_place_is_taken(
    full, merchant_a, merchant_b, merchant_user, other_merchant_user
):
    waiting = Participation.objects.get(activity=full, merchant=merchant_b)
    html = login(other_merchant_user).get(PAGE).content.decode()
    assert f'id="priority-form-{waiting.pk}"' in html and "购买优先权（20 积分）" in html
    holding = Participation.objects.get(activity=full, merchant=merchant_a)
    assert f'id="priority-form-{holding.pk}"' not in login(merchant_user).get(PAGE).content.decode()


def test_the_portal_button_buys_priority(full, merchant_b, other_merchant_user):
    earned(merchant_b, 20)
    waiting = Participation.objects.get(activity=full, merchant=merchant_b)
    client = login(other_merchant_user)
    response = client.post(f"/alliance/activities/{waiting.pk}/priority/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已兑换 20 积分" in html
    assert f'id="priority-{waiting.pk}"' in html and f'id="priority-form-{waiting.pk}"' not in html
    assert balance(merchant_b) == 0


def test_the_portal_says_why_it_is_refused(full, merchant_b, other_merchant_user):
    waiting = Participation.objects.get(activity=full, merchant=merchant_b)
    html = login(other_merchant_user).post(f"/alliance/activities/{waiting.pk}/priority/", follow=True)
    assert "信用积分不足" in html.content.decode()
    assert not PointEntry.objects.filter(reason=PointReason.PRIORITY).exists()


def test_the_portal_button_is_only_for_the_merchants_own_invitation(full, merchant_b, merchant_user, recruiter):
    earned(merchant_b, 100)
    waiting = Participation.objects.get(activity=full, merchant=merchant_b)
    assert login(merchant_user).post(f"/alliance/activities/{waiting.pk}/priority/").status_code == 404
    assert login(recruiter).post(f"/alliance/activities/{waiting.pk}/priority/").status_code == 403
    assert login(merchant_user).get(f"/alliance/activities/{waiting.pk}/priority/").status_code == 405
    assert not PointEntry.objects.filter(reason=PointReason.PRIORITY).exists()


def test_the_portal_page_takes_a_fixed_number_of_queries(
    recruitment_head, merchant_a, merchant_user, other_merchant_user, merchant_b, queries
):
    client = login(merchant_user)

    def grow():
        activity = limited(recruitment_head, [merchant_a, merchant_b], places=1)
        services.participation_accept(activity=activity, by=other_merchant_user)
        services.participation_accept(activity=activity, by=merchant_user)

    grow()
    client.get(PAGE)  # the rules and the session read once
    queries.assert_constant(lambda: client.get(PAGE), grow)
