import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(assigned_application):
    return assigned_application.documents.get(kind="business_licence")


NOT_FOUND = "未找到。"


def assert_not_found(response):
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode() and response["Content-Type"].startswith("text/html")


def file_url(document):
    return reverse("merchants:document_file", args=[document.pk])


def test_the_merchant_gets_its_own_file(page_client, merchant_user, licence):
    response = page_client(merchant_user).get(file_url(licence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_another_merchant_gets_a_404(page_client, other_merchant_user, licence):
    assert_not_found(page_client(other_merchant_user).get(file_url(licence)))


@pytest.mark.parametrize("role", ["recruiter", "recruitment_head", "ops_director", "general_manager", "admin_user"])
def test_staff_in_scope_get_it(request, page_client, role, licence):
    response = page_client(request.getfixturevalue(role)).get(file_url(licence))
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("role", ["second_recruiter", "outside_head", "customer_service", "dept_head"])
def test_staff_out_of_scope_get_a_404(request, page_client, role, licence):
    assert_not_found(page_client(request.getfixturevalue(role)).get(file_url(licence)))


def test_anonymous_visitors_are_sent_to_log_in(page_client, licence):
    response = page_client().get(file_url(licence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_stored_name_is_not_the_uploaded_one(licence):
    assert "licence" not in licence.file.name
