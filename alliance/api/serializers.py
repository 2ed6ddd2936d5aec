"""Input and output shapes of ``/api/v1/activities/`` and ``/api/v1/referrals/`` (API.md
"Alliance activities"). No rules here: inputs are parsed and typed, ``alliance.services`` decides.

An activity's ``district`` is the merchants' district name (``Merchant.district``, e.g.
"颍州区"); ``participants`` are the ids of the merchants invited; ``invitations`` says who
answered how.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import priority
from ..models import Activity, Participation
from ..priority import Ranking

MAX_ITEMS = 500
MAX_ID = 2**31 - 1
MAX_MONEY = Decimal("9999999999.99")


def money(label, **kwargs):
    return serializers.DecimalField(
        label=label, max_digits=12, decimal_places=2, max_value=MAX_MONEY, coerce_to_string=True, **kwargs
    )


class ActivityInputSerializer(serializers.Serializer):
    title = serializers.CharField(label=_("title"), max_length=200)
    starts_on = serializers.DateField(label=_("starts on"), help_text=_("The first day (included)."))
    ends_on = serializers.DateField(label=_("ends on"), help_text=_("The last day (included)."))
    district = serializers.CharField(
        label=_("district"), max_length=50, help_text=_("The merchants' district name, e.g. 颍州区.")
    )
    participants = serializers.ListField(
        label=_("participants"),
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_ITEMS,
        required=False,
        default=list,
        help_text=_("The ids of the merchants invited: signed merchants of the district."),
    )
    subsidy = money(_("venue subsidy per participant"), min_value=0, required=False, default=Decimal("0.00"))
    places = serializers.IntegerField(
        label=_("places"), min_value=1, max_value=100000, required=False, allow_null=True, default=None
    )


class InviteInputSerializer(serializers.Serializer):
    participants = serializers.ListField(
        label=_("participants"),
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_ITEMS,
    )


class AnswerInputSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(
        label=_("merchant"),
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The merchant answering, when the portal user has several."),
    )


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participation
        fields = ["merchant", "invited_at", "accepted_at", "declined_at", "waitlisted_at", "priority_at"]


class ActivitySerializer(serializers.ModelSerializer):
    subsidy = money(_("venue subsidy per participant"), read_only=True)
    participants = serializers.SerializerMethodField(help_text=_("The ids of the merchants invited."))
    invitations = serializers.SerializerMethodField(
        help_text=_(
            "The invitations; with a limit of places, grade A merchants first, then those who bought "
            "priority, then by credit points (the order of the waiting list)."
        )
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "starts_on",
            "ends_on",
            "district",
            "places",
            "subsidy",
            "participants",
            "invitations",
            "created_by",
            "created_at",
        ]

    def get_participants(self, activity) -> list[int]:
        return [p.merchant_id for p in activity.participations.all()]

    @extend_schema_field(InvitationSerializer(many=True))
    def get_invitations(self, activity):
        participations = list(activity.participations.all())
        ranking = self.context.get("ranking")
        if ranking is None and activity.places is not None:
            ranking = Ranking.of([p.merchant_id for p in participations], timezone.localdate())
        return InvitationSerializer(priority.listed(activity, participations, ranking), many=True).data


class ReferralRowSerializer(serializers.Serializer):
    """A referral (for the schema; the rows are checked by ``alliance.referrals``)."""

    activity = serializers.IntegerField(help_text="The activity's id.")
    from_merchant = serializers.IntegerField(help_text="The referring merchant (taking part in the activity).")
    to_merchant = serializers.IntegerField(help_text="The receiving merchant, who owes the share.")
    customer_ref = serializers.CharField(
        help_text="The customer's reference: a row with a known one is not saved again."
    )
    spend = serializers.CharField(help_text='The customer\'s spend at the receiving merchant, yuan ("123.45").')
    date = serializers.DateField(help_text="Within the activity's period.")


class ReferralImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Referrals recorded now.")
    unchanged = serializers.IntegerField(help_text="Rows whose customer reference was already recorded, the same.")


class ReferralRowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the list, from 0.")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ReferralBatchErrorSerializer(serializers.Serializer):
    rows = ReferralRowErrorSerializer(many=True, required=False)
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    max_rows = serializers.IntegerField(required=False)


class StatementLineSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(source="merchant_id", help_text="The counterpart.")
    name = serializers.CharField()
    referred_to_them = serializers.IntegerField(help_text="Customers the merchant sent to the counterpart.")
    spend_referred_to_them = money(_("spend"))
    owed_to_merchant = money(_("share owed"), help_text="What the counterpart owes the merchant.")
    referred_by_them = serializers.IntegerField(help_text="Customers the counterpart sent to the merchant.")
    spend_referred_by_them = money(_("spend"))
    owed_by_merchant = money(_("share owed"), help_text="What the merchant owes the counterpart.")
    net = money(_("net"), help_text="Positive: the counterpart pays the merchant; negative: the merchant pays.")


class StatementSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(source="merchant.pk")
    month = serializers.SerializerMethodField()
    counterparts = StatementLineSerializer(source="lines", many=True)
    owed_to_merchant = money(_("share owed"))
    owed_by_merchant = money(_("share owed"))
    net = money(_("net"))

    def get_month(self, statement) -> str:
        return statement.month.strftime("%Y-%m")


class PointEntrySerializer(serializers.Serializer):
    points = serializers.IntegerField()
    reason = serializers.CharField(
        help_text="participation, withdrawal, referral, survey, or a redemption: pos_fee or priority."
    )
    reason_label = serializers.CharField(source="get_reason_display")
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    referral = serializers.IntegerField(source="referral_id", allow_null=True)
    survey = serializers.IntegerField(source="survey_id", allow_null=True, help_text="The follow-up visit surveyed.")
    terminal = serializers.SerializerMethodField(help_text="A redemption: the terminal whose fee it paid.")
    month = serializers.SerializerMethodField(help_text="A redemption: the month it paid (YYYY-MM).")
    created_at = serializers.DateTimeField()

    def get_terminal(self, entry) -> int | None:
        return entry.fee_credit.terminal_id if entry.fee_credit_id else None

    def get_month(self, entry) -> str | None:
        return entry.fee_credit.month.strftime("%Y-%m") if entry.fee_credit_id else None


class PointsSerializer(serializers.Serializer):
    merchant = serializers.IntegerField()
    balance = serializers.IntegerField()
    entries = PointEntrySerializer(many=True)
