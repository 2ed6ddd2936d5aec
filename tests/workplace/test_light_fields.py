"""workplace.api.light: one serializer instance per thread and language validates,
refuses and answers exactly as a fresh instance of the serializer, in the caller's
language, with the caller's context, and keeps nothing of a call."""

import threading
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework.exceptions import ValidationError

from compensation.api.calculate import QuarterlyInputSerializer, QuarterlyResultSerializer
from scoring.api.serializers import CalculatorInputSerializer, CalculatorResultSerializer
from scoring.rules import rate
from tests.factories.scoring import WORKED_EXAMPLE
from workplace.api import light
from workplace.api.serializers import DueDateQuerySerializer


def outcome(serializer_class, data, context=None):
    """(valid, validated data or errors) of a fresh instance and of light.validated."""
    fresh = serializer_class(data=data, context=context or {})
    plain = (True, dict(fresh.validated_data)) if fresh.is_valid() else (False, fresh.errors)
    try:
        reused = (True, dict(light.validated(serializer_class, data, context)))
    except ValidationError as error:
        reused = (False, error.detail)
    return plain, reused


@pytest.mark.django_db
def test_it_validates_and_refuses_as_a_fresh_serializer():
    from scoring.selectors import rule_set_in_force

    table = rule_set_in_force().table
    for body in (
        WORKED_EXAMPLE,
        {**WORKED_EXAMPLE, "brand": 99, "area_sqm": "-1", "category": "x", "staff_count": "many"},
        {},
        WORKED_EXAMPLE,  # valid again after a refusal: nothing kept
        [1, 2],
        None,
    ):
        plain, reused = outcome(CalculatorInputSerializer, body, {"rules": table})
        assert plain == reused
    values = light.validated(CalculatorInputSerializer, WORKED_EXAMPLE, {"rules": table})
    rating = rate(values, table)
    assert light.represented(CalculatorResultSerializer, rating) == CalculatorResultSerializer(rating).data
    assert light.represented(CalculatorResultSerializer, rating)["score"] == "13.70"


def test_the_pay_and_due_date_inputs_refuse_as_fresh_serializers():
    for body in (
        {"quarter_profit": "180000.00", "merchant_months": 300, "terminated": 4, "owned": 100},
        {"quarter_profit": "-1", "merchant_months": "x", "terminated": 5, "owned": 4},
        {"quarter_profit": "1.005", "merchant_months": 10_000_001, "terminated": 1, "owned": 1, "on": "2026-02-30"},
        {"quarter_profit": "3", "merchant_months": 1, "terminated": 5, "owned": 4},  # the serializer's validate()
        {},
    ):
        plain, reused = outcome(QuarterlyInputSerializer, body)
        assert plain == reused
    for query in ({"start": "2026-09-30", "working_days": "3"}, {"start": "2026-13-01", "working_days": "400"}, {}):
        plain, reused = outcome(DueDateQuerySerializer, query)
        assert plain == reused
    figures = {"average": Decimal("1.005"), "churn": Decimal("4"), "rate": Decimal("2.5"), "bonus": Decimal("10")}
    assert light.represented(QuarterlyResultSerializer, figures) == QuarterlyResultSerializer(figures).data
    assert light.represented(QuarterlyResultSerializer, figures)["average"] == "1.01"


def test_each_language_has_its_limits_in_its_own_words():
    """DRF formats a min/max message once and keeps the text: one instance per language."""
    body = {"quarter_profit": "-1", "merchant_months": 1, "terminated": 0, "owned": 0}
    messages = []
    for language in ("en", "zh-hans", "en", "zh-hans"):
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                light.validated(QuarterlyInputSerializer, body)
            messages.append(str(refused.value.detail["quarter_profit"][0]))
    assert messages[0] == messages[2] == "Ensure this value is greater than or equal to 0."
    assert messages[1] == messages[3] != messages[0]


def test_the_context_is_the_callers_and_is_not_kept():
    seen = []

    class Probe(QuarterlyInputSerializer):
        def validate(self, data):
            seen.append(dict(self.context))
            return super().validate(data)

    body = {"quarter_profit": "1", "merchant_months": 1, "terminated": 0, "owned": 1}
    light.validated(Probe, body, {"rules": "first"})
    light.validated(Probe, body)
    assert seen == [{"rules": "first"}, {}]


def test_each_thread_has_its_own_instance():
    instances = []

    def take():
        instances.append(light._instance(QuarterlyInputSerializer))

    take()
    worker = threading.Thread(target=take)
    worker.start()
    worker.join()
    take()
    assert instances[0] is instances[2] and instances[0] is not instances[1]


def test_a_reentrant_call_gets_a_fresh_instance():
    inner = []

    class Outer(QuarterlyInputSerializer):
        def validate(self, data):
            if not inner:
                inner.append("calling")
                inner.append(light.validated(Outer, {**self.initial_body, "owned": 2}))
            return super().validate(data)

    body = {"quarter_profit": "1", "merchant_months": 1, "terminated": 0, "owned": 1}
    Outer.initial_body = body
    assert light.validated(Outer, body)["owned"] == 1
    assert inner[1]["owned"] == 2


@pytest.mark.django_db
def test_the_merchant_list_answers_as_the_list_serializer(client_for, general_manager, recruiter, department):
    from merchants.api.serializers import MerchantSerializer
    from merchants.models import Merchant
    from tests.factories.merchants import MerchantFactory

    MerchantFactory.create_batch(3, recruiter=recruiter, department=department)
    MerchantFactory(recruiter=None, department=None)
    answer = client_for(general_manager).get("/api/v1/merchants/", {"page_size": 3, "page": 1})
    assert answer.status_code == 200
    rows = Merchant.objects.select_related("recruiter", "department", "user").order_by("-created_at", "-id")[:3]
    assert answer.json()["results"] == MerchantSerializer(rows, many=True).data
    assert answer.json()["count"] == 4


def test_represented_uses_the_callers_context_and_keeps_none():
    class Probe(QuarterlyResultSerializer):
        def to_representation(self, value):
            return {**super().to_representation(value), "context": dict(self.context)}

    figures = {"average": Decimal("1"), "churn": Decimal("0"), "rate": Decimal("1"), "bonus": Decimal("0")}
    assert light.represented(Probe, figures, {"held_roles": ["ops_director"]})["context"] == {
        "held_roles": ["ops_director"]
    }
    assert light.represented(Probe, figures)["context"] == {}
