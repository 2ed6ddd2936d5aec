"""The credit score rule (SPEC.md §8) at every boundary: grades, caps, the clamp."""

import datetime as dt

import pytest

from settlement.models import CreditRuleSet
from settlement.services.credit import CreditCounts, credit_grade, credit_score, full_years_between, months_before

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    return CreditRuleSet.objects.get(effective_from=dt.date(2000, 1, 1))


def _score(rules, **counts):
    score, factors = credit_score(CreditCounts(**counts), rules)
    assert sum(f["points"] for f in factors) == score
    return score, credit_grade(score, rules), {f["code"]: (f["count"], f["points"]) for f in factors}


def test_it_starts_at_80_grade_b(rules):
    assert _score(rules) == (80, "B", {"start": (1, 80)})


@pytest.mark.parametrize(
    ("counts", "score", "grade"),
    [
        ({"satisfied_surveys": 5}, 90, "A"),
        ({"full_deposit": True, "full_years": 2}, 89, "B"),
        ({"rejected_solutions": 1}, 75, "B"),
        ({"valid_complaints": 1, "full_years": 2}, 74, "C"),
        ({"valid_complaints": 2}, 60, "C"),
        ({"valid_complaints": 2, "held_settlements": 1, "full_years": 2}, 59, "D"),
    ],
)
def test_it_grades_at_each_boundary(rules, counts, score, grade):
    assert _score(rules, **counts)[:2] == (score, grade)


def test_it_counts_each_factor_with_its_points(rules):
    _, _, factors = _score(
        rules,
        valid_complaints=1,
        rejected_solutions=2,
        unsatisfied_surveys=1,
        held_settlements=1,
        satisfied_surveys=3,
        full_deposit=True,
        full_years=1,
    )
    assert factors == {
        "start": (1, 80),
        "valid_complaint": (1, -10),
        "rejected_solution": (2, -10),
        "unsatisfied_survey": (1, -5),
        "held_settlement": (1, -5),
        "satisfied_survey": (3, 6),
        "full_deposit": (1, 5),
        "tenure": (1, 2),
    }


def test_it_caps_satisfied_surveys_and_tenure_at_ten(rules):
    assert _score(rules, satisfied_surveys=5)[2]["satisfied_survey"] == (5, 10)
    assert _score(rules, satisfied_surveys=6)[2]["satisfied_survey"] == (6, 10)
    assert _score(rules, full_years=5)[2]["tenure"] == (5, 10)
    assert _score(rules, full_years=7)[2]["tenure"] == (7, 10)


def test_it_clamps_at_100_and_0(rules):
    assert _score(rules, satisfied_surveys=5, full_deposit=True, full_years=2)[:2] == (99, "A")
    score, grade, factors = _score(rules, satisfied_surveys=5, full_deposit=True, full_years=5)
    assert (score, grade, factors["clamp"]) == (100, "A", (1, -5))
    assert "clamp" not in _score(rules, valid_complaints=8)[2]
    assert _score(rules, valid_complaints=8)[:2] == (0, "D")
    score, grade, factors = _score(rules, valid_complaints=9)
    assert (score, grade, factors["clamp"]) == (0, "D", (1, 10))


def test_it_counts_full_years_since_signing():
    assert full_years_between(dt.date(2024, 9, 1), dt.date(2026, 9, 1)) == 2
    assert full_years_between(dt.date(2024, 9, 2), dt.date(2026, 9, 1)) == 1
    assert full_years_between(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0
    assert full_years_between(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == 1
    assert full_years_between(dt.date(2026, 9, 2), dt.date(2026, 9, 1)) == 0


def test_it_looks_back_whole_months():
    assert months_before(dt.date(2026, 9, 1), 12) == dt.date(2025, 9, 1)
    assert months_before(dt.date(2026, 1, 1), 1) == dt.date(2025, 12, 1)
