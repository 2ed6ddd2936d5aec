"""Input and output shapes of ``/api/v1/plans/`` (API.md "Plans and dashboards"). No
rules here: inputs are parsed and typed, ``plans.services`` decides.

A period is ``{"starts_on": "2026-04-20", "ends_on": "2026-12-31"}`` (both days included),
for the plan and for each phase. Regions, recruiters and negotiators are named by id
(``/api/v1/regions/`` lists the regions).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from merchants.models import Category, Segment
from workplace.people import display_name

from ..models import Plan, Region, RegionKind
from ..services import MAX_COUNT, NAME_MAX, NOTES_MAX

MAX_ITEMS = 200


def _users():
    return get_user_model().objects.filter(is_active=True)


class PeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField(label=_("starts on"), help_text=_("The first day (included)."))
    ends_on = serializers.DateField(label=_("ends on"), help_text=_("The last day (included)."))


class TargetInputSerializer(serializers.Serializer):
    segment = serializers.ChoiceField(label=_("segment"), choices=Segment.choices)
    category = serializers.ChoiceField(
        label=_("category"),
        choices=Category.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Empty: a target of the segment in any category."),
    )
    count = serializers.IntegerField(label=_("number of merchants"), min_value=0, max_value=MAX_COUNT)


class PhaseInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("An existing phase of this plan, to edit it; leave out for a new phase."),
    )
    name = serializers.CharField(label=_("name"), max_length=NAME_MAX)
    period = PeriodSerializer(label=_("period"))
    regions = serializers.ListField(
        label=_("regions"),
        child=serializers.PrimaryKeyRelatedField(queryset=Region.objects.all()),
        max_length=MAX_ITEMS,
    )
    targets = TargetInputSerializer(label=_("targets"), many=True, required=False, max_length=MAX_ITEMS)


class QuotaInputSerializer(serializers.Serializer):
    recruiter = serializers.PrimaryKeyRelatedField(label=_("recruiter"), queryset=_users())
    count = serializers.IntegerField(label=_("number of merchants"), min_value=0, max_value=MAX_COUNT)


class PlanInputSerializer(serializers.Serializer):
    """A plan to create (``POST``), replace (``PUT``) or edit (``PATCH``: what is left out
    stays; a list given replaces the list — targets matched by segment and category,
    quotas by recruiter, phases by ``id``)."""

    name = serializers.CharField(label=_("name"), max_length=NAME_MAX)
    region = serializers.PrimaryKeyRelatedField(label=_("region"), queryset=Region.objects.all())
    period = PeriodSerializer(label=_("period"))
    notes = serializers.CharField(label=_("notes"), required=False, allow_blank=True, max_length=NOTES_MAX)
    targets = TargetInputSerializer(label=_("targets"), many=True, required=False, max_length=MAX_ITEMS)
    phases = PhaseInputSerializer(label=_("phases"), many=True, required=False, max_length=MAX_ITEMS)
    quotas = QuotaInputSerializer(label=_("quotas"), many=True, required=False, max_length=MAX_ITEMS)
    class_i_negotiators = serializers.ListField(
        label=_("class I negotiators"),
        child=serializers.PrimaryKeyRelatedField(queryset=_users()),
        required=False,
        max_length=MAX_ITEMS,
        help_text=_("The managers who negotiate class I merchants themselves."),
    )


def service_arguments(data: dict) -> dict:
    """The validated input as ``plans.services`` keywords (only what was given)."""
    arguments = {}
    for key in ("name", "region", "notes", "class_i_negotiators"):
        if key in data:
            arguments[key] = data[key]
    if "period" in data:
        arguments["starts_on"] = data["period"].get("starts_on")
        arguments["ends_on"] = data["period"].get("ends_on")
    if "targets" in data:
        arguments["targets"] = [dict(target) for target in data["targets"]]
    if "quotas" in data:
        arguments["quotas"] = [dict(quota) for quota in data["quotas"]]
    if "phases" in data:
        arguments["phases"] = [
            {
                "id": phase.get("id"),
                "name": phase.get("name"),
                "starts_on": (phase.get("period") or {}).get("starts_on"),
                "ends_on": (phase.get("period") or {}).get("ends_on"),
                "regions": phase.get("regions") or [],
                "targets": [dict(target) for target in phase.get("targets") or []],
            }
            for phase in data["phases"]
        ]
    return arguments


# --- output ---------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=RegionKind.choices)

    class Meta:
        model = Region
        fields = ["id", "name", "code", "kind", "parent"]
        read_only_fields = fields


class TargetSerializer(serializers.Serializer):
    segment = serializers.ChoiceField(choices=Segment.choices)
    category = serializers.CharField(help_text=_("Empty: any category."))
    count = serializers.IntegerField()


class RegionRefSerializer(serializers.Serializer):
    region = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class PhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    period = PeriodSerializer(source="*")
    regions = RegionRefSerializer(source="regions.all", many=True)
    targets = TargetSerializer(source="targets.all", many=True)


class QuotaSerializer(serializers.Serializer):
    recruiter = serializers.IntegerField(source="recruiter_id")
    username = serializers.CharField(source="recruiter.username")
    name = serializers.SerializerMethodField()
    count = serializers.IntegerField()

    def get_name(self, quota) -> str:
        return display_name(quota.recruiter)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    period = PeriodSerializer(source="*")
    targets = TargetSerializer(source="targets.all", many=True)
    phases = PhaseSerializer(source="phases.all", many=True)
    quotas = QuotaSerializer(source="quotas.all", many=True)
    class_i_negotiators = PersonSerializer(source="class_i_negotiators.all", many=True)
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "period",
            "notes",
            "targets",
            "phases",
            "quotas",
            "class_i_negotiators",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, plan) -> str | None:
        return plan.created_by.get_username() if plan.created_by else None


class PlanSummarySerializer(serializers.ModelSerializer):
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    period = PeriodSerializer(source="*")

    class Meta:
        model = Plan
        fields = ["id", "name", "region", "region_name", "period", "updated_at"]
        read_only_fields = fields


# --- progress (documents and renders plans.selectors.plan_progress) -------------------


class FigureFields(serializers.Serializer):
    target = serializers.IntegerField()
    signed = serializers.IntegerField()
    attainment = serializers.CharField(
        allow_null=True, help_text=_("signed / target × 100, in percent with 2 decimals; null when the target is 0.")
    )


class SegmentFigureSerializer(FigureFields):
    segment = serializers.ChoiceField(choices=Segment.choices)


class CategoryFigureSerializer(FigureFields):
    category = serializers.ChoiceField(choices=Category.choices)


class DistrictFigureSerializer(FigureFields):
    region = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=RegionKind.choices)


class GapSerializer(serializers.Serializer):
    """A region named in the figures."""

    region = serializers.IntegerField()
    name = serializers.CharField()


class PhaseFigureSerializer(FigureFields):
    phase = serializers.IntegerField()
    name = serializers.CharField()
    period = PeriodSerializer()
    regions = GapSerializer(many=True)
    segments = SegmentFigureSerializer(many=True)


class RecruiterFigureSerializer(FigureFields):
    recruiter = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    """A plan's progress: signed merchants against its targets (plans.selectors)."""

    plan = serializers.IntegerField()
    period = PeriodSerializer()
    total = FigureFields()
    segments = SegmentFigureSerializer(many=True)
    categories = CategoryFigureSerializer(many=True)
    districts = DistrictFigureSerializer(many=True)
    phases = PhaseFigureSerializer(many=True)
    recruiters = RecruiterFigureSerializer(
        many=True,
        help_text=_("Scoped: a recruiter's own row, a head's department, everyone for the company's managers."),
    )
    gaps = GapSerializer(many=True, help_text=_("Districts and counties of the plan's region with no merchant signed."))


