import pytest

from commissions import demo
from commissions.models import ApprovalStep, RateRequest
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
    in_place = ApprovalStep.objects.exclude(acting_reason="").get()
    assert (in_place.role, in_place.decided_as, in_place.acting_reason) == (
        "recruitment_head",
        "general_manager",
        "招商部负责人休假",
    )
    flagship = RateRequest.objects.get(proposed_rate=0)
    assert (flagship.required_role, flagship.current_step.role) == ("general_manager", "general_manager")


def test_the_demo_adds_nothing_without_merchants():
    context = DemoContext()
    workplace_demo.seed(context)
    demo.seed(context)
    assert not RateRequest.objects.exists()
