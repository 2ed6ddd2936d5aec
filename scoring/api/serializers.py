from decimal import ROUND_HALF_UP

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from merchants.models import Category
from workplace.exceptions import ApplicationError

from ..rules import Decoration, Frequency, MerchantClass, brand_points


class CalculatorInputSerializer(serializers.Serializer):
    """The star-rating calculator's inputs (API.md), shared by the calculator, the
    evaluation service and the merchants app's ``/applications/{id}/evaluation/``.

    Pass ``context={"rules": RuleTable}`` to check the brand range against a given rule
    set; otherwise the rule set in force today is used.
    """

    category = serializers.ChoiceField(label=_("category"), choices=Category.choices)
    brand = serializers.IntegerField(label=_("brand recognition"))
    decoration = serializers.ChoiceField(label=_("decoration"), choices=Decoration.choices)
    area_sqm = serializers.DecimalField(label=_("business area (m²)"), max_digits=12, decimal_places=2, min_value=0)
    registered_capital = serializers.DecimalField(
        label=_("registered capital (yuan)"), max_digits=18, decimal_places=2, min_value=0
    )
    staff_count = serializers.IntegerField(label=_("staff count"), min_value=0, max_value=10_000_000)
    years_in_business = serializers.DecimalField(
        label=_("years in business"), max_digits=6, decimal_places=2, min_value=0
    )
    frequency = serializers.ChoiceField(label=_("consumption frequency"), choices=Frequency.choices)
    large_or_chain = serializers.BooleanField(label=_("large or chain"), required=False, default=False)

    def _rules(self):
        rules = self.context.get("rules")
        if rules is None:
            from ..selectors import rule_set_in_force

            rules = rule_set_in_force().table
        return rules

    def validate_brand(self, value):
        # The range is part of the rule set, so the rule's own function checks it.
        try:
            brand_points(value, self._rules())
        except ApplicationError as error:
            raise serializers.ValidationError(str(error.message), code=error.code) from None
        return value


# Inline in the schema: merchants' ``signed_class`` has the same choices, and two enum
# components of one choice set under different names make drf-spectacular warn.
@extend_schema_field({"type": "string", "enum": list(MerchantClass.values), "description": "I, II or III"})
class MerchantClassField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MerchantClass.choices, **kwargs)


class CalculatorResultSerializer(serializers.Serializer):
    """The score and class, with each item's points; decimals as strings with 2 places."""

    score = serializers.DecimalField(max_digits=6, decimal_places=2, rounding=ROUND_HALF_UP)
    merchant_class = MerchantClassField()
    items = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2, rounding=ROUND_HALF_UP)
    )

    class Meta:
        ref_name = "StarRating"


class EvaluationResultSerializer(serializers.Serializer):
    """A stored star evaluation (``POST /applications/{id}/evaluation/``)."""

    id = serializers.IntegerField()
    merchant = serializers.IntegerField(source="merchant_id")
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    merchant_class = serializers.CharField()
    items = serializers.JSONField()
    created_at = serializers.DateTimeField()
