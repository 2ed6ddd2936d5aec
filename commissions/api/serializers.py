from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from merchants.models import Category

from ..models import LADDER_CHOICES, ApprovalStep, MerchantRate, RateRequest, RequestKind, RequestStatus
from ..rules import percent_text
from ..selectors import acting_for_of

ROLE_CHOICES = LADDER_CHOICES


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice field the schema shows as a string with its values in the description.
    Field names such as ``status`` and ``kind`` carry other choice sets in other apps, and
    the project's schema keeps one enum per field name (no collision warnings)."""

    def __init__(self, *, choices, **kwargs):
        values = ", ".join(str(value) for value, _label in (c if isinstance(c, tuple) else (c, c) for c in choices))
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} One of: {values}.".strip()
        super().__init__(choices=choices, **kwargs)


class RateInputField(serializers.DecimalField):
    """A proposed rate in percent: from 0 (a real agreement, the general manager's level)
    to 100, up to 4 decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        message = _("Enter a rate from 0 to 100.")
        kwargs["error_messages"] = {"min_value": message, "max_value": message, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


class QuoteRequestSerializer(serializers.Serializer):
    category = serializers.ChoiceField(label=_("category"), choices=Category.choices)
    prepaid_rate = RateInputField(label=_("prepaid-card commission (%)"))


class QuoteSerializer(serializers.Serializer):
    standard_rate = serializers.CharField()
    ratio = serializers.CharField()
    required_role = PlainChoiceField(choices=ROLE_CHOICES)
    chain = serializers.ListField(child=PlainChoiceField(choices=ROLE_CHOICES))


class RateRequestCreateSerializer(serializers.Serializer):
    kind = PlainChoiceField(label=_("kind"), choices=RequestKind.choices, default=RequestKind.PREPAID)
    merchant = serializers.IntegerField(label=_("merchant"), min_value=1)
    prepaid_rate = RateInputField(label=_("prepaid-card commission (%)"), required=False, allow_null=True)
    bank_card_fee = RateInputField(label=_("bank-card fee (%)"), required=False, allow_null=True)
    reason = serializers.CharField(label=_("reason"), max_length=2000)
    effective_from = serializers.DateField(label=_("effective from"), required=False, allow_null=True)

    def validate(self, data):
        field = {RequestKind.PREPAID: "prepaid_rate", RequestKind.BANK_CARD: "bank_card_fee"}.get(data["kind"])
        if field and data.get(field) is None:
            raise serializers.ValidationError({field: [_("This field is required.")]})
        return data


APPROVER_ROLE_CHOICES = [(value, label) for value, label in ROLE_CHOICES if value != "recruiter"]


class StepChoiceMixin(serializers.Serializer):
    """Which step the caller decides. Without ``step`` or ``acting_for`` the caller decides
    the step of their own level; naming a lower level's step decides it in their place,
    which needs a ``reason``."""

    step = PlainChoiceField(
        label=_("step"),
        choices=APPROVER_ROLE_CHOICES,
        required=False,
        help_text=_(
            "The level whose step you decide (default: your own level). A lower level's step is "
            "decided in place of that level and needs a reason. 409 when that step is not the one "
            "waiting for a decision."
        ),
    )
    acting_for = PlainChoiceField(
        label=_("acting for"),
        choices=APPROVER_ROLE_CHOICES,
        required=False,
        help_text=_("The lower level in whose place you decide (the same as naming its step); needs a reason."),
    )

    def validate(self, data):
        data = super().validate(data)
        step, acting_for = data.get("step"), data.get("acting_for")
        if step and acting_for and step != acting_for:
            raise serializers.ValidationError({"acting_for": [_("Name one step: step and acting_for differ.")]})
        data["step_role"] = step or acting_for
        return data


class ApproveSerializer(StepChoiceMixin):
    comment = serializers.CharField(label=_("comment"), max_length=2000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        label=_("reason"),
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why you decide in place of a lower level; required with step or acting_for of a lower level."),
    )


class RejectSerializer(StepChoiceMixin):
    reason = serializers.CharField(
        label=_("reason"),
        max_length=2000,
        help_text=_("Why the request is refused (also why, when you decide in place of a lower level)."),
    )


class StepSerializer(serializers.ModelSerializer):
    role = PlainChoiceField(choices=ROLE_CHOICES, read_only=True)
    decided_by = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    comment = serializers.SerializerMethodField()
    acting_for = serializers.SerializerMethodField()
    decided_as = serializers.SerializerMethodField()
    acting_reason = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalStep
        fields = [
            "role",
            "decided_by",
            "decision",
            "comment",
            "decided_at",
            "decided_as",
            "acting_for",
            "acting_reason",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by(self, step):
        return step.decided_by.get_username() if step.decided_by_id else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="approved, rejected or null (pending)"))
    def get_decision(self, step):
        return step.decision or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_comment(self, step):
        return step.comment if step.decision else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_as(self, step):
        return step.decided_as or None

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="The step's role when a higher level decided in its place.")
    )
    def get_acting_for(self, step):
        return step.acting_for

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Why it was decided in place (or null)."))
    def get_acting_reason(self, step):
        return step.acting_reason if step.acting_for else None


class RateRequestSerializer(serializers.ModelSerializer):
    """A request as staff see it (merchants never do: it carries the internal standard)."""

    reference = serializers.CharField(read_only=True)
    kind = PlainChoiceField(choices=RequestKind.choices, read_only=True)
    status = PlainChoiceField(choices=RequestStatus.choices, read_only=True)
    required_role = PlainChoiceField(choices=ROLE_CHOICES, read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    requested_by = serializers.SerializerMethodField()
    prepaid_rate = serializers.SerializerMethodField()
    bank_card_fee = serializers.SerializerMethodField()
    standard_rate = serializers.SerializerMethodField()
    ratio = serializers.SerializerMethodField()
    current_step = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = RateRequest
        fields = [
            "id",
            "reference",
            "kind",
            "merchant",
            "merchant_name",
            "status",
            "required_role",
            "prepaid_rate",
            "bank_card_fee",
            "standard_rate",
            "ratio",
            "reason",
            "effective_from",
            "requested_by",
            "created_at",
            "closed_at",
            "current_step",
            "steps",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by(self, request):
        return request.requested_by.get_username()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_prepaid_rate(self, request):
        return percent_text(request.proposed_rate) if request.kind == RequestKind.PREPAID else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_bank_card_fee(self, request):
        return percent_text(request.proposed_rate) if request.kind == RequestKind.BANK_CARD else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_standard_rate(self, request):
        return percent_text(request.standard_rate)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ratio(self, request):
        return f"{request.display_ratio}" if request.ratio is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_current_step(self, request):
        return request.current_step.role if request.current_step_id else None


class PendingApprovalSerializer(RateRequestSerializer):
    acting_for = serializers.SerializerMethodField(
        help_text=_("Set when the caller would act in place of this lower level.")
    )

    class Meta(RateRequestSerializer.Meta):
        fields = [*RateRequestSerializer.Meta.fields, "acting_for"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_acting_for(self, request):
        return acting_for_of(request, self.context.get("held_roles", ()))


class MerchantRateSerializer(serializers.ModelSerializer):
    """A merchant's agreed rate, as staff see it in the history."""

    rate = serializers.SerializerMethodField()
    kind = PlainChoiceField(choices=RequestKind.choices, read_only=True)
    reference = serializers.CharField(read_only=True)
    approved_by_request = serializers.IntegerField(source="request_id", read_only=True)

    class Meta:
        model = MerchantRate
        fields = ["id", "merchant", "kind", "rate", "effective_from", "reference", "approved_by_request", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_rate(self, rate):
        return percent_text(rate.rate)


class MyRatesSerializer(serializers.Serializer):
    """A merchant's own rates: never the internal standard or the ratio."""

    merchant = serializers.IntegerField()
    merchant_name = serializers.CharField()
    prepaid_rate = serializers.CharField(allow_null=True)
    bank_card_fee = serializers.CharField(allow_null=True)
    prepaid_reference = serializers.CharField(allow_null=True)
    bank_card_reference = serializers.CharField(allow_null=True)
    pos_fee_waived = serializers.BooleanField()
