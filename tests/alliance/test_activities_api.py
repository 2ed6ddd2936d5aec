"""``/api/v1/activities/``: who creates and sees activities, who may be invited, the
merchant's answer, the rules' 400s naming the field in both languages, pinned queries."""

import datetime as dt

import pytest
import time_machine

from alliance.models import Activity, Participation
from tests.alliance.conftest import EN, ZH, signed
from workplace.calendar import SHANGHAI

URL = "/api/v1/activities/"


def body(*participants, **overrides):
    data = {
        "title": "颍州区联合拓客",
        "starts_on": "2026-12-10",
        "ends_on": "2026-12-20",
        "district": "颍州区",
        "participants": [m.pk for m in participants],
        "subsidy": "2000.00",
    }
    data.update(overrides)
    return data


def test_it_creates_an_activity_with_its_invitations(client_for, recruitment_head, merchant_a, merchant_b):
    response = client_for(recruitment_head).post(URL, body(merchant_a, merchant_b), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == "颍州区联合拓客"
    assert data["district"] == "颍州区"
    assert data["subsidy"] == "2000.00"
    assert data["places"] is None
    assert data["participants"] == [merchant_a.pk, merchant_b.pk]
    assert [i["accepted_at"] for i in data["invitations"]] == [None, None]
    assert Participation.objects.filter(activity_id=data["id"]).count() == 2


def test_a_recruiter_invites_only_their_own_merchants(client_for, recruiter, merchant_a, merchant_b):
    response = client_for(recruiter).post(URL, body(merchant_a, merchant_b), format="json", **EN)
    assert response.status_code == 400
    assert str(merchant_b.pk) in response.json()["participants"][0]
    assert not Activity.objects.exists()
    assert client_for(recruiter).post(URL, body(merchant_a), format="json").status_code == 201


def test_a_head_invites_only_their_departments_merchants(client_for, recruitment_head, outside_merchant):
    response = client_for(recruitment_head).post(URL, body(outside_merchant), format="json")
    assert response.status_code == 400
    assert str(outside_merchant.pk) in response.json()["participants"][0]


def test_a_merchant_of_another_district_or_not_signed_is_not_invited(client_for, general_manager, recruiter):
    elsewhere = signed(recruiter, district="颍东区")
    prospect = signed(recruiter, status="prospect")
    for merchant in (elsewhere, prospect):
        response = client_for(general_manager).post(URL, body(merchant), format="json")
        assert response.status_code == 400
        assert str(merchant.pk) in response.json()["participants"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "english", "chinese"),
    [
        ({"ends_on": "2026-12-09"}, "ends_on", "cannot end before it starts", "结束"),
        ({"subsidy": "-1.00"}, "subsidy", "", ""),
        ({"title": ""}, "title", "", ""),
        ({"starts_on": "2026-13-01"}, "starts_on", "", ""),
        ({"places": 0}, "places", "", ""),
    ],
)
def test_a_refused_activity_names_the_field_in_both_languages(
    client_for, general_manager, merchant_a, overrides, field, english, chinese
):
    client = client_for(general_manager)
    en = client.post(URL, body(merchant_a, **overrides), format="json", **EN)
    zh = client.post(URL, body(merchant_a, **overrides), format="json", **ZH)
    assert en.status_code == zh.status_code == 400
    assert field in en.json() and field in zh.json()
    assert english in str(en.json())
    assert chinese in str(zh.json())
    assert en.json() != zh.json()
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("recruiter", 201),
        ("recruitment_head", 201),
        ("ops_director", 201),
        ("general_manager", 201),
        ("admin_user", 201),
        ("customer_service", 403),
        ("dept_head", 403),
        ("merchant_user", 403),
    ],
)
def test_who_creates_activities(request, client_for, merchant_a, role, status):
    user = request.getfixturevalue(role)
    response = client_for(user).post(URL, body(merchant_a), format="json")
    assert response.status_code == status, response.json()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("recruiter", True),
        ("second_recruiter", True),
        ("recruitment_head", True),
        ("ops_director", True),
        ("general_manager", True),
        ("admin_user", True),
        ("customer_service", True),
        ("outside_head", False),
        ("outside_recruiter", False),
        ("dept_head", False),
        ("merchant_user", True),
        ("other_merchant_user", True),
    ],
)
def test_who_sees_an_activity(request, client_for, activity, role, sees):
    user = request.getfixturevalue(role)
    listed = client_for(user).get(URL)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == ([activity.pk] if sees else [])
    assert client_for(user).get(f"{URL}{activity.pk}/").status_code == (200 if sees else 404)


