import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models import LADDER_CHOICES, MerchantRate, RateRequest, RequestKind, RequestStatus


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter (unknown values → 400) shown as a plain string in the schema: the
    names ``status`` and ``kind`` carry other choice sets in other apps."""


class IdFilter(django_filters.NumberFilter):
    """An id filter that never tells whether a record exists outside one's scope: any
    whole number filters the scoped list (an unknown id, like one outside the scope,
    gives an empty list); only a value that is not a whole number is a 400."""

    field_class = forms.IntegerField


class RateRequestFilter(django_filters.FilterSet):
    status = PlainChoiceFilter(choices=RequestStatus.choices, help_text="pending, approved, rejected, not_required")
    kind = PlainChoiceFilter(choices=RequestKind.choices, help_text="prepaid, bank_card, pos_fee_waiver")
    required_role = PlainChoiceFilter(choices=LADDER_CHOICES)
    merchant = IdFilter(
        field_name="merchant_id", help_text="A merchant id; one outside your scope gives an empty list."
    )

    class Meta:
        model = RateRequest
        fields = ["status", "kind", "merchant", "required_role"]


class MerchantRateFilter(django_filters.FilterSet):
    kind = PlainChoiceFilter(
        choices=[c for c in RequestKind.choices if c[0] != RequestKind.POS_FEE_WAIVER], help_text="prepaid, bank_card"
    )
    merchant = IdFilter(
        field_name="merchant_id", help_text="A merchant id; one outside your scope gives an empty list."
    )

    class Meta:
        model = MerchantRate
        fields = ["merchant", "kind"]
