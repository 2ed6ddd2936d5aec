"""Input and output shapes of the complaints API (API.md "Complaints"). No rules here:
inputs are parsed and typed, the services decide. The merchant's view of a complaint
(``context["merchant_view"]``) leaves out internal notes, the responsible person's name
and penalties."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.utils import humanize_datetime

from .. import selectors
from ..models import (
    Arbitration,
    Attachment,
    Complaint,
    ComplaintType,
    EventAction,
    FollowUpVisit,
    Penalty,
    PenaltyRole,
    Satisfaction,
)

TEXT_MAX = 5000


class MomentField(serializers.DateTimeField):
    """A datetime that answers "invalid" for a moment at the very ends of the calendar
    (``0001-01-01T00:00:00`` read in Shanghai is before year 1 in UTC), instead of the
    ``OverflowError`` DRF's time-zone check raises."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            formats = getattr(self, "input_formats", None) or api_settings.DATETIME_INPUT_FORMATS
            self.fail("invalid", format=humanize_datetime.datetime_formats(formats))


class ComplaintCreateSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    type = serializers.ChoiceField(choices=ComplaintType.choices)
    description = serializers.CharField(max_length=TEXT_MAX)
    received_at = MomentField(
        required=False,
        allow_null=True,
        help_text=_("Defaults to now; earlier today or yesterday, never in the future."),
    )


class InvestigateSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    findings = serializers.CharField(max_length=TEXT_MAX)
    responsible_department = serializers.CharField(required=False, allow_blank=True, max_length=50)
    responsible_person = serializers.CharField(required=False, allow_blank=True, max_length=150)


class SolutionInputSerializer(serializers.Serializer):
    solution = serializers.CharField(max_length=TEXT_MAX)


class OpinionInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class ImplementedInputSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class VisitInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class CloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class EscalateInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class ArbitrationDecisionInputSerializer(serializers.Serializer):
    panel = serializers.ListField(
        child=serializers.CharField(max_length=150), min_length=2, max_length=20, help_text=_("Usernames of managers")
    )
    decision = serializers.CharField(max_length=TEXT_MAX)


class ExternalArbitrationInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=200)
    case_number = serializers.CharField(max_length=100)
    outcome = serializers.CharField(max_length=TEXT_MAX)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    evidence = serializers.BooleanField(required=False, default=False)


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpVisit
        fields = ["visited_on", "satisfaction", "notes"]
        read_only_fields = fields


class PenaltySerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.username")
    # API.md names the role "as" (a Python keyword, hence the mapping below).
    role = serializers.ChoiceField(choices=PenaltyRole.choices)
    month = serializers.SerializerMethodField()

    class Meta:
        model = Penalty
        fields = ["person", "role", "amount", "month"]
        read_only_fields = fields

    def get_month(self, penalty) -> str:
        return penalty.month.strftime("%Y-%m")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["as"] = data.pop("role")
        return data


class PenaltySchemaSerializer(serializers.Serializer):
    """The documented shape of a penalty (``as`` cannot be a Python field name)."""

    person = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    month = serializers.CharField(help_text="YYYY-MM")

    def get_fields(self):
        fields = super().get_fields()
        fields["as"] = serializers.ChoiceField(choices=PenaltyRole.choices)
        return fields


# Who a staff action is shown as to the merchant (never a staff member's name).
_ACTOR_FOR_MERCHANT = {
    EventAction.SOLUTION_PROPOSED: _("Responsible department"),
    EventAction.IMPLEMENTED: _("Responsible department"),
    EventAction.ARBITRATION_DECIDED: _("Arbitration panel"),
    EventAction.EXTERNAL_OUTCOME: _("Customer service"),
}


