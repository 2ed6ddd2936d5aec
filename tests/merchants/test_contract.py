"""Approval, the contract and signing."""

import hashlib

import pytest
from django.utils import translation

from merchants import services
from merchants.models import ApplicationStatus, Category, MerchantStatus
from scoring import services as scoring_services
from workplace.exceptions import ApplicationError, InvalidTransition

pytestmark = pytest.mark.django_db


def test_approval_is_refused_without_an_evaluation(make_application, recruitment_head):
    application = make_application(ApplicationStatus.SITE_VISIT)
    with pytest.raises(InvalidTransition) as error, translation.override("en"):
        services.application_approve(application=application, by=recruitment_head)
    assert "evaluation" in str(error.value.message)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SITE_VISIT


def test_dining_needs_a_site_visit(make_application, recruitment_head, recruiter):
    from tests.factories.scoring import WORKED_EXAMPLE

    application = make_application(ApplicationStatus.IN_REVIEW, category=Category.DINING_ENTERTAINMENT)
    scoring_services.evaluation_record(application=application, by=recruiter, data=WORKED_EXAMPLE)
    with pytest.raises(InvalidTransition) as error, translation.override("en"):
        services.application_approve(application=application, by=recruitment_head)
    assert "site visit" in str(error.value.message)
    assert "evaluation" not in str(error.value.message)


def test_other_categories_need_no_site_visit(make_application, recruitment_head, recruiter):
    from tests.factories.scoring import WORKED_EXAMPLE

    application = make_application(ApplicationStatus.IN_REVIEW, category=Category.BEAUTY_HAIR)
    scoring_services.evaluation_record(
        application=application, by=recruiter, data={**WORKED_EXAMPLE, "category": "beauty_hair"}
    )
    services.application_approve(application=application, by=recruitment_head)
    assert application.status == ApplicationStatus.CONTRACT_SENT


def test_the_contract_prints_the_agreed_rates(make_application):
    application = make_application(ApplicationStatus.CONTRACT_SENT)
    terms = application.contract.terms
    assert terms["prepaid_rate"] == "10.00" and terms["bank_card_fee"] == "2.00"
    pdf = application.contract.rendered_pdf.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == application.contract.rendered_sha256


def test_signing_stores_the_signed_pdf_and_activates(make_application, recruiter):
    application = make_application(ApplicationStatus.SIGNED)
    contract = application.contract
    signed = contract.signed_pdf.read()
    assert signed.startswith(b"%PDF") and hashlib.sha256(signed).hexdigest() == contract.signed_sha256
    assert contract.signed_sha256 != contract.rendered_sha256
    assert (contract.signer_name, contract.consent, contract.signer_ip) == ("徐明", True, "10.0.0.8")
    merchant = application.merchant
    merchant.refresh_from_db()
    assert merchant.status == MerchantStatus.ACTIVE
    assert merchant.signed_at == contract.signed_at
    assert merchant.signing_recruiter == recruiter
    assert merchant.signed_class == "II"


def test_signing_needs_a_name_and_consent(make_application, merchant_user):
    application = make_application(ApplicationStatus.CONTRACT_SENT)
    with pytest.raises(ApplicationError) as error:
        services.contract_sign(
            application=application, user=merchant_user, signer_name=" ", consent=True, ip_address=None
        )
    assert error.value.field == "signer_name"
    with pytest.raises(ApplicationError) as error:
        services.contract_sign(
            application=application, user=merchant_user, signer_name="徐明", consent="yes", ip_address=None
        )
    assert error.value.field == "consent"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONTRACT_SENT


def test_the_contract_pdf_is_private(
    client_for, make_application, merchant_user, other_merchant_user, outside_recruiter
):
    application = make_application(ApplicationStatus.SIGNED)
    url = f"/api/v1/applications/{application.pk}/contract.pdf"
    response = client_for(merchant_user).get(url)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == application.contract.signed_sha256
    for user in (other_merchant_user, outside_recruiter):
        refused = client_for(user).get(url)
        assert (refused.status_code, refused.json()["code"]) == (404, "not_found")


def test_no_contract_before_approval(client_for, make_application, merchant_user):
    application = make_application(ApplicationStatus.IN_REVIEW)
    response = client_for(merchant_user).get(f"/api/v1/applications/{application.pk}/contract.pdf")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
