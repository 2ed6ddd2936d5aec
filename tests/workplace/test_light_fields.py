"""workplace.api.light: a serializer's fields built from their arguments validate and
answer exactly as DRF's deep copies, and are the instance's own."""

from decimal import Decimal

from scoring.api.serializers import CalculatorInputSerializer, CalculatorResultSerializer
from scoring.rules import rate
from tests.factories.scoring import WORKED_EXAMPLE
from workplace.api.light import LightFieldsMixin, fresh_field


class LightInput(LightFieldsMixin, CalculatorInputSerializer):
    pass


class LightResult(LightFieldsMixin, CalculatorResultSerializer):
    pass


def test_it_validates_and_refuses_as_the_plain_serializer(db):
    from scoring.selectors import rule_set_in_force

    table = rule_set_in_force().table
    for body in (
        WORKED_EXAMPLE,
        {**WORKED_EXAMPLE, "brand": 99, "area_sqm": "-1", "category": "x", "staff_count": "many"},
        {},
    ):
        plain, light = (cls(data=body, context={"rules": table}) for cls in (CalculatorInputSerializer, LightInput))
        assert plain.is_valid() == light.is_valid()
        assert (plain.errors, dict(getattr(plain, "validated_data", {}))) == (
            light.errors,
            dict(getattr(light, "validated_data", {})),
        )
    rating = rate(LightInput(data=WORKED_EXAMPLE, context={"rules": table}).run_validation(WORKED_EXAMPLE), table)
    assert LightResult(rating).data == CalculatorResultSerializer(rating).data
    assert LightResult(rating).data["score"] == "13.70"


def test_each_instance_has_its_own_fields():
    first, second = LightInput(), LightInput()
    assert all(first.fields[name] is not second.fields[name] for name in first.fields)
    assert first.fields["brand"].parent is first and second.fields["brand"].parent is second


def test_a_field_holding_another_field_is_still_deep_copied():
    items = CalculatorResultSerializer._declared_fields["items"]
    copied = fresh_field(items)
    assert copied.child is not items.child
    assert copied.child.quantize(Decimal("1.005")) == Decimal("1.01")


def test_the_due_date_query_refuses_as_before():
    from workplace.api.serializers import DueDateQuerySerializer
    from workplace.api.views import _DueDateQuery

    for query in ({"start": "2026-09-30", "working_days": "3"}, {"start": "2026-13-01", "working_days": "400"}, {}):
        plain, light = DueDateQuerySerializer(data=query), _DueDateQuery(data=query)
        assert (plain.is_valid(), plain.errors) == (light.is_valid(), light.errors)


def test_the_pay_calculator_refuses_and_answers_as_the_plain_serializers():
    from compensation.api.calculate import (
        QuarterlyInputSerializer,
        QuarterlyResultSerializer,
        _QuarterlyInput,
        _QuarterlyResult,
    )

    for body in (
        {"quarter_profit": "180000.00", "merchant_months": 300, "terminated": 4, "owned": 100},
        {"quarter_profit": "-1", "merchant_months": "x", "terminated": 5, "owned": 4},
        {"quarter_profit": "1.005", "merchant_months": 10_000_001, "terminated": 1, "owned": 1, "on": "2026-02-30"},
        {},
    ):
        plain, light = QuarterlyInputSerializer(data=body), _QuarterlyInput(data=body)
        assert (plain.is_valid(), plain.errors) == (light.is_valid(), light.errors)
    figures = {"average": Decimal("1.005"), "churn": Decimal("4"), "rate": Decimal("2.5"), "bonus": Decimal("10")}
    assert _QuarterlyResult(figures).data == QuarterlyResultSerializer(figures).data
    assert _QuarterlyResult(figures).data["average"] == "1.01"