class HistorySerializer(serializers.Serializer):
    step = serializers.IntegerField()
    round = serializers.IntegerField()
    dispute_level = serializers.IntegerField()
    action = serializers.ChoiceField(choices=EventAction.choices)
    action_label = serializers.CharField(source="get_action_display")
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField()
    note = serializers.CharField()
    internal = serializers.BooleanField()

    def get_by(self, event) -> str | None:
        if event.by is None:
            return None
        if self.context.get("merchant_view"):
            if event.by_id == self.context.get("merchant_user_id"):
                return event.by.get_username()
            return str(_ACTOR_FOR_MERCHANT.get(event.action, _("Customer service")))
        return event.by.get_username()


class ArbitrationSerializer(serializers.ModelSerializer):
    panel = serializers.SerializerMethodField()
    due = serializers.DateTimeField()

    class Meta:
        model = Arbitration
        fields = [
            "level",
            "reason",
            "escalated_at",
            "due",
            "due_fallback",
            "panel",
            "decision",
            "published",
            "body",
            "case_number",
            "outcome",
            "decided_at",
        ]
        read_only_fields = fields

    def get_panel(self, arbitration) -> list[str]:
        if self.context.get("merchant_view"):
            return []
        return [user.get_username() for user in arbitration.panel.all()]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "side", "uploaded_at"]
        read_only_fields = fields


class ComplaintListSerializer(serializers.ModelSerializer):
    step = serializers.IntegerField()
    merchant_name = serializers.CharField(source="merchant.name")
    responsible_department = serializers.SerializerMethodField()
    deadline = serializers.DateTimeField(allow_null=True)
    deadline_fallback = serializers.BooleanField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "merchant",
            "merchant_name",
            "type",
            "status",
            "step",
            "round",
            "dispute_level",
            "received_at",
            "deadline",
            "deadline_fallback",
            "reply_due",
            "reply_due_fallback",
            "solution_due",
            "solution_due_fallback",
            "follow_up_due",
            "follow_up_due_fallback",
            "panel_due",
            "panel_due_fallback",
            "responsible_department",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_responsible_department(self, complaint) -> str | None:
        department = complaint.responsible_department
        return department.code if department else None


class ComplaintSerializer(ComplaintListSerializer):
    description = serializers.CharField()
    responsible_person = serializers.SerializerMethodField()
    visits = VisitSerializer(many=True)
    required_visits = serializers.IntegerField()
    history = serializers.SerializerMethodField()
    penalties = serializers.SerializerMethodField()
    arbitrations = ArbitrationSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    solution = serializers.SerializerMethodField()
    can_escalate = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    deadline_fallback = serializers.SerializerMethodField()

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "description",
            "responsible_person",
            "visits",
            "required_visits",
            "history",
            "penalties",
            "arbitrations",
            "attachments",
            "solution",
            "can_escalate",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_deadline(self, complaint):
        from ..services import current_deadline_of

        _name, due = current_deadline_of(complaint)
        return serializers.DateTimeField().to_representation(due) if due else None

    def get_deadline_fallback(self, complaint) -> bool:
        from ..services import current_deadline_of

        name, due = current_deadline_of(complaint)
        return bool(due and getattr(complaint, f"{name}_fallback"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_responsible_person(self, complaint) -> str | None:
        if self.context.get("merchant_view") or complaint.responsible_person is None:
            return None
        return complaint.responsible_person.get_username()

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, complaint):
        events = complaint.events.all()
        if self.context.get("merchant_view"):
            events = [event for event in events if not event.internal]
        return HistorySerializer(events, many=True, context=self.context).data

    @extend_schema_field(PenaltySchemaSerializer(many=True))
    def get_penalties(self, complaint):
        if self.context.get("merchant_view"):
            return []
        request = self.context.get("request")
        if request is None:
            return []
        return PenaltySerializer(selectors.penalties_visible_to(request.user, complaint), many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_solution(self, complaint) -> str | None:
        """The latest solution (or panel decision) — what the merchant gives its opinion on."""
        solutions = sorted(complaint.solutions.all(), key=lambda s: (s.round, s.attempt))
        return solutions[-1].text if solutions else None

    def get_can_escalate(self, complaint) -> bool:
        from ..services import can_escalate

        return can_escalate(complaint)
