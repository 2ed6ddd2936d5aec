"""``POST /api/v1/referrals/`` and the monthly statement: the 5 % share at its half-fen
edge, a referral outside the period or from a merchant not taking part refused, the
batch all or nothing and idempotent, netting between two merchants who referred each
other, who may record and read what."""

import datetime as dt
from decimal import Decimal

import pytest

from alliance.models import Referral, ReferralShare
from alliance.referrals import referral_share
from tests.alliance.conftest import EN, ZH
from workplace import rules

URL = "/api/v1/referrals/"
STATEMENT = "/api/v1/referrals/statement/"


def row(activity, sender, receiver, ref, spend, date="2026-12-05"):
    return {
        "activity": activity.pk,
        "from_merchant": sender.pk,
        "to_merchant": receiver.pk,
        "customer_ref": ref,
        "spend": spend,
        "date": date,
    }


def test_the_share_rounds_half_up_to_the_fen():
    assert referral_share(Decimal("0.10"), Decimal("5.00")) == Decimal("0.01")  # 0.005
    assert referral_share(Decimal("0.09"), Decimal("5.00")) == Decimal("0.00")  # 0.0045
    assert referral_share(Decimal("100.10"), Decimal("5.00")) == Decimal("5.01")  # 5.005
    assert referral_share(Decimal("123.45"), Decimal("5.00")) == Decimal("6.17")  # 6.1725


def test_it_records_referrals_with_the_share_owed(client_for, joined, merchant_a, merchant_b, merchant_user):
    response = client_for(merchant_user).post(
        URL, [row(joined, merchant_a, merchant_b, "C-1", "100.10")], format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 1, "unchanged": 0}
    referral = Referral.objects.get()
    assert (referral.share_percent, referral.share) == (Decimal("5.00"), Decimal("5.01"))
    assert referral.recorded_by == merchant_user


def test_the_share_is_the_rule_in_force_on_the_referrals_date(
    client_for, joined, merchant_a, merchant_b, merchant_user
):
    ReferralShare.objects.create(effective_from=dt.date(2026, 12, 10), percent=Decimal("6.00"))
    rules.clear()
    rows = [
        row(joined, merchant_a, merchant_b, "C-1", "100.00", "2026-12-09"),
        row(joined, merchant_a, merchant_b, "C-2", "100.00", "2026-12-10"),
    ]
    assert client_for(merchant_user).post(URL, rows, format="json").status_code == 200
    assert dict(Referral.objects.values_list("customer_ref", "share")) == {
        "C-1": Decimal("5.00"),
        "C-2": Decimal("6.00"),
    }


def test_the_same_batch_again_changes_nothing(client_for, joined, merchant_a, merchant_b, general_manager):
    rows = [row(joined, merchant_a, merchant_b, "C-1", "10.00"), row(joined, merchant_b, merchant_a, "C-2", "20.00")]
    client = client_for(general_manager)
    assert client.post(URL, rows, format="json").json() == {"created": 2, "unchanged": 0}
    assert client.post(URL, rows, format="json").json() == {"created": 0, "unchanged": 2}
    assert Referral.objects.count() == 2


def test_a_known_reference_with_other_values_is_refused(client_for, joined, merchant_a, merchant_b, general_manager):
    client = client_for(general_manager)
    client.post(URL, [row(joined, merchant_a, merchant_b, "C-1", "10.00")], format="json")
    response = client.post(URL, [row(joined, merchant_a, merchant_b, "C-1", "11.00")], format="json", **EN)
    assert response.status_code == 400
    assert response.json()["rows"] == [
        {"index": 0, "errors": {"customer_ref": ["This customer reference is already recorded with other values."]}}
    ]
    assert Referral.objects.get().spend == Decimal("10.00")


def test_a_referral_outside_the_activitys_period_is_refused(
    client_for, joined, merchant_a, merchant_b, general_manager
):
    rows = [
        row(joined, merchant_a, merchant_b, "C-1", "10.00", "2026-12-31"),
        row(joined, merchant_a, merchant_b, "C-2", "10.00", "2027-01-01"),
        row(joined, merchant_a, merchant_b, "C-3", "10.00", "2026-11-30"),
    ]
    response = client_for(general_manager).post(URL, rows, format="json", **EN)
    assert response.status_code == 400
    assert [r["index"] for r in response.json()["rows"]] == [1, 2]
    assert all(list(r["errors"]) == ["date"] for r in response.json()["rows"])
    assert "outside the activity's period" in response.json()["rows"][0]["errors"]["date"][0]
    assert not Referral.objects.exists()  # all or nothing: row 0 is not saved either


