import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date/"


def test_it_returns_the_due_date(client_for, recruiter):
    response = client_for(recruiter).get(URL, {"start": "2026-09-30", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {"due": "2026-10-10", "fallback": False}


def test_it_flags_the_fallback(client_for, recruiter):
    response = client_for(recruiter).get(URL, {"start": "2026-12-30", "working_days": 3})
    assert response.json() == {"due": "2027-01-04", "fallback": True}


def test_it_names_the_bad_field(client_for, recruiter):
    response = client_for(recruiter).get(URL, {"start": "2026-13-01", "working_days": "x"})
    assert response.status_code == 400
    body = response.json()
    assert "start" in body and "working_days" in body


def test_it_requires_both_parameters(client_for, recruiter):
    response = client_for(recruiter).get(URL)
    assert response.status_code == 400
    assert set(response.json()) >= {"start", "working_days"}


def test_it_refuses_negative_counts(client_for, recruiter):
    response = client_for(recruiter).get(URL, {"start": "2026-09-30", "working_days": -1})
    assert response.status_code == 400
    assert "working_days" in response.json()


def test_anonymous_users_are_refused(api_client):
    response = api_client.get(URL, {"start": "2026-09-30", "working_days": 3})
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated" and "due" not in response.json()


def test_merchants_are_refused(client_for, merchant_user):
    response = client_for(merchant_user).get(URL, {"start": "2026-09-30", "working_days": 3})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "due" not in response.json()


@pytest.mark.parametrize(
    "role_fixture",
    ["recruiter", "recruitment_head", "ops_director", "general_manager", "customer_service", "dept_head", "admin_user"],
)
def test_every_staff_role_may_use_it(request, client_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get(URL, {"start": "2026-09-30", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {"due": "2026-10-10", "fallback": False}  # across the National Day week


def test_errors_come_in_english_when_asked(client_for, recruiter):
    response = client_for(recruiter).get(URL, {"start": "bad", "working_days": 3}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Date has wrong format" in response.json()["start"][0]


def test_errors_come_in_chinese_by_default(client_for, recruiter):
    response = client_for(recruiter).get(URL, {"start": "bad", "working_days": 3})
    assert "日期格式错误" in response.json()["start"][0]
