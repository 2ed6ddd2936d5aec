"""The monthly credit rating (SPEC.md §8) from the last 12 months' records."""

import datetime as dt
import zoneinfo

import pytest

from complaints.models import ComplaintStatus, FollowUpVisit, Investigation, Opinion, Satisfaction
from merchants.models import MerchantClass
from settlement import services
from settlement.credit import grades_on
from settlement.models import CreditRating, CreditRuleSet, SettlementDispute
from settlement.services.credit import credit_rate_month
from tests.factories.complaints import make_complaint, quality_team
from tests.factories.settlement import signed_merchant
from workplace.rules import in_force

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
SEPTEMBER = dt.date(2026, 9, 1)  # rated from 2025-09-01 to 2026-08-31


def _at(y, m, d, hour=10):
    return dt.datetime(y, m, d, hour, tzinfo=SH)


@pytest.fixture
def team(db):
    return quality_team()


def _valid_complaint(merchant, cs, person, *, investigated_at, status=ComplaintStatus.AWAITING_OPINION):
    complaint = make_complaint(status, cs=cs, merchant=merchant, person=person)
    Investigation.objects.filter(complaint=complaint).update(at=investigated_at)
    return complaint


def _visit(complaint, cs, day, satisfaction):
    FollowUpVisit.objects.create(
        complaint=complaint,
        round=1,
        visited_on=day,
        satisfaction=satisfaction,
        by=cs,
        at=_at(day.year, day.month, day.day),
    )


def _rejection(complaint, cs, at):
    solution = complaint.solutions.get()
    Opinion.objects.create(complaint=complaint, solution=solution, accepted=False, text="不同意", by=cs, at=at)


def _dispute(merchant, by, day):
    SettlementDispute.objects.create(merchant=merchant, day=day, amount="10.00", reason="争议", opened_by=by)


def _factors(merchant, as_of=SEPTEMBER):
    rating = CreditRating.objects.get(merchant=merchant, as_of=as_of)
    return rating.score, rating.grade, {f["code"]: (f["count"], f["points"]) for f in rating.factors}


def test_it_rates_each_factor_from_the_last_12_months(recruiter, customer_service, finance, team):
    _, _, person = team
    cs = customer_service
    merchant = signed_merchant(recruiter=recruiter, signed_at=_at(2024, 8, 15))
    # In the window: one valid complaint with a rejected solution, visits of each answer.
    inside = _valid_complaint(merchant, cs, person, investigated_at=_at(2026, 3, 10))
    _rejection(inside, cs, _at(2026, 3, 12))
    _visit(inside, cs, dt.date(2026, 8, 31), Satisfaction.UNSATISFIED)
    _visit(inside, cs, dt.date(2026, 4, 1), Satisfaction.VERY_UNSATISFIED)
    _visit(inside, cs, dt.date(2025, 9, 1), Satisfaction.SATISFIED)
    _visit(inside, cs, dt.date(2026, 5, 1), Satisfaction.VERY_SATISFIED)
    _visit(inside, cs, dt.date(2026, 5, 2), Satisfaction.NEUTRAL)
    # Outside the window: before it, or in the month being rated.
    before = _valid_complaint(merchant, cs, person, investigated_at=_at(2025, 8, 31, 23))
    _rejection(before, cs, _at(2025, 8, 31, 23))
    _visit(before, cs, dt.date(2025, 8, 31), Satisfaction.SATISFIED)
    _visit(before, cs, dt.date(2026, 9, 1), Satisfaction.UNSATISFIED)
    _valid_complaint(merchant, cs, person, investigated_at=_at(2026, 9, 1, 0))
    # Invalid complaints count against nobody.
    make_complaint(ComplaintStatus.CLOSED_INVALID, cs=cs, merchant=merchant, person=person)
    _dispute(merchant, finance, dt.date(2026, 8, 31))
    _dispute(merchant, finance, dt.date(2026, 9, 1))
    deposit = merchant.deposit
    services.deposit_receive(deposit=deposit, by=finance, amount=deposit.required, received_on="2026-08-31")

    assert credit_rate_month(as_of=SEPTEMBER) == 1

    assert _factors(merchant) == (
        80 - 10 - 5 - 10 - 5 + 4 + 5 + 4,
        "C",
        {
            "start": (1, 80),
            "valid_complaint": (1, -10),
            "rejected_solution": (1, -5),
            "unsatisfied_survey": (2, -10),
            "held_settlement": (1, -5),
            "satisfied_survey": (2, 4),
            "full_deposit": (1, 5),
            "tenure": (2, 4),
        },
    )


def test_it_counts_a_valid_complaint_once_whatever_its_rounds(recruiter, customer_service, team):
    _, _, person = team
    merchant = signed_merchant(recruiter=recruiter, signed_at=_at(2026, 1, 5))
    complaint = _valid_complaint(merchant, customer_service, person, investigated_at=_at(2026, 2, 1))
    second = Investigation.objects.get(complaint=complaint)
    second.pk, second.round, second.at = None, 2, _at(2026, 3, 1)
    second.save()
    credit_rate_month(as_of=SEPTEMBER)
    assert _factors(merchant)[2]["valid_complaint"] == (1, -10)