def test_both_merchants_must_take_part(client_for, activity, merchant_a, merchant_b, merchant_user, general_manager):
    from alliance import services

    services.participation_accept(activity=activity, by=merchant_user)  # merchant_b only invited
    response = client_for(general_manager).post(
        URL, [row(activity, merchant_a, merchant_b, "C-1", "1.00")], format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["rows"][0]["errors"]) == ["to_merchant"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"spend": "-1.00"}, "spend"),
        ({"spend": "1.001"}, "spend"),
        ({"spend": "abc"}, "spend"),
        ({"date": "2026-12-32"}, "date"),
        ({"customer_ref": ""}, "customer_ref"),
        ({"activity": "x"}, "activity"),
        ({"activity": 999999}, "activity"),
        ({"to_merchant": None}, "to_merchant"),
    ],
)
def test_a_bad_field_is_named_in_both_languages(
    client_for, joined, merchant_a, merchant_b, general_manager, change, field
):
    data = row(joined, merchant_a, merchant_b, "C-1", "1.00") | change
    en = client_for(general_manager).post(URL, [data], format="json", **EN)
    zh = client_for(general_manager).post(URL, [data], format="json", **ZH)
    assert en.status_code == zh.status_code == 400
    assert field in en.json()["rows"][0]["errors"] and field in zh.json()["rows"][0]["errors"]
    assert en.json()["rows"] != zh.json()["rows"]


def test_a_referral_to_oneself_is_refused(client_for, joined, merchant_a, general_manager):
    response = client_for(general_manager).post(
        URL, [row(joined, merchant_a, merchant_a, "C-1", "1.00")], format="json"
    )
    assert "to_merchant" in response.json()["rows"][0]["errors"]


def test_a_merchant_records_only_its_own_referrals(client_for, joined, merchant_a, merchant_b, merchant_user):
    response = client_for(merchant_user).post(URL, [row(joined, merchant_b, merchant_a, "C-1", "1.00")], format="json")
    assert response.status_code == 400
    assert list(response.json()["rows"][0]["errors"]) == ["from_merchant"]


@pytest.mark.parametrize("body", [{}, [], "x", [1]])
def test_a_body_that_is_not_a_list_of_rows_is_refused(client_for, general_manager, body):
    assert client_for(general_manager).post(URL, body, format="json").status_code == 400


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("recruiter", 200),
        ("recruitment_head", 200),
        ("ops_director", 200),
        ("general_manager", 200),
        ("admin_user", 200),
        ("merchant_user", 200),
        ("customer_service", 403),
        ("dept_head", 403),
        ("outside_head", 400),  # may record, but does not see the activity
        ("outside_recruiter", 400),
        ("other_merchant_user", 400),  # not the referring merchant
    ],
)
def test_who_records_referrals(request, client_for, joined, merchant_a, merchant_b, role, status):
    user = request.getfixturevalue(role)
    response = client_for(user).post(URL, [row(joined, merchant_a, merchant_b, "C-1", "1.00")], format="json")
    assert response.status_code == status, response.json()
    assert Referral.objects.count() == (1 if status == 200 else 0)


def test_anonymous_callers_are_refused(api_client):
    assert api_client.post(URL, [], format="json").status_code in (401, 403)
    assert api_client.get(STATEMENT).status_code in (401, 403)


# --- the statement ----------------------------------------------------------------------------


@pytest.fixture
def both_ways(client_for, joined, merchant_a, merchant_b, general_manager):
    rows = [
        row(joined, merchant_a, merchant_b, "C-1", "100.10"),  # B owes A 5.01
        row(joined, merchant_a, merchant_b, "C-2", "40.00"),  # B owes A 2.00
        row(joined, merchant_b, merchant_a, "C-3", "60.00"),  # A owes B 3.00
    ]
    assert client_for(general_manager).post(URL, rows, format="json").status_code == 200
    return joined


