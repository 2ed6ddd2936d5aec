"""``POST /api/v1/compensation/calculate/`` (API.md "Resources"): the pay rules of SPEC.md
§5 as a calculator for any signed-in staff member. Stores nothing. The body's keys choose
the calculation:

- ``{"points"}`` → ``{"assessment_pay"}`` (§5.2);
- ``{"quarter_profit", "merchant_months", "terminated", "owned"}`` →
  ``{"average", "churn", "rate", "bonus"}`` (§5.4; churn and rate in percent);
- ``{"year_profit", "merchant_months"}`` → ``{"average", "pool_rate", "pool"}`` (§5.6).

Each may add ``"on"`` (a date) to use the rule set in force that day instead of today's.
A body mixing the fields of two calculations, or naming none, is refused (400) with the
fields it gave. The rules themselves are the pure functions of ``compensation.rules``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from workplace.api.light import represented, validated
from workplace.roles import Role, has_role, is_staff_member
from workplace.rules import in_force

from .. import rules
from ..models import CompensationRuleSet

# Bounds that keep every figure within its field (no overflow, no 500): up to a hundred
# billion yuan, a million points, ten million merchants or merchant-months.
_MAX_COUNT = 10_000_000
_MONEY = {"max_digits": 14, "decimal_places": 2}


class IsStaffMember(permissions.BasePermission):
    """Any signed-in staff member; never a merchant (as the other calculators)."""

    message = _("Only staff members may use this.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and is_staff_member(user) and not has_role(user, Role.MERCHANT))


def _count(label, help_text):
    return serializers.IntegerField(label=label, min_value=0, max_value=_MAX_COUNT, help_text=help_text)


def _on():
    return serializers.DateField(
        label=_("rule date"),
        required=False,
        help_text="Use the rule set in force on this day (YYYY-MM-DD); today by default.",
    )


class AssessmentInputSerializer(serializers.Serializer):
    points = serializers.DecimalField(
        label=_("points"),
        max_digits=8,
        decimal_places=2,
        help_text="The month's points (SPEC.md §5.1), at most 2 decimals; may be negative.",
    )
    on = _on()

    class Meta:
        ref_name = "AssessmentPayInput"


class QuarterlyInputSerializer(serializers.Serializer):
    quarter_profit = serializers.DecimalField(
        label=_("quarter profit"),
        min_value=0,
        help_text="Yuan: the profit of all the recruiter's merchants' terminals over the quarter.",
        **_MONEY,
    )
    merchant_months = _count(
        _("merchant-months"), "Each active merchant once per month owned; 0 gives an average of 0."
    )
    terminated = _count(_("merchants terminated"), "Merchants terminated in the quarter; not more than owned.")
    owned = _count(_("merchants owned"), "Merchants owned at any time in the quarter; 0 gives a churn of 0.")
    on = _on()

    class Meta:
        ref_name = "QuarterlyBonusInput"

    def validate(self, data):
        if data["terminated"] > data["owned"]:
            raise ValidationError(
                {"terminated": [_("The merchants terminated cannot be more than the merchants owned.")]},
                code="more_than_owned",
            )
        return data


class YearEndInputSerializer(serializers.Serializer):
    year_profit = serializers.DecimalField(
        label=_("year profit"),
        min_value=0,
        help_text="Yuan: the department's total profit over the year.",
        **_MONEY,
    )
    merchant_months = _count(_("merchant-months"), "Each active merchant once per month of the year; 0 gives 0.")
    on = _on()

    class Meta:
        ref_name = "YearEndPoolInput"


def _figure(help_text):
    return serializers.DecimalField(max_digits=20, decimal_places=2, rounding=ROUND_HALF_UP, help_text=help_text)


class AssessmentResultSerializer(serializers.Serializer):
    assessment_pay = _figure("Yuan, negative below 6 points.")

    class Meta:
        ref_name = "AssessmentPayResult"


class QuarterlyResultSerializer(serializers.Serializer):
    average = _figure("Yuan per merchant-month.")
    churn = _figure("Percent.")
    rate = _figure("Percent, after the churn deduction.")
    bonus = _figure("Yuan.")

    class Meta:
        ref_name = "QuarterlyBonusResult"


class YearEndResultSerializer(serializers.Serializer):
    average = _figure("Yuan per merchant-month.")
    pool_rate = _figure("Percent.")
    pool = _figure("Yuan.")

    class Meta:
        ref_name = "YearEndPoolResult"


# (name, input serializer, fields of its own that choose it)
_SHAPES = (
    ("assessment", AssessmentInputSerializer, {"points"}),
    ("quarterly", QuarterlyInputSerializer, {"quarter_profit", "terminated", "owned"}),
    ("year_end", YearEndInputSerializer, {"year_profit"}),
)
_FIELDS = {
    name: set(serializer._declared_fields) - {"on"} for name, serializer, _choosers in _SHAPES
}  # every shape's own fields
_ALL_FIELDS = set().union(*_FIELDS.values())
_SHAPE_LIST = "points; quarter_profit, merchant_months, terminated, owned; year_profit, merchant_months"


def _shape(data):
    """The calculation the body's keys choose, or a 400 naming the fields."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Invalid data. Expected a dictionary.")]}, code="invalid")
    given = _ALL_FIELDS.intersection(data)
    chosen = [(name, serializer) for name, serializer, choosers in _SHAPES if choosers & given]
    if not chosen:
        raise ValidationError(
            {"non_field_errors": [_("Give the fields of one calculation: %(shapes)s.") % {"shapes": _SHAPE_LIST}]},
            code="no_calculation",
        )
    stray = given - _FIELDS[chosen[0][0]]
    if len(chosen) > 1 or stray:
        fields = ", ".join(sorted(given))
        raise ValidationError(
            {
                "non_field_errors": [
                    _("The fields %(fields)s belong to different calculations; give those of one: %(shapes)s.")
                    % {"fields": fields, "shapes": _SHAPE_LIST}
                ]
            },
            code="mixed_calculations",
        )
    return chosen[0]