def test_it_counts_the_deposit_only_when_held_in_full_before_the_month(recruiter, finance):
    partly = signed_merchant(recruiter=recruiter, merchant_class=MerchantClass.I, signed_at=_at(2026, 7, 1))
    late = signed_merchant(recruiter=recruiter, merchant_class=MerchantClass.I, signed_at=_at(2026, 7, 1))
    full = signed_merchant(recruiter=recruiter, merchant_class=MerchantClass.I, signed_at=_at(2026, 7, 1))
    services.deposit_receive(
        deposit=partly.deposit, by=finance, amount=partly.deposit.required - 1, received_on="2026-08-01"
    )
    services.deposit_receive(deposit=late.deposit, by=finance, amount=late.deposit.required, received_on="2026-09-01")
    services.deposit_receive(deposit=full.deposit, by=finance, amount=full.deposit.required, received_on="2026-07-02")
    credit_rate_month(as_of=dt.date(2026, 10, 1))
    assert "full_deposit" not in _factors(partly, dt.date(2026, 10, 1))[2]
    assert "full_deposit" in _factors(late, dt.date(2026, 10, 1))[2]
    assert _factors(full, dt.date(2026, 10, 1))[2]["full_deposit"] == (1, 5)
    CreditRating.objects.all().delete()
    credit_rate_month(as_of=SEPTEMBER)
    assert "full_deposit" not in _factors(late)[2]


def test_it_rates_only_merchants_signed_and_not_terminated_before_the_month(recruiter):
    from django.utils import timezone

    from tests.factories.merchants import MerchantFactory

    rated = signed_merchant(recruiter=recruiter, signed_at=_at(2026, 8, 31, 23))
    later = signed_merchant(recruiter=recruiter, signed_at=_at(2026, 9, 1, 0))
    gone = signed_merchant(recruiter=recruiter, signed_at=_at(2025, 1, 1))
    gone.terminated_at = _at(2026, 8, 31)
    gone.save(update_fields=["terminated_at"])
    leaving = signed_merchant(recruiter=recruiter, signed_at=_at(2025, 1, 1))
    leaving.terminated_at = timezone.now()
    leaving.save(update_fields=["terminated_at"])
    prospect = MerchantFactory()
    credit_rate_month(as_of=SEPTEMBER)
    assert set(CreditRating.objects.values_list("merchant_id", flat=True)) == {rated.id, leaving.id}
    assert {later.id, gone.id, prospect.id}.isdisjoint(CreditRating.objects.values_list("merchant_id", flat=True))


def test_it_never_rewrites_a_rated_month(recruiter, customer_service, team):
    _, _, person = team
    merchant = signed_merchant(recruiter=recruiter, signed_at=_at(2026, 1, 5))
    assert credit_rate_month(as_of=SEPTEMBER) == 1
    first = CreditRating.objects.get(merchant=merchant)
    _valid_complaint(merchant, customer_service, person, investigated_at=_at(2026, 8, 1))
    newcomer = signed_merchant(recruiter=recruiter, signed_at=_at(2026, 2, 1))
    assert credit_rate_month(as_of=dt.date(2026, 9, 15)) == 1
    assert CreditRating.objects.get(merchant=merchant) == first
    assert (first.score, first.grade) == (80, "B")
    assert CreditRating.objects.filter(merchant=newcomer, as_of=SEPTEMBER).exists()
    assert credit_rate_month(as_of=dt.date(2026, 10, 1)) == 2
    assert grades_on([merchant.id], dt.date(2026, 10, 1)) == {merchant.id: "C"}
    assert grades_on([merchant.id], dt.date(2026, 9, 30)) == {merchant.id: "B"}


def test_it_rates_a_month_in_constant_queries(recruiter, customer_service, finance, team, queries):
    _, _, person = team
    months = iter(dt.date(2026, m, 1) for m in range(1, 13))

    def grow():
        merchant = signed_merchant(recruiter=recruiter, signed_at=_at(2024, 3, 1))
        complaint = _valid_complaint(merchant, customer_service, person, investigated_at=_at(2025, 10, 1))
        _rejection(complaint, customer_service, _at(2025, 10, 2))
        _visit(complaint, customer_service, dt.date(2025, 10, 3), Satisfaction.SATISFIED)
        _dispute(merchant, finance, dt.date(2025, 10, 4))
        services.deposit_receive(
            deposit=merchant.deposit, by=finance, amount=merchant.deposit.required, received_on="2025-10-05"
        )

    grow()
    in_force(CreditRuleSet)  # the rule table is read once per process, then from memory
    queries.assert_constant(lambda: credit_rate_month(as_of=next(months)), grow, expected=9)


def test_the_task_rates_the_month_that_starts(recruiter):
    from settlement.tasks import rate_merchants

    merchant = signed_merchant(recruiter=recruiter, signed_at=_at(2026, 1, 5))
    assert rate_merchants() == 1  # the frozen day is 2026-09-20: September is rated
    assert rate_merchants() == 0
    assert rate_merchants("2026-10-17") == 1
    assert set(CreditRating.objects.filter(merchant=merchant).values_list("as_of", flat=True)) == {
        SEPTEMBER,
        dt.date(2026, 10, 1),
    }
