import pytest

from commissions import demo
from commissions.models import RateRequest
from tests.factories.commissions import make_merchant
from workplace import demo as workplace_demo
from workplace.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state():
    context = DemoContext()
    workplace_demo.seed(context)
    for number in range(len(demo.SCENARIOS)):
        make_merchant(context.user(f"recruiter{number % 5 + 1}"), category="dining_entertainment")
    demo.seed(context)
    assert set(RateRequest.objects.values_list("status", flat=True)) == {
        "pending",
        "approved",
        "rejected",
        "not_required",
    }
    assert set(RateRequest.objects.values_list("kind", flat=True)) == {"prepaid", "bank_card", "pos_fee_waiver"}


def test_the_demo_adds_nothing_without_merchants():
    context = DemoContext()
    workplace_demo.seed(context)
    demo.seed(context)
    assert not RateRequest.objects.exists()
