import datetime as dt

import pytest
from django.utils import timezone

from settlement.credit import grades_on, latest_rating
from settlement.models import CreditRating, CreditRuleSet
from tests.factories.merchants import MerchantFactory

pytestmark = pytest.mark.django_db


def _rate(merchant, as_of, grade, score=80):
    return CreditRating.objects.create(
        merchant=merchant,
        as_of=as_of,
        score=score,
        grade=grade,
        factors=[],
        rule_set=CreditRuleSet.objects.get(effective_from=dt.date(2000, 1, 1)),
        computed_at=timezone.now(),
    )


def test_it_seeds_spec_numbers():
    rules = CreditRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))
    assert (rules.start, rules.window_months) == (80, 12)
    assert (rules.valid_complaint, rules.rejected_solution, rules.unsatisfied_survey, rules.held_settlement) == (
        -10,
        -5,
        -5,
        -5,
    )
    assert (rules.satisfied_survey, rules.satisfied_survey_cap) == (2, 10)
    assert (rules.full_deposit, rules.tenure_year, rules.tenure_cap) == (5, 2, 10)
    assert (rules.minimum, rules.maximum) == (0, 100)
    assert (rules.grade_a_from, rules.grade_b_from, rules.grade_c_from) == (90, 75, 60)


def test_it_answers_the_latest_grade_on_or_before_the_day(django_assert_num_queries):
    first, second, unrated = MerchantFactory(), MerchantFactory(), MerchantFactory()
    _rate(first, dt.date(2026, 8, 1), "B")
    _rate(first, dt.date(2026, 9, 1), "A")
    _rate(first, dt.date(2026, 10, 1), "C")
    _rate(second, dt.date(2026, 9, 2), "D")
    with django_assert_num_queries(1):
        grades = grades_on([first.id, second.id, unrated.id], dt.date(2026, 9, 1))
    assert grades == {first.id: "A"}
    assert grades_on([first.id, second.id], dt.date(2026, 9, 2)) == {first.id: "A", second.id: "D"}
    assert grades_on([first.id], dt.date(2026, 7, 31)) == {}
    assert grades_on([], dt.date(2026, 9, 1)) == {}
    assert latest_rating(first.id, dt.date(2026, 12, 31)).grade == "C"
    assert latest_rating(unrated.id, dt.date(2026, 12, 31)) is None


def test_it_keeps_one_rating_per_merchant_and_month():
    from django.db import IntegrityError, transaction

    merchant = MerchantFactory()
    _rate(merchant, dt.date(2026, 9, 1), "A")
    with pytest.raises(IntegrityError), transaction.atomic():
        _rate(merchant, dt.date(2026, 9, 1), "B")