# --- recommendations (documents and renders plans.recommendations) --------------------


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["district", "segment", "category", "class", "recency"],
        help_text=_(
            "What the reason is about: the plan's gap in the district, segment or category, the class, recency."
        ),
    )
    text = serializers.CharField(help_text=_("The reason in words, in the caller's language."))
    points = serializers.IntegerField(help_text=_("What it adds to the score."))


class RecommendationSerializer(serializers.Serializer):
    """One prospect on a recruiter's list, with the reasons it ranks where it does."""

    merchant = serializers.IntegerField(source="prospect.id")
    name = serializers.CharField(source="prospect.name")
    district = serializers.CharField(source="prospect.district")
    segment = serializers.ChoiceField(source="prospect.segment", choices=Segment.choices)
    category = serializers.ChoiceField(source="prospect.category", choices=Category.choices)
    recruiter = serializers.IntegerField(
        source="prospect.recruiter_id", allow_null=True, help_text=_("The owning recruiter; null: not yet assigned.")
    )
    expected_class = serializers.CharField(
        allow_null=True, help_text=_("“I”, “II” or “III”, from the latest star evaluation; null: none yet.")
    )
    last_activity = serializers.DateTimeField(source="prospect.last_activity")
    days_since_activity = serializers.IntegerField()
    score = serializers.IntegerField(help_text=_("The sum of the reasons' points; the list is ranked by it."))
    reasons = ReasonSerializer(many=True)
