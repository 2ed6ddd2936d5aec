import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from workplace.roles import Role, has_role

pytestmark = pytest.mark.django_db

URL = "/portal/register/"
VALID = {
    "username": "fuyang_shop",
    "email": "shop@example.com",
    "phone": "138-0000-0000",
    "password1": "Gu1-zhong-lu-77",
    "password2": "Gu1-zhong-lu-77",
}


def test_the_url_is_named():
    assert reverse("merchants:register") == URL


def test_it_shows_the_form_to_anonymous_visitors(page_client):
    response = page_client().get(URL)
    assert response.status_code == 200
    assert b'name="password2"' in response.content
    assert b'name="phone"' in response.content


def test_it_creates_a_merchant_account_and_logs_it_in(page_client):
    client = page_client()
    response = client.post(URL, VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("merchants:application_create")
    user = get_user_model().objects.get(username="fuyang_shop")
    assert has_role(user, Role.MERCHANT)
    assert user.email == "shop@example.com"
    assert not user.is_staff
    assert client.get(reverse("merchants:portal")).context["user"] == user


def test_it_prefills_the_contact_phone_with_the_registered_one(page_client):
    client = page_client()
    client.post(URL, VALID)
    response = client.get(reverse("merchants:application_create"))
    assert response.context["form"]["contact_phone"].value() == "13800000000"


def test_it_refuses_differing_passwords_next_to_the_field(page_client):
    response = page_client().post(URL, {**VALID, "password2": "something-else-9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == ["The two passwords differ."]
    assert not get_user_model().objects.filter(username="fuyang_shop").exists()


def test_it_refuses_a_weak_password_in_chinese(page_client):
    response = page_client().post(URL, {**VALID, "password1": "123", "password2": "123"})
    errors = " ".join(response.context["form"].errors["password1"])
    assert "密码" in errors  # Django's own validators, translated


def test_it_refuses_a_weak_password_in_english(page_client):
    response = page_client().post(URL, {**VALID, "password1": "123", "password2": "123"}, HTTP_ACCEPT_LANGUAGE="en")
    errors = " ".join(response.context["form"].errors["password1"])
    assert "too short" in errors


def test_it_refuses_a_bad_phone_number(page_client):
    response = page_client().post(URL, {**VALID, "phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "mobile number" in response.context["form"].errors["phone"][0]
    assert b"is-invalid" in response.content


def test_it_accepts_a_landline_with_area_code(page_client):
    client = page_client()
    response = client.post(URL, {**VALID, "phone": "0558-2345678"})
    assert (response.status_code, response["Location"]) == (302, reverse("merchants:application_create"))
    form = client.get(reverse("merchants:application_create")).context["form"]
    assert form["contact_phone"].value() == "05582345678"  # kept as digits


def test_it_refuses_an_existing_username(page_client, merchant_user):
    response = page_client().post(URL, {**VALID, "username": merchant_user.username.upper()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["username"] == ["A user with that username already exists."]


def test_required_fields_are_reported_in_chinese(page_client):
    response = page_client().post(URL, {})
    assert response.context["form"].errors["username"] == ["该字段是必填项。"]


def test_required_fields_are_reported_in_english(page_client):
    response = page_client().post(URL, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["username"] == ["This field is required."]


def test_it_refuses_a_post_without_csrf_token(page_client):
    response = page_client(enforce_csrf=True).post(URL, VALID)
    assert response.status_code == 403 and "CSRF验证失败" in response.content.decode()
    assert not get_user_model().objects.filter(username="fuyang_shop").exists()


def test_a_signed_in_user_is_sent_to_the_portal(page_client, merchant_user):
    response = page_client(merchant_user).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("merchants:portal")


def test_the_portal_login_page_links_to_registration(page_client):
    response = page_client().get(reverse("merchants:login"))
    assert response.status_code == 200
    assert URL.encode() in response.content
    assert b'id="id_username"' in response.content


def test_the_portal_login_signs_a_merchant_in(page_client, merchant_user, password):
    response = page_client().post(
        reverse("merchants:login"), {"username": merchant_user.username, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("merchants:portal")
