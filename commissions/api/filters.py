import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models import LADDER_CHOICES, MerchantRate, RateRequest, RequestKind, RequestStatus


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter (unknown values → 400) shown as a plain string in the schema: the
    names ``status`` and ``kind`` carry other choice sets in other apps."""


class RateRequestFilter(django_filters.FilterSet):
    status = PlainChoiceFilter(choices=RequestStatus.choices, help_text="pending, approved, rejected, not_required")
    kind = PlainChoiceFilter(choices=RequestKind.choices, help_text="prepaid, bank_card, pos_fee_waiver")
    required_role = PlainChoiceFilter(choices=LADDER_CHOICES)

    class Meta:
        model = RateRequest
        fields = ["status", "kind", "merchant", "required_role"]


class MerchantRateFilter(django_filters.FilterSet):
    kind = PlainChoiceFilter(
        choices=[c for c in RequestKind.choices if c[0] != RequestKind.POS_FEE_WAIVER], help_text="prepaid, bank_card"
    )

    class Meta:
        model = MerchantRate
        fields = ["merchant", "kind"]
