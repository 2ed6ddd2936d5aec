"""Fixtures of the onboarding tests: an application of ``merchant_user`` assigned to
``recruiter`` (department of ``recruitment_head``), brought to any status the real way."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from merchants import services
from merchants.models import Application, ApplicationStatus, Category
from merchants.samples import pdf_bytes, png_bytes
from scoring import services as scoring_services
from tests.factories.merchants import ApplicationFactory, complete_documents
from tests.factories.scoring import WORKED_EXAMPLE


def upload(name="licence.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


def pdf_upload(name="licence.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def make_application(db, merchant_user, recruiter, department, django_capture_on_commit_callbacks):
    """``make_application(status=..., category=..., assigned=True)``: an application of
    ``merchant_user`` moved to ``status`` through the services."""

    def make(status=ApplicationStatus.DRAFT, *, category=Category.LIFE_SERVICES, assigned=True, user=None, **fields):
        user = user or merchant_user
        application = ApplicationFactory(
            merchant__user=user,
            merchant__category=category,
            merchant__recruiter=recruiter if assigned else None,
            merchant__department=department if assigned else None,
            assignee=recruiter if assigned else None,
            **fields,
        )
        if status == ApplicationStatus.DRAFT:
            return application
        complete_documents(application)
        if status == "documents":
            return application
        with django_capture_on_commit_callbacks(execute=True):
            advance(application, status, user=user, reviewer=department.head, recruiter=recruiter)
        application.refresh_from_db()
        return application

    return make


def behind_the_precheck(application, **fields):
    """Change a submitted application as only a direct write could: the system check then
    meets a blocking problem the pre-check at submit did not see (a submit with one it
    can see is refused: tests/merchants/test_submit_precheck.py)."""
    Application.objects.filter(pk=application.pk).update(**fields)


def advance(application, status, *, user, reviewer, recruiter):
    """Walk ``application`` from draft to ``status`` with the real services."""
    if status == ApplicationStatus.WITHDRAWN:
        services.application_withdraw(application=application, user=user)
        return
    services.application_submit(application=application, user=user)
    # The queued check runs after commit too; a second run finds nothing to do.
    services.application_run_system_check(application_id=application.pk)
    application.refresh_from_db()
    if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW):
        if status == ApplicationStatus.SUBMITTED:
            raise ValueError("use submitted_without_check")
        return
    if status == ApplicationStatus.NEEDS_CHANGES:
        services.application_request_changes(application=application, by=reviewer, reason="请补充材料")
        return
    if status == ApplicationStatus.REJECTED:
        services.application_reject(application=application, by=reviewer, reason="不符合条件")
        return
    services.site_visit_record(
        application=application, by=recruiter, visited_on=dt.date.today(), notes="门店整洁", media=[]
    )
    if status == ApplicationStatus.SITE_VISIT:
        return
    scoring_services.evaluation_record(
        application=application, by=recruiter, data={**WORKED_EXAMPLE, "category": application.category}
    )
    services.application_approve(application=application, by=reviewer)
    if status == ApplicationStatus.CONTRACT_SENT:
        return
    services.contract_sign(application=application, user=user, signer_name="徐明", consent=True, ip_address="10.0.0.8")
