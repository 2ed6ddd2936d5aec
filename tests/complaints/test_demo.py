"""The complaints demo: every step and every dispute level, work in each queue, visits and
surveys, and nothing added twice."""

import pytest

from complaints import demo, queues
from complaints.models import Complaint, ComplaintStatus, FollowUpVisit, Penalty
from tests.factories.merchants import MerchantFactory
from tests.factories.workplace import make_user
from workplace import demo as workplace_demo
from workplace.demo import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    context = DemoContext()
    workplace_demo.seed(context)
    for number in range(4):
        MerchantFactory(status="active", user=make_user("merchant", username=f"demo_shop_{number}"))
    MerchantFactory(status="active")
    MerchantFactory(status="prospect")
    demo.seed(context)
    return context


def test_the_demo_has_complaints_in_every_step(seeded):
    assert set(Complaint.objects.values_list("status", flat=True)) == set(ComplaintStatus.values)
    assert Complaint.objects.count() == len(demo.SCENARIOS)


def test_the_demo_has_every_dispute_level_and_a_second_round(seeded):
    assert set(Complaint.objects.values_list("dispute_level", flat=True)) == {1, 2, 3}
    assert Complaint.objects.filter(round=2).exists()


def test_the_demo_has_visits_surveys_and_penalties(seeded):
    assert set(FollowUpVisit.objects.values_list("satisfaction", flat=True)) >= {"satisfied", "unsatisfied"}
    assert Penalty.objects.exists()


def test_the_demo_puts_work_in_each_queue(seeded):
    service, head = seeded.user("service"), seeded.user("quality_head")
    assert queues.customer_service_queue(user=service).filter(is_overdue=True).exists()
    assert queues.responsible_queue(user=head).count() >= 3


def test_the_demo_gives_portal_accounts_complaints(seeded):
    assert Complaint.objects.filter(merchant__user__username="demo_shop_0").exists()
    assert not Complaint.objects.filter(merchant__status="prospect").exists()


def test_the_demo_adds_nothing_the_second_time(seeded):
    demo.seed(seeded)
    assert Complaint.objects.count() == len(demo.SCENARIOS)


def test_the_demo_adds_nothing_without_merchants():
    context = DemoContext()
    workplace_demo.seed(context)
    demo.seed(context)
    assert not Complaint.objects.exists()


def test_the_real_demo_gives_service_and_quality_head_work(settings):
    """``seed_demo`` as a visitor runs it: the demo logins ``service`` and
    ``quality_head`` open queues with work in them, overdue work first."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    users = get_user_model().objects
    service, head = users.get(username="service"), users.get(username="quality_head")
    cs_queue = queues.customer_service_queue(user=service)
    assert cs_queue.filter(is_overdue=True).exists()
    assert set(cs_queue.values_list("status", flat=True)) >= {"received", "investigating", "follow_up"}
    assert set(queues.responsible_queue(user=head).values_list("status", flat=True)) == {
        "awaiting_solution",
        "implementing",
    }
    assert set(Complaint.objects.values_list("dispute_level", flat=True)) == {1, 2, 3}
    assert Complaint.objects.filter(merchant__user__isnull=False).exists()
