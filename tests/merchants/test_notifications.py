"""Notifications link to the page where the recipient acts: staff to the review page,
the merchant to its application in the portal."""

import datetime as dt

import pytest
from django.urls import reverse

from merchants import services
from merchants.models import ApplicationStatus
from workplace.models import Notification

pytestmark = pytest.mark.django_db


def urls_of(user, kind):
    return set(Notification.objects.filter(recipient=user, kind=kind).values_list("url", flat=True))


def test_it_links_the_reviewer_to_the_review_page(make_application, recruiter):
    application = make_application(ApplicationStatus.IN_REVIEW)
    assert urls_of(recruiter, "application_in_review") == {reverse("merchants:review_detail", args=[application.pk])}


def test_it_links_the_assignee_to_the_review_page(make_application, recruitment_head, second_recruiter):
    application = make_application(ApplicationStatus.IN_REVIEW)
    services.application_assign(application=application, by=recruitment_head, assignee=second_recruiter)
    assert urls_of(second_recruiter, "application_assigned") == {
        reverse("merchants:review_detail", args=[application.pk])
    }


def test_it_links_the_merchant_to_its_application(make_application, merchant_user):
    application = make_application(ApplicationStatus.NEEDS_CHANGES)
    assert urls_of(merchant_user, "application_needs_changes") == {
        reverse("merchants:application_detail", args=[application.pk])
    }


def test_it_links_the_recruiter_to_the_signed_application(make_application, recruiter):
    application = make_application(ApplicationStatus.SIGNED)
    assert urls_of(recruiter, "contract_signed") == {reverse("merchants:review_detail", args=[application.pk])}


def test_it_links_deadline_notices_to_the_review_page(make_application, recruiter, time_machine):
    application = make_application(ApplicationStatus.IN_REVIEW)
    time_machine.move_to(application.review_due + dt.timedelta(minutes=1))
    services.onboarding_deadlines_process()
    assert urls_of(recruiter, "application_review_reminder") == {
        reverse("merchants:review_detail", args=[application.pk])
    }
