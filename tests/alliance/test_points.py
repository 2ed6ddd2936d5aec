"""Credit points: +2 for taking part (−2 on withdrawing), +1 per referred customer who
spent; ``GET /api/v1/merchants/{id}/points/`` scoped like the merchant."""

import pytest
from django.urls import resolve

from alliance import services
from alliance.api.views import MerchantPointsView
from alliance.models import PointEntry

URL = "/api/v1/merchants/{}/points/"


def test_the_path_resolves_to_the_alliances_view_beside_the_merchants_routes():
    assert resolve("/api/v1/merchants/5/points/").func.view_class is MerchantPointsView
    assert resolve("/api/v1/merchants/5/").func.cls.__name__ == "MerchantViewSet"


def test_points_for_taking_part_referrals_and_withdrawing(
    client_for, joined, activity, merchant_a, merchant_b, merchant_user, general_manager, other_merchant_user
):
    rows = [
        {
            "activity": joined.pk,
            "from_merchant": merchant_a.pk,
            "to_merchant": merchant_b.pk,
            "customer_ref": r,
            "spend": spend,
            "date": "2026-12-05",
        }
        for r, spend in (("C-1", "10.00"), ("C-2", "0.00"))
    ]
    assert client_for(general_manager).post("/api/v1/referrals/", rows, format="json").status_code == 200
    data = client_for(merchant_user).get(URL.format(merchant_a.pk)).json()
    assert data["balance"] == 3  # 2 for taking part, 1 for the customer who spent (not the one who did not)
    assert [(e["points"], e["reason"]) for e in data["entries"]] == [(1, "referral"), (2, "participation")]
    assert PointEntry.objects.filter(merchant=merchant_b).count() == 1


def test_withdrawing_takes_the_points_back(activity, merchant_a, merchant_user):
    services.participation_accept(activity=activity, by=merchant_user)
    services.participation_decline(activity=activity, by=merchant_user)
    assert list(PointEntry.objects.filter(merchant=merchant_a).order_by("id").values_list("points", "reason")) == [
        (2, "participation"),
        (-2, "withdrawal"),
    ]


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
def test_who_reads_a_merchants_points(request, client_for, joined, merchant_a, role, status):
    response = client_for(request.getfixturevalue(role)).get(URL.format(merchant_a.pk))
    assert response.status_code == status
    if status == 200:
        assert response.json()["balance"] == 2


def test_the_history_takes_a_fixed_number_of_queries(client_for, joined, merchant_a, general_manager, queries):
    client = client_for(general_manager)
    client.get(URL.format(merchant_a.pk))

    def grow():
        PointEntry.objects.create(merchant=merchant_a, points=1, reason="referral", activity=joined)

    queries.assert_constant(lambda: client.get(URL.format(merchant_a.pk)), grow, expected=2)
