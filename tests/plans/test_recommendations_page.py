"""The recommendations page (/plans/recommendations/) per role: a recruiter's own list
with the reasons in Chinese (English on request), a head choosing within its department,
the company-wide managers choosing anyone, everyone else refused; the menu entry."""

import pytest
from django.test import Client

from workplace.navigation import navigation_for

from .conftest import EN
from .test_recommendations_api import world  # noqa: F401  (the same hand-built plan)

pytestmark = pytest.mark.django_db
URL = "/plans/recommendations/"


def page_of(user, query="", **headers):
    client = Client()
    client.force_login(user)
    return client.get(URL + query, **headers)


def rows(response):
    html = response.content.decode()
    return [name for name in ("太和特色餐饮", "颍州区便民店", "颍上县超市", "别人的", "外部门") if name in html]


def test_a_recruiter_sees_its_list_with_reasons_in_chinese(recruiter, world):  # noqa: F811
    response = page_of(recruiter)
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(response) == ["太和特色餐饮", "颍州区便民店", "颍上县超市"]
    assert html.index("太和特色餐饮") < html.index("颍州区便民店") < html.index("颍上县超市")
    assert "区县 太和县 尚缺 20 家" in html
    assert "预计 II 类" in html
    assert "5 天前有动态" in html
    assert "智能推荐" in html
    # No choice of recruiter for a recruiter.
    assert 'id="recruiter-form"' not in html


def test_it_speaks_english_when_asked(recruiter, world):  # noqa: F811
    html = page_of(recruiter, **EN).content.decode()
    assert "District 太和县 is still 20 merchants short" in html
    assert "3 prospects for" in html


def test_a_recruiter_cannot_open_anothers_list(recruiter, second_recruiter, world):  # noqa: F811
    response = page_of(recruiter, f"?recruiter={second_recruiter.pk}")
    assert response.status_code == 403
    assert rows(response) == []
    assert page_of(second_recruiter).status_code == 200
    assert rows(page_of(second_recruiter)) == ["颍上县超市", "别人的"]


def test_a_head_chooses_within_its_department(recruitment_head, recruiter, outside_recruiter, world):  # noqa: F811
    response = page_of(recruitment_head, f"?recruiter={recruiter.pk}")
    assert response.status_code == 200
    assert rows(response) == ["太和特色餐饮", "颍州区便民店", "颍上县超市"]
    assert 'id="recruiter-form"' in response.content.decode()
    response = page_of(recruitment_head, f"?recruiter={outside_recruiter.pk}")
    assert response.status_code == 403
    assert rows(response) == []


@pytest.mark.parametrize("role", ["general_manager", "ops_director", "admin_user"])
def test_company_wide_roles_choose_a_recruiter_first(request, role, outside_recruiter, world):  # noqa: F811
    user = request.getfixturevalue(role)
    first = page_of(user)
    assert first.status_code == 200
    assert 'id="recruiter-form"' in first.content.decode()
    assert rows(first) == []
    chosen = page_of(user, f"?recruiter={outside_recruiter.pk}")
    assert chosen.status_code == 200
    assert rows(chosen) == ["颍上县超市", "外部门"]


def test_a_bad_recruiter_shows_its_error(general_manager, world):  # noqa: F811
    response = page_of(general_manager, "?recruiter=abc", **EN)
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()


@pytest.mark.parametrize("role", ["merchant_user", "customer_service", "dept_head"])
def test_other_roles_are_refused(request, role, world):  # noqa: F811
    assert page_of(request.getfixturevalue(role)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(world):  # noqa: F811
    response = Client().get(URL)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("recruiter", True),
        ("recruitment_head", True),
        ("general_manager", True),
        ("customer_service", False),
        ("merchant_user", False),
    ],
)
def test_the_menu_lists_the_page_for_those_who_may_open_it(request, role, listed):
    urls = [item["url"] for item in navigation_for(request.getfixturevalue(role))]
    assert (URL in urls) is listed
