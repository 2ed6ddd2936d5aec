import pytest
from django.urls import reverse

from workplace.navigation import navigation_for

pytestmark = pytest.mark.django_db


def urls(user):
    return [item["url"] for item in navigation_for(user)]


def test_a_merchant_gets_its_portal_first(merchant_user):
    assert urls(merchant_user)[:2] == [reverse("merchants:portal"), reverse("merchants:rates")]
    assert reverse("merchants:review_list") not in urls(merchant_user)


def test_the_start_page_sends_a_merchant_to_the_portal(page_client, merchant_user):
    response = page_client(merchant_user).get(reverse("home"))
    assert response["Location"] == reverse("merchants:portal")


@pytest.mark.parametrize("role", ["recruiter", "recruitment_head", "ops_director", "general_manager", "admin_user"])
def test_reviewing_staff_get_the_review_list(request, role):
    assert reverse("merchants:review_list") in urls(request.getfixturevalue(role))


@pytest.mark.parametrize("role", ["customer_service", "dept_head"])
def test_other_staff_do_not(request, role):
    user = request.getfixturevalue(role)
    assert reverse("merchants:review_list") not in urls(user)
    assert reverse("merchants:portal") not in urls(user)


def test_the_review_list_reads_in_chinese_by_default(page_client, recruitment_head):
    content = page_client(recruitment_head).get(reverse("merchants:review_list")).content.decode()
    assert '<html lang="zh-hans">' in content
    assert "仅看逾期" in content  # "Overdue only"


def test_the_review_list_reads_in_english_on_request(page_client, recruitment_head):
    client = page_client(recruitment_head)
    client.cookies["django_language"] = "en"
    content = client.get(reverse("merchants:review_list")).content.decode()
    assert '<html lang="en">' in content
    assert "Apply filters" in content
