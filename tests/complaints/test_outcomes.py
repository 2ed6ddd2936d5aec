"""Penalties (SPEC.md §4) and the dated rule set they come from."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from complaints import services
from complaints.models import ComplaintRuleSet, ComplaintStatus, Penalty
from complaints.services.outcomes import complaint_penalty
from tests.factories.complaints import make_complaint
from tests.factories.workplace import DepartmentFactory, make_user

from .conftest import at

S = ComplaintStatus
pytestmark = pytest.mark.django_db


def default_rules():
    return ComplaintRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))


def test_it_seeds_spec_defaults():
    rules = default_rules()
    assert (rules.reply_working_days, rules.solution_working_days, rules.follow_up_working_days) == (3, 3, 3)
    assert rules.panel_working_days == 7
    assert [rules.required_visits(t) for t in ("product_quality", "service_quality", "other")] == [2, 1, 1]
    assert (rules.quiet_from, rules.quiet_until) == (dt.time(21), dt.time(8))


@pytest.mark.parametrize(
    ("had_dispute", "responsible", "head"),
    [(False, Decimal("-50.00"), Decimal("-25.00")), (True, Decimal("-100.00"), Decimal("-50.00"))],
)
def test_it_computes_each_penalty_amount(had_dispute, responsible, head):
    amounts = complaint_penalty(default_rules(), had_dispute=had_dispute)
    assert (amounts.responsible, amounts.head) == (responsible, head)


def test_it_penalises_the_heads_manager_when_the_head_is_responsible(
    frozen, customer_service, merchant_a, ops_director
):
    department = DepartmentFactory(code="logistics")
    head = make_user("dept_head", username="logistics_head", department=department, manager=ops_director)
    department.head = head
    department.save()
    complaint = make_complaint(S.CLOSED, cs=customer_service, merchant=merchant_a, person=head)
    assert {(p.person.username, p.role) for p in Penalty.objects.filter(complaint=complaint)} == {
        ("logistics_head", "responsible"),
        ("director", "head"),
    }


def test_it_records_the_closing_month_in_shanghai(customer_service, merchant_a, person):
    with time_machine.travel(at(2026, 10, 30, 10, 0), tick=False) as traveller:
        complaint = make_complaint(S.FOLLOW_UP, cs=customer_service, merchant=merchant_a, person=person)
        services.complaint_record_visit(
            complaint=complaint, by=customer_service, visited_on=dt.date(2026, 10, 30), satisfaction="satisfied"
        )
        traveller.move_to(at(2026, 11, 1, 0, 30))  # still 31 October in UTC
        services.complaint_close(complaint=complaint, by=customer_service)
    assert set(Penalty.objects.values_list("month", flat=True)) == {dt.date(2026, 11, 1)}


def test_it_keeps_the_rules_a_complaint_was_received_under(frozen, customer_service, merchant_a):
    ComplaintRuleSet.objects.create(effective_from=dt.date(2026, 10, 14), reply_working_days=5)
    before = make_complaint(cs=customer_service, merchant=merchant_a)
    frozen.move_to(at(2026, 10, 14, 10, 0))
    after = make_complaint(cs=customer_service, merchant=merchant_a)
    assert before.reply_due == at(2026, 10, 16, 23, 59, 59)
    assert after.reply_due == at(2026, 10, 21, 23, 59, 59)
    assert before.rules != after.rules
