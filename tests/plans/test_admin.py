"""The plans back office: regions and plans with their targets, phases and quotas, checked
by the same rules as the API (a refusal next to the form, nothing saved)."""

import pytest
from django.test import Client

from plans.models import Phase, Plan, Region, RegionKind

pytestmark = pytest.mark.django_db


def signed_in(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("listing", ["region", "plan", "phase"])
def test_the_lists_open(admin_user, plan, listing):
    response = signed_in(admin_user).get(f"/admin/plans/{listing}/")
    assert response.status_code == 200


def test_a_plan_opens_with_its_inlines(admin_user, plan):
    response = signed_in(admin_user, "zh-hans").get(f"/admin/plans/plan/{plan.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "第一阶段" in text and "个人指标" in text and "计划目标" in text


def test_a_head_reads_plans_in_the_admin(recruitment_head, plan):
    assert signed_in(recruitment_head).get(f"/admin/plans/plan/{plan.pk}/change/").status_code == 200


def test_a_district_needs_a_city(admin_user, db):
    response = signed_in(admin_user).post(
        "/admin/plans/region/add/", {"name": "颍州区", "code": "341202", "kind": RegionKind.DISTRICT, "parent": ""}
    )
    assert response.status_code == 200
    assert "An urban district or a county is part of a city." in response.content.decode()
    assert not Region.objects.exists()


def _inline(prefix, rows=()):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_a_phase_outside_the_plan_is_refused(admin_user, fuyang):
    data = {
        "name": "阜阳计划",
        "region": fuyang["city"].pk,
        "starts_on": "2026-04-20",
        "ends_on": "2026-12-31",
        "notes": "",
        **_inline("targets"),
        **_inline("quotas"),
        **_inline(
            "phases",
            [{"name": "太和县", "starts_on": "2026-08-01", "ends_on": "2027-01-31", "regions": fuyang["太和县"].pk}],
        ),
    }
    response = signed_in(admin_user).post("/admin/plans/plan/add/", data)
    assert response.status_code == 200
    assert "A phase lies inside the plan&#x27;s period (2026-04-20 to 2026-12-31)." in response.content.decode()
    assert not Plan.objects.exists() and not Phase.objects.exists()


def test_a_plan_with_a_phase_is_added(admin_user, fuyang):
    data = {
        "name": "阜阳计划",
        "region": fuyang["city"].pk,
        "starts_on": "2026-04-20",
        "ends_on": "2026-12-31",
        "notes": "",
        **_inline("targets", [{"segment": "basic", "category": "", "count": "30"}]),
        **_inline("quotas"),
        **_inline(
            "phases",
            [{"name": "太和县", "starts_on": "2026-08-01", "ends_on": "2026-12-31", "regions": fuyang["太和县"].pk}],
        ),
    }
    response = signed_in(admin_user).post("/admin/plans/plan/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    assert plan.created_by == admin_user
    assert [r.name for r in plan.phases.get().regions.all()] == ["太和县"]
