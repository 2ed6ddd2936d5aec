"""The rules of SPEC.md §2 under the seeded default rule set: every band edge."""

from decimal import Decimal

import pytest

from scoring.rules import (
    area_points,
    brand_points,
    capital_points,
    decoration_points,
    frequency_points,
    merchant_class,
    rate,
    staff_points,
    star_score,
    years_points,
)
from scoring.selectors import rule_set_in_force
from tests.factories.scoring import WORKED_EXAMPLE
from workplace.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    return rule_set_in_force().table


@pytest.mark.parametrize(
    ("area", "points"),
    [
        ("0", "0.5"),
        ("50", "0.5"),
        ("50.01", "0.6"),
        ("51", "0.6"),
        ("100", "0.6"),
        ("100.01", "0.7"),
        ("101", "0.7"),
        ("300", "0.7"),
        ("301", "0.8"),
        ("800", "0.8"),
        ("800.01", "1.0"),
        ("900", "1.0"),
    ],
)
def test_it_scores_area_bands(rules, area, points):
    assert area_points(Decimal(area), rules) == Decimal(points)


@pytest.mark.parametrize(
    ("capital", "points"),
    [
        ("0", "0.1"),
        ("99999.99", "0.1"),
        ("100000", "0.2"),
        ("300000", "0.2"),
        ("300000.01", "0.3"),
        ("1000000", "0.3"),
        ("1000000.01", "0.4"),
        ("5000000", "0.4"),
        ("5000000.01", "0.5"),
        ("90000000000", "0.5"),
    ],
)
def test_it_scores_capital_bands(rules, capital, points):
    assert capital_points(Decimal(capital), rules) == Decimal(points)


@pytest.mark.parametrize(
    ("staff", "points"),
    [(0, "0.1"), (3, "0.1"), (4, "0.2"), (10, "0.2"), (11, "0.3"), (30, "0.3"), (31, "0.4"), (80, "0.4"), (81, "0.5")],
)
def test_it_scores_staff_bands(rules, staff, points):
    assert staff_points(staff, rules) == Decimal(points)


@pytest.mark.parametrize(
    ("years", "points"),
    [
        ("0", "0.1"),
        ("1", "0.1"),
        ("1.99", "0.1"),
        ("2", "0.2"),
        ("3", "0.2"),
        ("4", "0.3"),
        ("7", "0.3"),
        ("8", "0.4"),
        ("9", "0.4"),
        ("9.99", "0.4"),
        ("10", "0.5"),
        ("40", "0.5"),
    ],
)
def test_it_scores_years_bands(rules, years, points):
    assert years_points(Decimal(years), rules) == Decimal(points)


@pytest.mark.parametrize(
    ("decoration", "points"),
    [("none", "0.1"), ("simple", "0.2"), ("standard", "0.3"), ("luxury", "0.4"), ("chain_style", "0.5")],
)
def test_it_scores_decoration(rules, decoration, points):
    assert decoration_points(decoration, rules) == Decimal(points)


@pytest.mark.parametrize(
    ("frequency", "points"),
    [("occasional", 1), ("rare", 4), ("average", 6), ("high", 8), ("very_high", 10)],
)
def test_it_scores_frequency_as_written_in_the_source(rules, frequency, points):
    assert frequency_points(frequency, rules) == Decimal(points)


@pytest.mark.parametrize("brand", [1, 2, 3, 4, 5])
def test_it_takes_brand_points_as_judged(rules, brand):
    assert brand_points(brand, rules) == Decimal(brand)


@pytest.mark.parametrize("brand", [0, 6, -1, True, "3", 2.5, None])
def test_it_refuses_brand_outside_one_to_five(rules, brand):
    with pytest.raises(ApplicationError) as error:
        brand_points(brand, rules)
    assert error.value.field == "brand"


