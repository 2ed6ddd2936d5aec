"""Starting an application: merchants only, one in progress per portal account."""

import pytest
from django.utils import translation

from merchants import services
from merchants.models import Application, ApplicationStatus, Merchant
from workplace.exceptions import InvalidTransition, NotPermitted

pytestmark = pytest.mark.django_db

PROFILE = {"company_name": "阜阳颍州超市有限公司", "category": "supermarket"}


def test_it_starts_an_application_and_a_prospect(merchant_user):
    application = services.application_create(user=merchant_user, data=PROFILE)
    assert application.status == ApplicationStatus.DRAFT
    assert application.merchant.user == merchant_user
    assert application.merchant.name == PROFILE["company_name"]


def test_it_refuses_staff(recruiter):
    with pytest.raises(NotPermitted):
        services.application_create(user=recruiter, data=PROFILE)
    assert not Merchant.objects.exists()


@pytest.mark.parametrize(
    "status", [ApplicationStatus.DRAFT, ApplicationStatus.IN_REVIEW, ApplicationStatus.CONTRACT_SENT]
)
def test_it_refuses_a_second_application_while_one_is_in_progress(status, make_application, merchant_user):
    make_application(status)
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        services.application_create(user=merchant_user, data=PROFILE)
    assert refused.value.code == "application_in_progress"
    assert "in progress" in str(refused.value.message)
    assert Application.objects.count() == 1


def test_the_refusal_reads_in_chinese_by_default(make_application, merchant_user):
    make_application()
    with pytest.raises(InvalidTransition) as refused:
        services.application_create(user=merchant_user, data=PROFILE)
    assert "进行中" in str(refused.value.message)


@pytest.mark.parametrize("status", [ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
def test_it_allows_a_new_application_once_the_last_one_is_closed(status, make_application, merchant_user):
    first = make_application(status)
    again = services.application_create(user=merchant_user, data=PROFILE)
    assert again.merchant == first.merchant  # the same prospect applies again
