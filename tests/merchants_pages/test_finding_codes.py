"""Merchants read findings as messages; the internal codes (``missing_document``,
``uscc_invalid``…) stay on the staff pages."""

import pytest
from django.urls import reverse

from merchants import checks
from merchants.models import ApplicationStatus

pytestmark = pytest.mark.django_db

CODES = sorted(checks.MESSAGES)


def assert_no_code(content: str):
    assert [code for code in CODES if code in content] == []


@pytest.fixture
def bounced(make_application, merchant_user, recruitment_head, recruiter):
    """Sent back by the system check: the address and the ID number are missing."""
    return make_application(
        merchant_user,
        status=ApplicationStatus.NEEDS_CHANGES,
        head=recruitment_head,
        assignee=recruiter,
        address="",
        legal_rep_id_number="",
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_merchant_pages_show_messages_not_codes(page_client, merchant_user, bounced, language):
    client = page_client(merchant_user)
    for url in (reverse("merchants:portal"), reverse("merchants:application_detail", args=[bounced.pk])):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        content = response.content.decode()
        message = "未填写经营地址。" if language == "zh-hans" else "The business address is missing."
        assert message in content
        assert_no_code(content)


@pytest.mark.parametrize(
    "language, heading",
    [("zh-hans", "申请尚不能提交"), ("en", "The application cannot be submitted yet")],
)
def test_a_refused_submit_shows_messages_not_codes(page_client, merchant_user, make_application, language, heading):
    application = make_application(merchant_user, documents=False, uscc="91341202MA2N123450")
    response = page_client(merchant_user).post(
        reverse("merchants:application_submit", args=[application.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert heading in content
    assert_no_code(content)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_staff_still_see_the_codes(page_client, recruitment_head, bounced):
    response = page_client(recruitment_head).get(reverse("merchants:review_detail", args=[bounced.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-code="address_missing"' in content and 'data-code="id_number_missing"' in content