class CompensationCalculateView(APIView):
    """The pay rules of SPEC.md §5 as a calculator (see the module)."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=["calculators"],
        summary=_("Pay rules calculator"),
        description=(
            "The pay rules of SPEC.md §5 under the rule set in force today (or on `on`). The body's keys choose the "
            "calculation: `points` → assessment pay (§5.2); `quarter_profit`, `merchant_months`, `terminated`, "
            "`owned` → the quarterly bonus (§5.4); `year_profit`, `merchant_months` → the year-end pool (§5.6). "
            "Money and percent as strings with 2 decimals. A body mixing two calculations, or naming none, is "
            "refused (400). Any staff member; not merchants. Stores nothing."
        ),
        request=PolymorphicProxySerializer(
            component_name="CompensationCalculation",
            serializers=[AssessmentInputSerializer, QuarterlyInputSerializer, YearEndInputSerializer],
            resource_type_field_name=None,
        ),
        responses={
            200: PolymorphicProxySerializer(
                component_name="CompensationCalculationResult",
                serializers=[AssessmentResultSerializer, QuarterlyResultSerializer, YearEndResultSerializer],
                resource_type_field_name=None,
            ),
            400: OpenApiResponse(description="A field at fault (named), or a body mixing calculations or naming none."),
            409: OpenApiResponse(description="No rule set is in force on the day asked."),
        },
        examples=[
            OpenApiExample("Assessment pay", value={"points": "5.5"}, request_only=True),
            OpenApiExample(
                "Quarterly bonus",
                value={"quarter_profit": "3000.00", "merchant_months": 30, "terminated": 1, "owned": 10},
                request_only=True,
            ),
            OpenApiExample("Year-end pool", value={"year_profit": "3000.00", "merchant_months": 30}, request_only=True),
        ],
    )
    def post(self, request):
        data = request.data
        if hasattr(data, "dict"):  # a form-encoded body
            data = data.dict()
        name, serializer_class = _shape(data)
        values = validated(serializer_class, data)  # one instance per thread (workplace.api.light)
        rule_set = in_force(CompensationRuleSet, on=values.get("on"))
        if name == "assessment":
            result = {"assessment_pay": rules.assessment_pay(values["points"], rule_set)}
            return Response(represented(AssessmentResultSerializer, result))
        if name == "quarterly":
            figures = rules.quarterly_bonus(
                values["quarter_profit"], values["merchant_months"], values["terminated"], values["owned"], rule_set
            )
            result = {
                "average": figures.average,
                "churn": figures.churn,
                "rate": rules.money(figures.rate),
                "bonus": figures.bonus,
            }
            return Response(represented(QuarterlyResultSerializer, result))
        figures = rules.year_end_pool(values["year_profit"], values["merchant_months"], rule_set)
        result = {"average": figures.average, "pool_rate": rules.money(figures.rate), "pool": figures.pool}
        return Response(represented(YearEndResultSerializer, result))
