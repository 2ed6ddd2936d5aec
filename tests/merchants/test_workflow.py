import pytest

from merchants.models import ApplicationStatus, MerchantStatus

pytestmark = pytest.mark.django_db


def test_it_walks_an_application_to_signed(make_application):
    application = make_application(ApplicationStatus.SIGNED)
    assert application.status == ApplicationStatus.SIGNED
    assert application.merchant.status == MerchantStatus.ACTIVE
    history = list(application.status_changes.values_list("from_status", "to_status"))
    assert history == [
        ("draft", "submitted"),
        ("submitted", "auto_check"),
        ("auto_check", "in_review"),
        ("in_review", "site_visit"),
        ("site_visit", "approved"),
        ("approved", "contract_sent"),
        ("contract_sent", "signed"),
    ]
