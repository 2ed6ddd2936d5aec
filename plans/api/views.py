"""``/api/v1/plans/`` and ``/api/v1/regions/`` (API.md "Plans and dashboards"): thin
adapters over ``plans.services`` and ``plans.selectors``.

Who: every staff member reads plans, regions and a plan's progress (its per-recruiter rows
scoped by role); recruitment heads, the operations director, the general manager and
admins create and edit plans. Merchants get 403. Plans are not deleted through the API:
they are edited, and the audit trail keeps each change.

``/api/v1/recommendations/`` (API.md "Alliance activities", SPEC.md §9): recruiters,
recruitment heads and the company-wide managers; everyone else (merchants, customer
service, department heads) 403.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from workplace.api.parsers import JSONParser

from .. import recommendations, selectors, services
from ..models import Region
from . import serializers as s


class ReadsPlans(permissions.BasePermission):
    message = gettext_lazy("Only staff members may see recruitment plans.")

    def has_permission(self, request, view):
        return selectors.may_read_plans(request.user)


@extend_schema_view(
    list=extend_schema(
        tags=["plans"], summary="Recruitment plans, latest first", responses=s.PlanSummarySerializer(many=True)
    ),
    retrieve=extend_schema(
        tags=["plans"],
        summary="A plan with its targets, phases, quotas and class I negotiators",
        responses=s.PlanSerializer,
    ),
    create=extend_schema(
        tags=["plans"],
        summary="Create a plan (recruitment heads, the operations director, the general manager)",
        request=s.PlanInputSerializer,
        responses={201: s.PlanSerializer},
    ),
    update=extend_schema(
        tags=["plans"],
        summary="Replace a plan's fields and lists (lists left out stay as they are)",
        request=s.PlanInputSerializer,
        responses={200: s.PlanSerializer},
    ),
    partial_update=extend_schema(
        tags=["plans"],
        summary="Edit some of a plan's fields; a list given replaces the list",
        request=s.PlanInputSerializer(partial=True),
        responses={200: s.PlanSerializer},
    ),
)
class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Recruitment plans (招商计划, SPEC.md §6)."""

    permission_classes = [ReadsPlans]
    serializer_class = s.PlanSerializer
    # A plan is nested lists: JSON only.
    parser_classes = [JSONParser]
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.plans_for_user(self.request.user).select_related("region")
        if self.action == "list":
            return queryset.order_by("-starts_on", "-id")
        if self.action == "progress":
            return queryset
        return selectors.plans_with_details(queryset)

    def _detail(self, plan, status_code=status.HTTP_200_OK):
        plan = selectors.plans_with_details(selectors.plans_for_user(self.request.user)).get(pk=plan.pk)
        return Response(s.PlanSerializer(plan).data, status=status_code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.PlanSummarySerializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        services.check_may_write_plans(request.user, creating=True)
        data = s.PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_create(by=request.user, **s.service_arguments(data.validated_data))
        return self._detail(plan, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        services.check_may_write_plans(request.user, creating=False)
        data = s.PlanInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        plan = services.plan_update(plan=plan, by=request.user, **s.service_arguments(data.validated_data))
        return self._detail(plan)

    @extend_schema(
        tags=["plans"],
        summary="Progress against the plan by segment, category, district, phase and recruiter, and the gaps",
        responses=s.ProgressSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request, pk=None):
        plan = self.get_object()
        return Response(s.ProgressSerializer(selectors.plan_progress(plan, request.user)).data)


@extend_schema_view(
    list=extend_schema(tags=["plans"], summary="Regions: cities, their urban districts and counties"),
    retrieve=extend_schema(tags=["plans"], summary="A region"),
)
class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadsPlans]
    serializer_class = s.RegionSerializer
    filter_backends: list = []
    queryset = Region.objects.order_by("code")


class AsksForRecommendations(permissions.BasePermission):
    message = gettext_lazy("Only recruiters and their managers see recommendations.")

    def has_permission(self, request, view):
        return recommendations.may_ask(request.user)


@extend_schema_view(
    list=extend_schema(
        tags=["plans"],
        summary="A recruiter's prospects ranked, each with the reasons it ranks where it does",
        description=(
            "The prospects of the recruiter (the caller, or ?recruiter=: a recruitment head names one of its "
            "department, the company-wide managers anyone) ranked by the open gaps of the plan in force in "
            "which the recruiter holds a quota (district, segment, category), the expected class from the "
            "latest star evaluation and how recently the prospect was active. The list holds the recruiter's "
            "own prospects and the unassigned ones in that plan's area."
        ),
        parameters=[
            OpenApiParameter(
                "recruiter",
                int,
                description="Whose list (a user id); the caller by default. Required for the company-wide managers.",
            )
        ],
        responses=s.RecommendationSerializer(many=True),
    )
)
class RecommendationViewSet(viewsets.GenericViewSet):
    """``GET /api/v1/recommendations/`` (plans.recommendations)."""

    permission_classes = [AsksForRecommendations]
    serializer_class = s.RecommendationSerializer
    filter_backends: list = []

    def list(self, request, *args, **kwargs):
        recruiter = recommendations.subject_of(request.user, request.query_params.get("recruiter"))
        ranked = recommendations.recommendations_for(recruiter, reader=request.user).results
        page = self.paginate_queryset(ranked)
        return self.get_paginated_response(s.RecommendationSerializer(page, many=True).data)
