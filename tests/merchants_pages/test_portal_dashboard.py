import pytest
from django.urls import reverse

from merchants import services
from merchants.models import ApplicationStatus

pytestmark = pytest.mark.django_db

URL = "/portal/"


def test_the_url_is_named():
    assert reverse("merchants:portal") == URL


def test_anonymous_visitors_see_the_landing_page(page_client):
    response = page_client().get(URL)
    assert response.status_code == 200
    assert reverse("merchants:register").encode() in response.content
    assert reverse("merchants:login").encode() in response.content


def test_a_merchant_without_application_is_invited_to_start(page_client, merchant_user):
    response = page_client(merchant_user).get(URL)
    assert response.status_code == 200
    assert reverse("merchants:application_create").encode() in response.content
    assert response.context["rows"] == []


def test_it_shows_the_merchants_own_application_and_status(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    response = page_client(merchant_user).get(URL)
    assert [row["application"] for row in response.context["rows"]] == [application]
    assert 'data-status="draft"' in response.content.decode()


def test_it_shows_the_missing_certificates_of_a_draft(page_client, merchant_user, make_application):
    make_application(merchant_user, documents=False)
    response = page_client(merchant_user).get(URL)
    missing = [row["kind"] for row in response.context["rows"][0]["checklist"] if row["missing"]]
    assert missing == ["business_licence", "legal_rep_id"]


def test_it_shows_findings_and_the_resubmission_deadline(page_client, merchant_user, make_application):
    make_application(merchant_user, status=ApplicationStatus.NEEDS_CHANGES, address="", documents=True)
    response = page_client(merchant_user).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    row = response.context["rows"][0]
    assert "address_missing" in [finding.code for finding in row["findings"]]
    assert row["deadline"]["label"] == "Resubmit by"
    content = response.content.decode()
    assert "The business address is missing." in content and "Blocking" in content
    # The merchant reads the message, never the internal code.
    assert "address_missing" not in content


def test_it_never_shows_another_merchants_application(
    page_client, merchant_user, other_merchant_user, make_application
):
    make_application(other_merchant_user)
    response = page_client(merchant_user).get(URL)
    assert response.context["rows"] == []


def test_staff_are_sent_to_the_review_list(page_client, recruitment_head):
    response = page_client(recruitment_head).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("merchants:review_list")


def test_staff_without_review_work_go_home(page_client, customer_service):
    response = page_client(customer_service).get(URL)
    assert response["Location"] == reverse("home")


def test_it_issues_a_constant_number_of_queries(page_client, merchant_user, make_application, queries):
    client = page_client(merchant_user)
    in_progress = [make_application(merchant_user, status=ApplicationStatus.NEEDS_CHANGES, address="")]

    def grow():
        # Closed applications stay listed with their findings and documents; one stays
        # in progress (an account has at most one).
        services.application_withdraw(application=in_progress.pop(), user=merchant_user)
        in_progress.append(make_application(merchant_user, status=ApplicationStatus.NEEDS_CHANGES, address=""))

    # Session, user, roles, unread notifications; the applications with their documents,
    # check runs, findings and contracts (one query each).
    queries.assert_constant(lambda: client.get(URL), grow, expected=9)
    assert len(client.get(URL).context["rows"]) == 4