def test_the_statement_nets_what_two_merchants_owe_each_other(
    client_for, both_ways, merchant_a, merchant_b, merchant_user
):
    response = client_for(merchant_user).get(STATEMENT, {"merchant": merchant_a.pk, "month": "2026-12"})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "merchant": merchant_a.pk,
        "month": "2026-12",
        "counterparts": [
            {
                "merchant": merchant_b.pk,
                "name": "乙商户",
                "referred_to_them": 2,
                "spend_referred_to_them": "140.10",
                "owed_to_merchant": "7.01",
                "referred_by_them": 1,
                "spend_referred_by_them": "60.00",
                "owed_by_merchant": "3.00",
                "net": "4.01",
            }
        ],
        "owed_to_merchant": "7.01",
        "owed_by_merchant": "3.00",
        "net": "4.01",
    }
    other = client_for(merchant_user).get(STATEMENT, {"merchant": merchant_a.pk, "month": "2026-11"}).json()
    assert other["counterparts"] == [] and other["net"] == "0.00"


def test_the_counterpart_sees_the_mirror(client_for, both_ways, merchant_b, other_merchant_user):
    data = client_for(other_merchant_user).get(STATEMENT, {"merchant": merchant_b.pk, "month": "2026-12"}).json()
    assert (data["owed_to_merchant"], data["owed_by_merchant"], data["net"]) == ("3.00", "7.01", "-4.01")


def test_a_merchant_cannot_read_anothers_statement(client_for, both_ways, merchant_b, merchant_user):
    response = client_for(merchant_user).get(STATEMENT, {"merchant": merchant_b.pk, "month": "2026-12"})
    assert response.status_code == 404
    assert "乙商户" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("recruiter", 200),
        ("second_recruiter", 404),
        ("recruitment_head", 200),
        ("ops_director", 200),
        ("general_manager", 200),
        ("admin_user", 200),
        ("customer_service", 200),
        ("outside_head", 404),
        ("outside_recruiter", 404),
        ("dept_head", 404),
        ("merchant_user", 200),
        ("other_merchant_user", 404),
    ],
)
def test_who_reads_merchant_as_statement(request, client_for, both_ways, merchant_a, role, status):
    user = request.getfixturevalue(role)
    response = client_for(user).get(STATEMENT, {"merchant": merchant_a.pk, "month": "2026-12"})
    assert response.status_code == status


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-12"}, "merchant"),
        ({"merchant": "x", "month": "2026-12"}, "merchant"),
        ({"merchant": 1}, "month"),
        ({"merchant": 1, "month": "2026-13"}, "month"),
    ],
)
def test_a_bad_parameter_is_named_in_both_languages(client_for, general_manager, params, field):
    en = client_for(general_manager).get(STATEMENT, params, **EN)
    zh = client_for(general_manager).get(STATEMENT, params, **ZH)
    assert en.status_code == zh.status_code == 400
    assert field in en.json() and field in zh.json()


def test_the_statement_takes_a_fixed_number_of_queries(
    client_for, joined, merchant_a, merchant_user, queries, recruiter
):
    from alliance.models import Participation
    from tests.alliance.conftest import signed

    client = client_for(merchant_user)
    count = iter(range(100))

    def grow():
        other = signed(recruiter)
        Participation.objects.create(
            activity=joined, merchant=other, invited_by=recruiter, accepted_at=joined.created_at
        )
        n = next(count)
        Referral.objects.create(
            activity=joined,
            from_merchant=merchant_a,
            to_merchant=other,
            customer_ref=f"G-{n}",
            spend=Decimal("10.00"),
            date=dt.date(2026, 12, 5),
            share_percent=Decimal("5.00"),
            share=Decimal("0.50"),
            recorded_by=recruiter,
        )

    params = {"merchant": merchant_a.pk, "month": "2026-12"}
    client.get(STATEMENT, params)
    queries.assert_constant(lambda: client.get(STATEMENT, params), grow, expected=2)


def test_an_import_takes_a_fixed_number_of_queries(
    client_for, joined, merchant_a, merchant_b, general_manager, queries
):
    client = client_for(general_manager)
    client.get("/api/v1/activities/")
    count = iter(range(1000))

    sizes = iter([1, 5, 10, 20])

    def post():
        client.post(
            URL,
            [row(joined, merchant_a, merchant_b, f"Q-{next(count)}", "10.00") for _ in range(next(sizes))],
            format="json",
        )

    post()  # the share rule, read once into the rule cache
    # A batch of 5 rows, then of 10: a savepoint, three reads, the referrals and their points.
    queries.assert_constant(post, lambda: None, expected=7)