def test_a_merchant_outside_the_activity_does_not_see_it(client_for, activity, outside_merchant):
    from tests.factories.workplace import make_user

    stranger = make_user("merchant", username="merchant_c")
    outside_merchant.user = stranger
    outside_merchant.save()
    assert client_for(stranger).get(URL).json()["results"] == []
    assert client_for(stranger).get(f"{URL}{activity.pk}/").status_code == 404


def test_anonymous_users_are_refused(api_client, activity):
    assert api_client.get(URL).status_code in (401, 403)


def test_the_invited_merchant_accepts_and_declines(client_for, activity, merchant_user, merchant_a):
    client = client_for(merchant_user)
    accepted = client.post(f"{URL}{activity.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.json()
    row = next(i for i in accepted.json()["invitations"] if i["merchant"] == merchant_a.pk)
    assert row["accepted_at"] is not None and row["declined_at"] is None
    declined = client.post(f"{URL}{activity.pk}/decline/", {}, format="json")
    row = next(i for i in declined.json()["invitations"] if i["merchant"] == merchant_a.pk)
    assert row["accepted_at"] is None and row["declined_at"] is not None


def test_staff_cannot_answer_for_a_merchant(client_for, activity, recruiter):
    response = client_for(recruiter).post(f"{URL}{activity.pk}/accept/", {}, format="json", **EN)
    assert response.status_code == 400
    assert "merchant" in str(response.json())
    assert not Participation.objects.filter(accepted_at__isnull=False).exists()


def test_a_merchant_cannot_answer_for_another(client_for, activity, merchant_user, merchant_b):
    response = client_for(merchant_user).post(f"{URL}{activity.pk}/accept/", {"merchant": merchant_b.pk}, format="json")
    assert response.status_code == 400
    assert not Participation.objects.filter(merchant=merchant_b, accepted_at__isnull=False).exists()


def test_no_place_left_puts_the_merchant_on_the_waiting_list(
    client_for, general_manager, merchant_a, merchant_b, merchant_user, other_merchant_user
):
    created = client_for(general_manager).post(URL, body(merchant_a, merchant_b, places=1), format="json").json()
    assert client_for(merchant_user).post(f"{URL}{created['id']}/accept/", {}, format="json").status_code == 200
    full = client_for(other_merchant_user).post(f"{URL}{created['id']}/accept/", {}, format="json")
    assert full.status_code == 200
    waiting = {i["merchant"]: i for i in full.json()["invitations"]}[merchant_b.pk]
    assert waiting["accepted_at"] is None and waiting["waitlisted_at"] is not None
    assert not Participation.objects.filter(merchant=merchant_b, accepted_at__isnull=False).exists()


def test_an_activity_over_cannot_be_answered(client_for, activity, merchant_user):
    with time_machine.travel(dt.datetime(2027, 1, 1, 10, tzinfo=SHANGHAI), tick=False):
        response = client_for(merchant_user).post(f"{URL}{activity.pk}/accept/", {}, format="json")
    assert response.status_code == 409


def test_more_merchants_are_invited_once(client_for, recruiter, recruitment_head, activity, merchant_a):
    extra = signed(recruiter)
    response = client_for(recruitment_head).post(
        f"{URL}{activity.pk}/invite/", {"participants": [extra.pk, merchant_a.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["participants"][-1] == extra.pk
    assert activity.participations.count() == 3


def test_the_list_takes_a_fixed_number_of_queries(client_for, general_manager, recruitment_head, recruiter, queries):
    from alliance import services

    client = client_for(general_manager)

    def grow():
        merchant = signed(recruiter)
        services.activity_create(
            by=recruitment_head,
            title="x",
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 2),
            district="颍州区",
            participants=[merchant.pk],
        )

    grow()
    client.get(URL)  # the user's roles, once
    queries.assert_constant(lambda: client.get(URL), grow, expected=3)


def test_an_activity_without_subsidy_or_participants_is_created_empty(client_for, general_manager):
    data = body()
    del data["subsidy"], data["participants"]
    response = client_for(general_manager).post(URL, data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["subsidy"] == "0.00"
    assert response.json()["participants"] == []
