"""Signing in puts the pages back in the language the user chose last time, from any browser."""

import pytest
from django.conf import settings
from django.test import Client

from workplace.services import user_language_set

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Password-1"


def sign_in(user, **headers):
    user.set_password(PASSWORD)
    user.save()
    client = Client(**headers)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client, response


def test_a_user_who_chose_english_gets_english_on_a_new_browser(recruiter):
    user_language_set(user=recruiter, language="en")
    client, response = sign_in(recruiter, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/notifications/")
    assert page.status_code == 200 and 'lang="en"' in page.content.decode()


def test_a_user_who_chose_chinese_gets_chinese_after_an_english_login_page(recruiter):
    user_language_set(user=recruiter, language="zh-hans")
    client, response = sign_in(recruiter, HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert 'lang="zh-hans"' in client.get("/notifications/").content.decode()


def test_a_user_who_never_chose_keeps_the_browsers_language(recruiter):
    client, response = sign_in(recruiter, HTTP_ACCEPT_LANGUAGE="en")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert 'lang="en"' in client.get("/notifications/").content.decode()


def test_a_failed_login_sets_no_language(recruiter):
    user_language_set(user=recruiter, language="en")
    response = Client().post("/accounts/login/", {"username": recruiter.username, "password": "wrong"})
    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