@pytest.mark.parametrize(
    ("function", "field"),
    [
        (area_points, "area_sqm"),
        (capital_points, "registered_capital"),
        (staff_points, "staff_count"),
        (years_points, "years_in_business"),
    ],
)
def test_it_refuses_negative_amounts(rules, function, field):
    with pytest.raises(ApplicationError) as error:
        function(Decimal("-0.01"), rules)
    assert error.value.field == field


def test_it_refuses_unknown_choices(rules):
    with pytest.raises(ApplicationError):
        decoration_points("gold", rules)
    with pytest.raises(ApplicationError):
        frequency_points("daily", rules)


def test_it_gives_the_worked_example_13_70_class_ii(rules):
    rating = rate(
        {
            **WORKED_EXAMPLE,
            "area_sqm": Decimal("900"),
            "registered_capital": Decimal("2000000"),
            "years_in_business": Decimal("5"),
        },
        rules,
    )
    assert rating.score == Decimal("13.70")
    assert rating.merchant_class == "II"
    assert rating.as_json() == {
        "score": "13.70",
        "merchant_class": "II",
        "items": {
            "brand": "3.00",
            "decoration": "0.50",
            "area_sqm": "1.00",
            "registered_capital": "0.40",
            "staff_count": "0.50",
            "years_in_business": "0.30",
            "frequency": "8.00",
        },
    }


def test_it_sums_items_exactly():
    assert star_score({"a": Decimal("0.1"), "b": Decimal("0.2")}) == Decimal("0.30")


def test_a_score_of_exactly_12_is_class_ii(rules):
    assert merchant_class(Decimal("12.00"), "dining_entertainment", False, rules) == "II"


def test_a_score_just_under_12_is_class_iii(rules):
    assert merchant_class(Decimal("11.99"), "dining_entertainment", False, rules) == "III"


def test_exactly_12_from_real_inputs_is_class_ii(rules):
    # 2 + 0.3 + 0.7 + 0.3 + 0.3 + 0.4 + 8 = 12.0
    inputs = {
        "category": "life_services",
        "brand": 2,
        "decoration": "standard",
        "area_sqm": Decimal("200"),
        "registered_capital": Decimal("500000"),
        "staff_count": 20,
        "years_in_business": Decimal("8"),
        "frequency": "high",
    }
    rating = rate(inputs, rules)
    assert (rating.score, rating.merchant_class) == (Decimal("12.00"), "II")


def test_11_90_from_real_inputs_is_class_iii(rules):
    inputs = {
        "category": "life_services",
        "brand": 2,
        "decoration": "simple",
        "area_sqm": Decimal("200"),
        "registered_capital": Decimal("500000"),
        "staff_count": 20,
        "years_in_business": Decimal("8"),
        "frequency": "high",
    }
    rating = rate(inputs, rules)
    assert (rating.score, rating.merchant_class) == (Decimal("11.90"), "III")


@pytest.mark.parametrize("score", ["3.00", "12.00", "18.00"])
def test_a_large_or_chain_supermarket_is_class_i_whatever_the_score(rules, score):
    assert merchant_class(Decimal(score), "supermarket", True, rules) == "I"


def test_a_small_supermarket_is_classed_by_score(rules):
    assert merchant_class(Decimal("13.00"), "supermarket", False, rules) == "II"
    assert merchant_class(Decimal("5.00"), "supermarket", False, rules) == "III"


@pytest.mark.parametrize("category", ["dining_entertainment", "life_services", "leisure_fitness", "beauty_hair"])
def test_a_large_chain_outside_supermarkets_is_not_class_i(rules, category):
    assert merchant_class(Decimal("13.00"), category, True, rules) == "II"
    assert merchant_class(Decimal("11.00"), category, True, rules) == "III"


def test_the_maximum_is_18(rules):
    inputs = {
        "category": "beauty_hair",
        "brand": 5,
        "decoration": "chain_style",
        "area_sqm": Decimal("801"),
        "registered_capital": Decimal("5000001"),
        "staff_count": 81,
        "years_in_business": Decimal("10"),
        "frequency": "very_high",
    }
    assert rate(inputs, rules).score == Decimal("18.00")
