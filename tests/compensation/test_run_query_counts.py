"""The payroll computations issue a fixed number of queries whatever the number of staff,
merchants, terminals, profits, points, penalties, handovers and shares (issue 9 §8: the
database aggregates). Each count is pinned exactly at one data size and checked again
after the data has grown (``queries.assert_constant``).

What is counted is a recomputation of a draft (``payroll_run_compute(force=True)``) with
the rule set already read once (it is cached per process); every path of the computation
has rows to read at both sizes (a shortfall to charge, a handover, an approved
allocation), so no query is skipped at one size and issued at the other.
"""

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from compensation.models import ItemKind, LineItem, PayrollLine, YearEndPool
from compensation.services.allocation import allocation_approve, allocation_propose
from compensation.services.handovers import handover_record
from compensation.services.runs import adjustment_add, payroll_run_compute, payroll_run_start
from complaints.models import Penalty, PenaltyRole, PointEvent, PointKind
from tests.factories.compensation import pay_profile, signed_merchant, terminal
from tests.factories.complaints import make_complaint
from tests.factories.workplace import make_user

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


def new_recruiter(department, head):
    person = make_user("recruiter", username=f"grown{next(_names)}", department=department, manager=head)
    pay_profile(person, base="3000.00", allowance="100.00", position="50.00")
    return person


def recompute(run):
    return lambda: payroll_run_compute(run=run, force=True)


@pytest.fixture
def july():
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def january():
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        yield


def test_the_monthly_computation_is_a_fixed_number_of_queries(
    july, queries, department, recruitment_head, recruiter, second_recruiter, customer_service
):
    june = dt.date(2026, 6, 1)

    def grow():
        person = new_recruiter(department, recruitment_head)
        for merchant_class in ("I", "II", "III"):
            merchant = signed_merchant(person, signed_on=dt.date(2026, 6, 10), merchant_class=merchant_class)
            # Fee-free and assessed: charged for a low June; another terminal earns enough.
            terminal(merchant, installed_on=dt.date(2026, 1, 5), pays_service_fee=False, profits={"2026-06": "12.00"})
            terminal(merchant, installed_on=dt.date(2026, 1, 5), pays_service_fee=False, profits={"2026-06": "80.00"})
            terminal(merchant, installed_on=dt.date(2026, 1, 5), pays_service_fee=False)  # no record: 0
        PointEvent.objects.create(
            merchant=merchant,
            note="服务很好",
            logged_by=customer_service,
            recruiter=person,
            kind=PointKind.GOOD_REVIEW,
            points="0.5",
            month=june,
            occurred_at=timezone.now() - dt.timedelta(days=20),
        )
        complaint = make_complaint(cs=customer_service, merchant=merchant)
        PointEvent.objects.create(
            complaint=complaint,
            recruiter=person,
            kind=PointKind.VALID_COMPLAINT,
            points="-0.5",
            month=june,
            occurred_at=timezone.now() - dt.timedelta(days=20),
        )
        Penalty.objects.create(
            complaint=complaint,
            person=person,
            role=PenaltyRole.RESPONSIBLE,
            amount="-50.00",
            month=june,
            created_at=timezone.now(),
        )
        adjustment_add(staff=person, month=june, amount="7.50", reason="补发", by=recruitment_head)
        handover_record(
            merchant=merchant,
            successor=recruiter,
            effective_on=dt.date(2026, 6, 20),
            by=recruitment_head,
            reason="调岗",
        )

    grow()
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    recompute(run)()  # the rule set read and cached

    queries.assert_constant(recompute(run), grow, expected=19)
    # The data did grow: four new recruiters, each with every kind of item.
    assert PayrollLine.objects.filter(run=run).count() == 2 + 4
    assert LineItem.objects.filter(line__run=run, kind=ItemKind.POS_SHORTFALL).count() == 4 * 6


def test_the_quarterly_computation_is_a_fixed_number_of_queries(july, queries, department, recruitment_head, recruiter):
    def grow():
        person = new_recruiter(department, recruitment_head)
        for index in range(4):
            merchant = signed_merchant(
                person,
                signed_on=dt.date(2026, 1, 5) if index else dt.date(2026, 5, 2),
                terminated_on=dt.date(2026, 6, 1) if index == 3 else None,
            )
            terminal(merchant, installed_on=dt.date(2026, 1, 5), profits=dict.fromkeys(("2026-04", "2026-05"), "90"))
            terminal(merchant, installed_on=dt.date(2026, 1, 5), profits={"2026-06": "33.33"})
        handover_record(
            merchant=merchant,
            successor=recruiter,
            effective_on=dt.date(2026, 5, 15),
            by=recruitment_head,
            reason="调岗",
        )
        leaver = new_recruiter(department, recruitment_head)
        leaver.staff_profile.leave_date = dt.date(2026, 6, 30)
        leaver.staff_profile.save()
        merchant = signed_merchant(leaver, signed_on=dt.date(2026, 1, 5))
        terminal(merchant, installed_on=dt.date(2026, 1, 5), profits={"2026-04": "500"})

    grow()
    run, _ = payroll_run_start(kind="quarterly", period="2026-Q2")
    recompute(run)()

    queries.assert_constant(recompute(run), grow, expected=14)
    assert PayrollLine.objects.filter(run=run).count() == 1 + 4 * 2
    assert LineItem.objects.filter(line__run=run, kind=ItemKind.NOT_PAID).count() == 4


def test_the_year_end_computation_is_a_fixed_number_of_queries(
    january, queries, department, recruitment_head, general_manager, recruiter
):
    run = None
    grown = []

    def allocate():
        """The head splits the pool evenly (the first manager takes the odd fen); the
        general manager approves, which recomputes the run."""
        pool = YearEndPool.objects.get(run=run, department=department).pool
        managers = sorted(
            department.staff.filter(user__groups__name="recruiter").values_list("user__username", flat=True)
        )
        each = (pool / len(managers)).quantize(pool)
        amounts = {name: each for name in managers}
        amounts[managers[0]] += pool - each * len(managers)
        allocation_propose(
            run=run, by=recruitment_head, shares=[{"staff": k, "amount": str(v)} for k, v in amounts.items()]
        )
        allocation_approve(run=run, by=general_manager)

    def grow():
        person = new_recruiter(department, recruitment_head)
        grown.append(person)
        if len(grown) % 2 == 0:
            person.staff_profile.hire_date = dt.date(2025, 11, 1)  # under 3 months: deferred
            person.staff_profile.save()
        for _ in range(3):
            merchant = signed_merchant(person, signed_on=dt.date(2024, 5, 1))
            terminal(
                merchant,
                installed_on=dt.date(2024, 5, 1),
                profits={f"2025-{month:02d}": "180.00" for month in range(1, 13)},
            )
        if run is not None:
            payroll_run_compute(run=run, force=True)  # the new pool supersedes the allocation
            allocate()

    grow()
    run, _ = payroll_run_start(kind="year_end", period="2025")
    allocate()
    recompute(run)()

    queries.assert_constant(recompute(run), grow, expected=16)
    assert PayrollLine.objects.filter(run=run).count() == 1 + 4
    assert LineItem.objects.filter(line__run=run, kind=ItemKind.DEFERRED).count() == 2
