"""Merchants imports no app above it: scoring and commissions plug into onboarding
through ``merchants.extensions``, and a missing provider fails loudly."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from commissions import contract_terms
from merchants import extensions, services
from merchants.models import ApplicationStatus, Contract
from scoring import onboarding
from scoring import services as scoring_services
from tests.factories.scoring import WORKED_EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def without(request):
    """Unregister ``(registry, key)`` for one test; registered again afterwards."""
    removed = []

    def remove(registry, key):
        provider = dict(zip(registry.keys(), registry, strict=True))[key]
        registry.unregister(key)
        removed.append((registry, key, provider))

    yield remove
    for registry, key, provider in removed:
        registry.register(key, provider)


def test_it_registers_every_required_provider():
    assert [message for message in checks.run_checks() if message.id == "merchants.E001"] == []
    assert extensions.approval_blockers.keys() == ["star_evaluation"]
    assert set(extensions.contract_terms.keys()) == {"merchant_class", "rates"}
    assert extensions.one(extensions.merchant_rates) is contract_terms.merchant_rates
    assert extensions.one(extensions.evaluation_recorder) is scoring_services.evaluation_record


def test_a_missing_provider_is_a_system_check_error(without):
    without(extensions.contract_terms, "rates")
    without(extensions.contract_terms, "merchant_class")
    errors = [message for message in extensions.check_extensions() if message.id == "merchants.E001"]
    assert [message.msg for message in errors] == [
        "merchants.extensions.contract_terms has no provider (the agreed rates and class the contract prints)."
    ]


def test_a_contract_without_its_rates_is_refused_not_printed(make_application, recruiter, recruitment_head, without):
    application = make_application(ApplicationStatus.SITE_VISIT)
    scoring_services.evaluation_record(
        application=application, by=recruiter, data={**WORKED_EXAMPLE, "category": application.category}
    )
    without(extensions.contract_terms, "rates")
    with pytest.raises(ImproperlyConfigured, match="bank_card_fee, bank_card_reference, prepaid_rate"):
        services.application_approve(application=application, by=recruitment_head)
    assert not Contract.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SITE_VISIT


def test_approval_without_the_evaluation_blocker_is_refused_loudly(make_application, recruitment_head, without):
    application = make_application(ApplicationStatus.SITE_VISIT)
    without(extensions.approval_blockers, "star_evaluation")
    with pytest.raises(ImproperlyConfigured, match="approval_blockers"):
        services.application_approve(application=application, by=recruitment_head)


def test_the_contract_and_the_signature_take_the_class_from_scoring(make_application):
    application = make_application(ApplicationStatus.SIGNED)
    assert application.contract.terms["merchant_class"] == "II"
    application.merchant.refresh_from_db()
    assert application.merchant.signed_class == "II"
    assert onboarding.signed_class(application.merchant, application.contract.signed_at) == {"signed_class": "II"}
