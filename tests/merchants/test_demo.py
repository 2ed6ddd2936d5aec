import pytest

from merchants import demo
from merchants.models import Application, ApplicationStatus, Merchant, MerchantStatus
from workplace import demo as workplace_demo
from workplace.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_it_seeds_merchants_in_every_state():
    context = DemoContext()
    workplace_demo.seed(context)
    demo.seed(context)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses >= {
        "draft",
        "submitted",
        "in_review",
        "site_visit",
        "needs_changes",
        "contract_sent",
        "signed",
        "rejected",
        "withdrawn",
        "expired",
    }
    assert set(Merchant.objects.values_list("status", flat=True)) == set(MerchantStatus.values)
    assert set(Merchant.objects.values_list("district", flat=True)) == set(demo.DISTRICTS)
    assert Application.objects.filter(merchant__user__username="merchant1").count() == 1
    assert Merchant.objects.filter(recruiter__username="recruiter5").exists()
    assert ("merchant2", "merchant") in context.logins()
    signed = Merchant.objects.filter(status=MerchantStatus.ACTIVE).exclude(signed_class="")
    assert signed.exists()
    assert not Application.objects.filter(
        status=ApplicationStatus.NEEDS_CHANGES, check_runs__isnull=True, decided_by__isnull=True
    ).exists()
