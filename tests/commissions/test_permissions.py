"""Every role's rights on every action of a rate request (SPEC.md §0, §3)."""

import pytest

from tests.factories.commissions import make_merchant, make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/rate-requests/"
ALL_ROLES = [
    "recruiter",
    "second_recruiter",
    "recruitment_head",
    "ops_director",
    "general_manager",
    "outside_recruiter",
    "outside_head",
    "customer_service",
    "dept_head",
    "admin_user",
    "merchant_user",
]


def assert_answer(response, status):
    """The status, and a body that goes with it: the request for a success, a named
    refusal (a field or a code) otherwise."""
    assert response.status_code == status
    body = response.json()
    if status < 300:
        assert body["reference"].startswith("RR-")
    else:
        assert body.get("code") or any(isinstance(value, list) for value in body.values()), body


@pytest.fixture
def head_step(recruiter):
    """A request whose current step is the recruitment head's (6.90 → head, director)."""
    return make_request(recruiter, "6.90")


# who sees the request (list and detail); 404 otherwise, 403 for merchants (no access at all)
SEES = {
    "recruiter": 200,
    "second_recruiter": 404,
    "recruitment_head": 200,
    "ops_director": 200,
    "general_manager": 200,
    "outside_recruiter": 404,
    "outside_head": 404,
    "customer_service": 404,
    "dept_head": 404,
    "admin_user": 200,
    "merchant_user": 403,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_a_request(request, client_for, head_step, role):
    client = client_for(request.getfixturevalue(role))
    detail = client.get(f"{URL}{head_step.pk}/")
    assert detail.status_code == SEES[role]
    if SEES[role] == 200:
        assert (detail.json()["id"], detail.json()["reference"]) == (head_step.pk, head_step.reference)
    else:
        assert detail.json()["code"] == {403: "permission_denied", 404: "not_found"}[SEES[role]]
        assert head_step.reference not in str(detail.json())
    listing = client.get(URL)
    if SEES[role] == 403:
        assert (listing.status_code, listing.json()["code"]) == (403, "permission_denied")
    else:
        ids = [row["id"] for row in listing.json()["results"]]
        assert (head_step.pk in ids) == (SEES[role] == 200)


# approving the head's step without choosing it: only a head of the department; a higher
# level is told to choose the step (acting in place is explicit, with a reason)
APPROVES = {
    "recruiter": 403,
    "second_recruiter": 404,
    "recruitment_head": 200,
    "ops_director": 409,
    "general_manager": 409,
    "outside_recruiter": 404,
    "outside_head": 404,
    "customer_service": 404,
    "dept_head": 404,
    "admin_user": 403,
    "merchant_user": 403,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_approves_the_heads_step(request, client_for, head_step, role):
    response = client_for(request.getfixturevalue(role)).post(f"{URL}{head_step.pk}/approve/", {}, format="json")
    assert_answer(response, APPROVES[role])


# choosing the head's step with a reason: the head as usual, a higher level in place
IN_PLACE = {**APPROVES, "ops_director": 200, "general_manager": 200}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_approves_the_heads_step_in_place(request, client_for, head_step, role):
    response = client_for(request.getfixturevalue(role)).post(
        f"{URL}{head_step.pk}/approve/", {"step": "recruitment_head", "reason": "负责人休假"}, format="json"
    )
    assert_answer(response, IN_PLACE[role])
    if response.status_code == 200:
        assert response.json()["current_step"] == "ops_director"


def test_a_higher_level_not_choosing_the_step_is_told_how(client_for, head_step, general_manager):
    response = client_for(general_manager).post(f"{URL}{head_step.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "step_of_a_lower_level"
    assert list(response.json()) == ["acting_for", "code"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_rejects_the_heads_step(request, client_for, head_step, role):
    response = client_for(request.getfixturevalue(role)).post(
        f"{URL}{head_step.pk}/reject/", {"reason": "不同意"}, format="json"
    )
    assert_answer(response, APPROVES[role])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_rejects_the_heads_step_in_place(request, client_for, head_step, role):
    response = client_for(request.getfixturevalue(role)).post(
        f"{URL}{head_step.pk}/reject/", {"reason": "不同意", "acting_for": "recruitment_head"}, format="json"
    )
    assert_answer(response, IN_PLACE[role])
    if response.status_code == 200:
        assert response.json()["status"] == "rejected"


# the director's step: the head decided a step already → 403; the GM must choose the step
# to act in place → 409 without it
DIRECTOR_STEP = {
    "recruiter": 403,
    "second_recruiter": 404,
    "recruitment_head": 403,
    "ops_director": 200,
    "general_manager": 409,
    "outside_recruiter": 404,
    "outside_head": 404,
    "customer_service": 404,
    "dept_head": 404,
    "admin_user": 403,
    "merchant_user": 403,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_approves_the_directors_step(request, client_for, recruitment_head, head_step, role):
    client_for(recruitment_head).post(f"{URL}{head_step.pk}/approve/", {}, format="json")
    response = client_for(request.getfixturevalue(role)).post(f"{URL}{head_step.pk}/approve/", {}, format="json")
    assert_answer(response, DIRECTOR_STEP[role])


CREATES = {
    "recruiter": 201,
    "second_recruiter": 400,
    "recruitment_head": 403,
    "ops_director": 403,
    "general_manager": 403,
    "outside_recruiter": 400,
    "outside_head": 400,
    "customer_service": 403,
    "dept_head": 400,
    "admin_user": 403,
    "merchant_user": 403,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_requests_a_rate_for_the_recruiters_merchant(request, client_for, recruiter, role):
    merchant = make_merchant(recruiter)
    response = client_for(request.getfixturevalue(role)).post(
        URL, {"merchant": merchant.pk, "prepaid_rate": "7.00", "reason": "理由"}, format="json"
    )
    assert_answer(response, CREATES[role])


def test_a_head_may_not_decide_another_departments_request(client_for, outside_recruiter, recruitment_head):
    foreign = make_request(outside_recruiter, "8.00")
    response = client_for(recruitment_head).post(f"{URL}{foreign.pk}/approve/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert foreign.reference not in str(response.json())
    foreign.refresh_from_db()
    assert foreign.status == "pending"


def test_the_outside_head_decides_their_own_department(client_for, outside_recruiter, outside_head):
    foreign = make_request(outside_recruiter, "8.00")
    response = client_for(outside_head).post(f"{URL}{foreign.pk}/approve/", {}, format="json")
    assert response.json()["status"] == "approved"


def test_anonymous_users_are_refused(api_client, head_step):
    listing = api_client.get(URL)
    assert (listing.status_code in (401, 403), listing.json()["code"]) == (True, "not_authenticated")
    decision = api_client.post(f"{URL}{head_step.pk}/approve/", {})
    assert (decision.status_code in (401, 403), decision.json()["code"]) == (True, "not_authenticated")
    head_step.refresh_from_db()
    assert head_step.status == "pending"
