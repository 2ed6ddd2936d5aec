"""Reasons the system writes into an application's history read in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import timezone

from merchants.models import ApplicationStatus, ApplicationStatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_application(make_application, merchant_user):
    application = make_application(merchant_user)
    ApplicationStatusChange.objects.create(
        application=application,
        from_status=ApplicationStatus.NEEDS_CHANGES,
        to_status=ApplicationStatus.EXPIRED,
        reason="Not resubmitted within 15 days.",
        changed_at=timezone.now(),
    )
    return application


def test_a_system_reason_reads_in_chinese(page_client, merchant_user, expired_application):
    page = page_client(merchant_user).get(reverse("merchants:application_detail", args=[expired_application.pk]))
    assert "15天内未重新提交。" in page.content.decode()


def test_a_system_reason_reads_in_english_on_request(page_client, merchant_user, expired_application):
    client = page_client(merchant_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("merchants:application_detail", args=[expired_application.pk]))
    assert "Not resubmitted within 15 days." in page.content.decode()


def test_a_typed_reason_is_shown_as_typed_and_escaped(page_client, merchant_user, make_application):
    application = make_application(merchant_user)
    ApplicationStatusChange.objects.create(
        application=application,
        from_status=ApplicationStatus.IN_REVIEW,
        to_status=ApplicationStatus.NEEDS_CHANGES,
        reason="营业执照照片模糊 <b>",
        changed_at=timezone.now(),
    )
    page = (
        page_client(merchant_user).get(reverse("merchants:application_detail", args=[application.pk])).content.decode()
    )
    assert "营业执照照片模糊 &lt;b&gt;" in page
