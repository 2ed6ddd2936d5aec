"""Assigning an application (SPEC.md §1.3): a recruitment head assigns within their own
department (or takes it themselves); the company-wide levels assign anyone assignable.
An assignment the head could not make — one that would leave the record outside their
own view — is refused with 400 naming ``recruiter`` before anything is written, on the
API, the review page and in the service the admin and jobs call."""

import pytest
from django.test import Client
from django.urls import reverse

from merchants import selectors, services
from merchants.models import Application, ApplicationStatus, Merchant
from tests.factories.workplace import make_user
from workplace.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"


@pytest.fixture
def head_without_department(ops_director):
    return make_user("recruitment_head", username="head_nowhere", manager=ops_director)


@pytest.fixture
def recruiter_without_department(head_without_department):
    return make_user("recruiter", username="recruiter_nowhere", manager=head_without_department)


def _unchanged(application):
    fresh = Application.objects.select_related("merchant").get(pk=application.pk)
    return (fresh.assignee_id, fresh.merchant.recruiter_id, fresh.merchant.department_id) == (None, None, None)


def test_it_refuses_a_head_without_department_assigning_a_recruiter_without_one_on_the_api(
    client_for, make_application, head_without_department, recruiter_without_department
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    response = client_for(head_without_department).post(
        f"{URL}{application.pk}/assign/", {"recruiter": recruiter_without_department.pk}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "recruiter" in response.json()
    assert _unchanged(application)


def test_it_refuses_the_same_assignment_on_the_review_page(
    make_application, head_without_department, recruiter_without_department
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    client = Client()
    client.force_login(head_without_department)
    response = client.post(
        reverse("merchants:review_assign", args=[application.pk]), {"assign-recruiter": recruiter_without_department.pk}
    )
    assert response.status_code == 400
    assert "recruiter" in response.context["assign_form"].errors
    assert _unchanged(application)


def test_the_service_refuses_it_before_writing(make_application, head_without_department, recruiter_without_department):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    with pytest.raises(ApplicationError) as refused:
        services.application_assign(
            application=application, by=head_without_department, assignee=recruiter_without_department
        )
    assert (refused.value.field, refused.value.status_code) == ("recruiter", 400)
    assert _unchanged(application)


def test_a_head_without_department_may_take_an_unassigned_application_themselves(
    client_for, make_application, head_without_department
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    response = client_for(head_without_department).post(
        f"{URL}{application.pk}/assign/", {"recruiter": head_without_department.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == head_without_department.pk
    assert Merchant.objects.get(pk=application.merchant_id).recruiter == head_without_department


def test_a_head_assigns_within_the_department_and_still_sees_the_result(
    client_for, make_application, recruitment_head, second_recruiter, department
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    response = client_for(recruitment_head).post(
        f"{URL}{application.pk}/assign/", {"recruiter": second_recruiter.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == second_recruiter.pk
    assert selectors.applications_for_user(recruitment_head).filter(pk=application.pk).exists()


def test_an_outside_head_taking_a_pool_application_assigns_in_their_own_department(
    client_for, make_application, outside_head, outside_recruiter, recruiter
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    refused = client_for(outside_head).post(
        f"{URL}{application.pk}/assign/", {"recruiter": recruiter.pk}, format="json"
    )
    assert refused.status_code == 400 and "recruiter" in refused.json()
    assert _unchanged(application)
    response = client_for(outside_head).post(
        f"{URL}{application.pk}/assign/", {"recruiter": outside_recruiter.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == outside_recruiter.pk


def test_the_director_assigns_anyone_assignable(
    client_for, make_application, ops_director, recruiter_without_department
):
    application = make_application(ApplicationStatus.IN_REVIEW, assigned=False)
    response = client_for(ops_director).post(
        f"{URL}{application.pk}/assign/", {"recruiter": recruiter_without_department.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == recruiter_without_department.pk


def test_the_page_offers_exactly_whom_the_service_accepts(
    recruitment_head, recruiter, second_recruiter, outside_recruiter, head_without_department, ops_director
):
    assert set(selectors.assignable_staff(recruitment_head)) == {recruitment_head, recruiter, second_recruiter}
    assert set(selectors.assignable_staff(head_without_department)) == {head_without_department}
    assert {recruiter, outside_recruiter, head_without_department} <= set(selectors.assignable_staff(ops_director))
