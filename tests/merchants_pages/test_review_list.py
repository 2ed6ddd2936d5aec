import pytest
from django.urls import reverse

from merchants.models import ApplicationStatus
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db

URL = "/portal/review/"


def listed(response):
    return [row["application"].pk for row in response.context["rows"]]


def test_the_url_is_named():
    assert reverse("merchants:review_list") == URL


def test_a_recruiter_sees_only_their_own(page_client, recruiter, assigned_application, outside_application):
    assert listed(page_client(recruiter).get(URL)) == [assigned_application.pk]


def test_another_recruiter_of_the_department_sees_none_of_them(page_client, second_recruiter, assigned_application):
    assert listed(page_client(second_recruiter).get(URL)) == []


def test_a_head_sees_the_department(page_client, recruitment_head, assigned_application, outside_application):
    assert listed(page_client(recruitment_head).get(URL)) == [assigned_application.pk]


def test_the_outside_head_sees_only_the_other_department(
    page_client, outside_head, assigned_application, outside_application
):
    assert listed(page_client(outside_head).get(URL)) == [outside_application.pk]


@pytest.mark.parametrize("role", ["ops_director", "general_manager", "admin_user"])
def test_company_wide_roles_see_everything(request, page_client, role, assigned_application, outside_application):
    user = request.getfixturevalue(role)
    assert set(listed(page_client(user).get(URL))) == {assigned_application.pk, outside_application.pk}


@pytest.mark.parametrize("role", ["customer_service", "dept_head", "merchant_user"])
def test_other_roles_are_refused(request, page_client, role):
    response = page_client(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 403
    assert "您没有执行该操作的权限。" in response.content.decode() and "rows" not in (response.context or {})


def test_anonymous_visitors_are_sent_to_log_in(page_client):
    response = page_client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_hides_drafts_and_closed_applications_by_default(
    page_client, ops_director, make_application, merchant_user, other_merchant_user, assigned_application
):
    make_application(other_merchant_user)  # a draft
    assert listed(page_client(ops_director).get(URL)) == [assigned_application.pk]
    assert len(listed(page_client(ops_director).get(URL, {"status": "all"}))) == 2


def test_it_filters_by_status(page_client, ops_director, assigned_application, make_application, other_merchant_user):
    needs_changes = make_application(other_merchant_user, status=ApplicationStatus.NEEDS_CHANGES, address="")
    assert listed(page_client(ops_director).get(URL, {"status": "needs_changes"})) == [needs_changes.pk]


def test_it_filters_by_category(page_client, ops_director, assigned_application, outside_application):
    assert listed(page_client(ops_director).get(URL, {"category": "supermarket"})) == [outside_application.pk]


def test_it_filters_by_district(page_client, ops_director, assigned_application, outside_application):
    assert listed(page_client(ops_director).get(URL, {"district": "颍东"})) == [outside_application.pk]


def test_it_filters_by_recruiter(page_client, ops_director, recruiter, assigned_application, outside_application):
    assert listed(page_client(ops_director).get(URL, {"recruiter": recruiter.pk})) == [assigned_application.pk]


def test_it_highlights_and_filters_overdue_reviews(
    page_client, ops_director, assigned_application, outside_application
):
    from merchants.models import Application

    Application.objects.filter(pk=assigned_application.pk).update(
        review_due=assigned_application.review_due.replace(year=2020)
    )
    client = page_client(ops_director)
    response = client.get(URL)
    rows = {row["application"].pk: row for row in response.context["rows"]}
    assert rows[assigned_application.pk]["deadline"]["overdue"]
    assert not rows[outside_application.pk]["deadline"]["overdue"]
    # Soonest deadline first: the overdue one leads.
    assert listed(response)[0] == assigned_application.pk
    assert b"overdue-row" in response.content
    assert listed(client.get(URL, {"overdue": "on"})) == [assigned_application.pk]


def test_a_bad_filter_value_is_reported_not_a_crash(page_client, ops_director, assigned_application):
    response = page_client(ops_director).get(URL, {"status": "nonsense", "recruiter": "999999"})
    assert response.status_code == 200
    assert "status" in response.context["form"].errors


def test_it_paginates(page_client, ops_director, assigned_application, outside_application, monkeypatch):
    from merchants.views import review as views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = page_client(ops_director)
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(listed(first)) == len(listed(second)) == 1
    assert listed(first) != listed(second)
    assert b"page=2" in first.content


def test_it_issues_a_constant_number_of_queries(
    page_client, recruitment_head, recruiter, make_application, merchant_user, queries
):
    client = page_client(recruitment_head)
    make_application(merchant_user, status=ApplicationStatus.IN_REVIEW, head=recruitment_head, assignee=recruiter)

    def grow():
        # Each merchant account has one application in progress: a new merchant each time.
        make_application(
            make_user("merchant"), status=ApplicationStatus.IN_REVIEW, head=recruitment_head, assignee=recruiter
        )

    # Session, user, roles, the head's department, unread notifications; the count, the
    # page and the assignee filter's choices.
    queries.assert_constant(lambda: client.get(URL), grow, expected=8)
    assert len(listed(client.get(URL))) == 4
