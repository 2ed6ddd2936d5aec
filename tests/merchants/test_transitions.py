"""The transition table: every legal move is made and recorded, every other refused."""

import pytest

from merchants import services
from merchants.models import APPLICATION_TRANSITIONS, MERCHANT_TRANSITIONS, ApplicationStatus, MerchantStatus
from tests.factories.merchants import ApplicationFactory, MerchantFactory
from workplace.exceptions import InvalidTransition

pytestmark = pytest.mark.django_db

PAIRS = [(a, b) for a in ApplicationStatus.values for b in ApplicationStatus.values]


@pytest.mark.parametrize("from_status, to_status", PAIRS)
def test_each_application_transition(from_status, to_status, recruitment_head):
    application = ApplicationFactory(status=from_status)
    if to_status in APPLICATION_TRANSITIONS[from_status]:
        services.application_transition(application=application, to_status=to_status, by=recruitment_head, reason="r")
        application.refresh_from_db()
        assert application.status == to_status
        change = application.status_changes.get()
        assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
            from_status,
            to_status,
            recruitment_head,
            "r",
        )
        assert change.changed_at is not None
    else:
        with pytest.raises(InvalidTransition):
            services.application_transition(application=application, to_status=to_status)
        application.refresh_from_db()
        assert application.status == from_status
        assert not application.status_changes.exists()


def test_a_stale_copy_cannot_move_the_application(recruitment_head):
    application = ApplicationFactory(status=ApplicationStatus.IN_REVIEW)
    stale = type(application).objects.get(pk=application.pk)
    services.application_transition(application=application, to_status=ApplicationStatus.REJECTED)
    with pytest.raises(InvalidTransition):
        services.application_transition(application=stale, to_status=ApplicationStatus.APPROVED)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


@pytest.mark.parametrize(
    "from_status, to_status", [(a, b) for a in MerchantStatus.values for b in MerchantStatus.values]
)
def test_each_merchant_transition(from_status, to_status, recruiter):
    merchant = MerchantFactory(status=from_status)
    if to_status in MERCHANT_TRANSITIONS[from_status]:
        services.merchant_transition(merchant=merchant, to_status=to_status, by=recruiter, reason="r")
        merchant.refresh_from_db()
        assert merchant.status == to_status
        assert merchant.status_changes.get().to_status == to_status
    else:
        with pytest.raises(InvalidTransition):
            services.merchant_transition(merchant=merchant, to_status=to_status, by=recruiter)
        assert not merchant.status_changes.exists()


def test_suspend_and_terminate_need_a_reason(recruiter):
    merchant = MerchantFactory(status=MerchantStatus.ACTIVE, recruiter=recruiter)
    from workplace.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as error:
        services.merchant_suspend(merchant=merchant, by=recruiter, reason=" ")
    assert error.value.field == "reason"
    services.merchant_suspend(merchant=merchant, by=recruiter, reason="装修")
    services.merchant_reactivate(merchant=merchant, by=recruiter)
    services.merchant_terminate(merchant=merchant, by=recruiter, reason="退机")
    merchant.refresh_from_db()
    assert merchant.status == MerchantStatus.TERMINATED and merchant.terminated_at
    assert list(merchant.status_changes.values_list("to_status", flat=True)) == ["suspended", "active", "terminated"]


def test_merchants_may_not_change_their_status(merchant_user):
    merchant = MerchantFactory(status=MerchantStatus.ACTIVE, user=merchant_user)
    from workplace.exceptions import NotPermitted

    with pytest.raises(NotPermitted):
        services.merchant_suspend(merchant=merchant, by=merchant_user, reason="x")
