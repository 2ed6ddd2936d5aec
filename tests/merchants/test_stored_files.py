"""A write that fails leaves no file behind: the database rolls back, and the files the
service stored are removed again."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError

from merchants import services
from merchants.models import ApplicationStatus, Contract, Document, SiteVisit
from merchants.services import contracts, review
from scoring import services as scoring_services
from tests.factories.scoring import WORKED_EXAMPLE

from .conftest import upload

pytestmark = pytest.mark.django_db


def stored_files(folder):
    root = Path(settings.MEDIA_ROOT) / "private" / "merchants" / folder
    return sorted(path.name for path in root.glob("*")) if root.exists() else []


def fail(*args, **kwargs):
    raise IntegrityError("the database refused")


def test_a_document_that_cannot_be_saved_leaves_no_file(make_application, merchant_user, monkeypatch):
    application = make_application()
    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(IntegrityError):
        services.document_add(application=application, user=merchant_user, kind="legal_rep_id", file=upload())
    assert stored_files("documents") == []


def test_a_failed_visit_leaves_no_media(make_application, recruiter, monkeypatch):
    application = make_application(ApplicationStatus.IN_REVIEW)
    monkeypatch.setattr(review, "application_transition", fail)
    with pytest.raises(IntegrityError):
        services.site_visit_record(
            application=application, by=recruiter, visited_on=dt.date.today(), notes="x", media=[upload(), upload()]
        )
    assert stored_files("visits") == []
    assert not SiteVisit.objects.exists()


def test_a_failed_approval_leaves_no_contract_pdf(make_application, recruitment_head, monkeypatch):
    application = make_application(ApplicationStatus.SITE_VISIT)
    scoring_services.evaluation_record(
        application=application, by=recruitment_head, data={**WORKED_EXAMPLE, "category": application.category}
    )
    before = stored_files("contracts")
    real = services.application_transition

    def fail_to_send(*, to_status, **kwargs):
        if to_status == ApplicationStatus.CONTRACT_SENT:
            raise IntegrityError("the database refused")
        return real(to_status=to_status, **kwargs)

    monkeypatch.setattr(review, "application_transition", fail_to_send)
    with pytest.raises(IntegrityError):
        services.application_approve(application=application, by=recruitment_head)
    assert stored_files("contracts") == before


def test_a_failed_signature_leaves_no_signed_pdf(make_application, merchant_user, monkeypatch):
    application = make_application(ApplicationStatus.CONTRACT_SENT)
    before = stored_files("contracts")
    monkeypatch.setattr(contracts, "merchant_transition", fail)
    with pytest.raises(IntegrityError):
        services.contract_sign(
            application=application, user=merchant_user, signer_name="徐明", consent=True, ip_address="10.0.0.8"
        )
    assert stored_files("contracts") == before
    assert not Contract.objects.get(application=application).signed_pdf
