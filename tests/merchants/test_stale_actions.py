"""An action taken on a copy read before someone else moved the application is checked
against the current status (the row is locked and read again), not the stale one."""

import datetime as dt

import pytest

from merchants import services
from merchants.models import Application, ApplicationStatus, Document, SiteVisit
from scoring import services as scoring_services
from tests.factories.scoring import WORKED_EXAMPLE
from workplace.exceptions import InvalidTransition

from .conftest import upload

pytestmark = pytest.mark.django_db


def stale_copy(application):
    return Application.objects.select_related("merchant").get(pk=application.pk)


@pytest.fixture
def rejected_behind_our_back(make_application, recruitment_head):
    """A copy read while in review, and the application rejected since."""
    application = make_application(ApplicationStatus.IN_REVIEW)
    copy = stale_copy(application)
    services.application_reject(application=application, by=recruitment_head, reason="不符合条件")
    return copy


def test_no_evaluation_is_recorded_on_a_rejected_application(rejected_behind_our_back, recruiter):
    from scoring.models import Evaluation

    with pytest.raises(InvalidTransition):
        scoring_services.evaluation_record(
            application=rejected_behind_our_back, by=recruiter, data={**WORKED_EXAMPLE, "category": "life_services"}
        )
    assert not Evaluation.objects.exists()


def test_no_visit_is_recorded_on_a_rejected_application(rejected_behind_our_back, recruiter):
    with pytest.raises(InvalidTransition):
        services.site_visit_record(
            application=rejected_behind_our_back, by=recruiter, visited_on=dt.date.today(), notes="x", media=[]
        )
    assert not SiteVisit.objects.exists()


def test_a_rejected_application_is_not_assigned(rejected_behind_our_back, recruitment_head, second_recruiter):
    with pytest.raises(InvalidTransition):
        services.application_assign(
            application=rejected_behind_our_back, by=recruitment_head, assignee=second_recruiter
        )
    assert Application.objects.get(pk=rejected_behind_our_back.pk).assignee != second_recruiter


def test_no_document_is_added_once_the_application_is_submitted(make_application, merchant_user):
    application = make_application("documents")
    copy = stale_copy(application)
    services.application_submit(application=application, user=merchant_user)
    before = Document.objects.count()
    with pytest.raises(InvalidTransition):
        services.document_add(application=copy, user=merchant_user, kind="tax_registration", file=upload())
    assert Document.objects.count() == before


def test_the_profile_is_not_edited_once_the_application_is_submitted(make_application, merchant_user):
    application = make_application("documents")
    copy = stale_copy(application)
    services.application_submit(application=application, user=merchant_user)
    with pytest.raises(InvalidTransition):
        services.application_update(application=copy, user=merchant_user, data={"address": "别处"})
    assert Application.objects.get(pk=application.pk).address != "别处"
