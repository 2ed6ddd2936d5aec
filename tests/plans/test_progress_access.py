"""Who reads a plan's progress: every staff member reads the plan's totals; the rows per
recruiter are scoped (a recruiter their own, a head their department, the company's
managers everyone); merchants get 403, anonymous callers 401/403."""

import datetime as dt

import pytest

from .conftest import EN, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def signings(plan, recruiter, second_recruiter, outside_recruiter):
    signed(recruiter, dt.date(2026, 5, 1))
    signed(second_recruiter, dt.date(2026, 5, 2))
    signed(outside_recruiter, dt.date(2026, 5, 3))


def rows_seen_by(client_for, user, plan):
    response = client_for(user).get(f"/api/v1/plans/{plan.pk}/progress/", **EN)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["total"]["signed"] == 3  # the plan's totals are the same for everyone
    return sorted(row["username"] for row in body["recruiters"])


def test_a_recruiter_sees_only_their_own_row(client_for, recruiter, plan, signings):
    assert rows_seen_by(client_for, recruiter, plan) == ["recruiter"]


def test_a_head_sees_their_departments_recruiters(client_for, recruitment_head, plan, signings):
    assert rows_seen_by(client_for, recruitment_head, plan) == ["recruiter", "recruiter_b"]


def test_another_head_sees_their_own_department(client_for, outside_head, plan, signings):
    assert rows_seen_by(client_for, outside_head, plan) == ["recruiter_east"]


@pytest.mark.parametrize("role", ["general_manager", "ops_director", "admin_user"])
def test_the_companys_managers_see_everyone(client_for, request, role, plan, signings):
    user = request.getfixturevalue(role)
    assert rows_seen_by(client_for, user, plan) == ["recruiter", "recruiter_b", "recruiter_east"]


@pytest.mark.parametrize("role", ["customer_service", "dept_head"])
def test_other_staff_see_the_totals_but_no_recruiter(client_for, request, role, plan, signings):
    assert rows_seen_by(client_for, request.getfixturevalue(role), plan) == []


def test_a_merchant_is_refused(client_for, merchant_user, plan):
    for url in (
        f"/api/v1/plans/{plan.pk}/progress/",
        f"/api/v1/plans/{plan.pk}/",
        "/api/v1/plans/",
        "/api/v1/regions/",
    ):
        response = client_for(merchant_user).get(url, **EN)
        assert response.status_code == 403, url
        assert response.json()["detail"] == "Only staff members may see recruitment plans."


def test_an_anonymous_caller_is_refused(api_client, plan):
    response = api_client.get(f"/api/v1/plans/{plan.pk}/progress/", **EN)
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_an_unknown_plan_is_404(client_for, general_manager, plan):
    assert client_for(general_manager).get(f"/api/v1/plans/{plan.pk + 1000}/progress/").status_code == 404
