"""``GET /api/v1/dashboards/summary/?from=YYYY-MM-DD&to=YYYY-MM-DD`` (API.md "Plans and
dashboards"): the dashboard's figures for the reader's scope. Staff only; the figures are
defined in ``dashboards.selectors``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.models import Category, Segment
from plans.selectors import plan_progress
from workplace.roles import Role, has_role, is_staff_member

from ..filters import filters_from
from ..leaderboard import leaderboard, leaderboard_body
from ..periods import period_from
from ..plan_panels import pick_plan
from ..selectors import dashboard_summary


class IsStaffMember(permissions.BasePermission):
    message = _("Only staff members may use this.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and is_staff_member(user) and not has_role(user, Role.MERCHANT))


def _text(value) -> str | None:
    """A Decimal as a string with 2 places (API.md), None as null."""
    return None if value is None else f"{value:.2f}"


def summary_body(summary: dict) -> dict:
    """The API's shape of ``selectors.dashboard_summary``."""
    complaints = summary["complaints"]
    rate_requests = summary["rate_requests"]
    return {
        "funnel": summary["funnel"],
        "pass_rate": _text(summary["pass_rate"]),
        "cycle_time_working_days": _text(summary["cycle_time_working_days"]),
        "complaints": {
            "open": complaints["open"],
            "overdue": complaints["overdue"],
            "closed_within_7_working_days": _text(complaints["closed_within_7_working_days"]),
            "first_response_within_48h": _text(complaints["first_response_within_48h"]),
        },
        "churn": _text(summary["churn"]["rate"]),
        "rate_requests": {
            "pending": rate_requests["pending"],
            "approved": rate_requests["approved"],
            "rejected": rate_requests["rejected"],
            "median_hours_to_decide": _text(rate_requests["median_hours_to_decide"]),
        },
    }


_PERCENT = serializers.CharField(allow_null=True, help_text="Percent, 2 decimals; null when nothing to divide by.")


FILTER_PARAMETERS = [
    OpenApiParameter(
        "region",
        int,
        description="A region's id (/api/v1/regions/): merchants whose district is the region or lies under it.",
    ),
    OpenApiParameter("category", str, enum=Category.values, description="The merchants' category."),
    OpenApiParameter("segment", str, enum=Segment.values, description="The merchants' segment."),
    OpenApiParameter(
        "recruiter",
        int,
        description="A user id: the merchants this recruiter owns. A recruiter may give only their own id, "
        "a recruitment head the people of their department.",
    ),
]


class DashboardSummaryView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        summary="The dashboard's figures over a period",
        parameters=[
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD (default: the month's first)."),
            OpenApiParameter("to", str, description="Last day, YYYY-MM-DD (default: the month's last)."),
            *FILTER_PARAMETERS,
        ],
        responses={
            200: inline_serializer(
                "DashboardSummary",
                {
                    "funnel": inline_serializer(
                        "DashboardFunnel",
                        {
                            name: serializers.IntegerField()
                            for name in ("submitted", "in_review", "approved", "rejected", "signed")
                        },
                    ),
                    "pass_rate": _PERCENT,
                    "cycle_time_working_days": serializers.CharField(allow_null=True),
                    "complaints": inline_serializer(
                        "DashboardComplaints",
                        {
                            "open": serializers.IntegerField(),
                            "overdue": serializers.IntegerField(),
                            "closed_within_7_working_days": _PERCENT,
                            "first_response_within_48h": _PERCENT,
                        },
                    ),
                    "churn": _PERCENT,
                    "rate_requests": inline_serializer(
                        "DashboardRateRequests",
                        {
                            "pending": serializers.IntegerField(),
                            "approved": serializers.IntegerField(),
                            "rejected": serializers.IntegerField(),
                            "median_hours_to_decide": serializers.CharField(allow_null=True),
                        },
                    ),
                },
            ),
            400: OpenApiResponse(
                description="`from` or `to` at fault (named): not YYYY-MM-DD, outside 2000–2099, "
                "`from` after `to`, or a period longer than about three years; `region`, `category`, "
                "`segment` or `recruiter` at fault (named): not a whole number or a choice, or no such record."
            ),
            403: OpenApiResponse(
                description="Not signed in, or not a staff member (merchants); or `recruiter` outside the "
                "reader's reach (a recruiter may filter only themselves, a head their department)."
            ),
        },
    )
    def get(self, request):
        period = period_from(request.query_params)
        filters = filters_from(request.query_params, request.user)
        return Response(summary_body(dashboard_summary(user=request.user, period=period, filters=filters)))


class DashboardLeaderboardView(APIView):
    """``GET /api/v1/dashboards/leaderboard/?from=&to=&plan=&region=&category=&segment=&recruiter=``:
    the recruiter leaderboard (``dashboards.leaderboard``) over the period and the page's
    filters, quotas from the plan chosen (``plan``, else the current one)."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        summary="The recruiter leaderboard over a period",
        parameters=[
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD (default: the month's first)."),
            OpenApiParameter("to", str, description="Last day, YYYY-MM-DD (default: the month's last)."),
            OpenApiParameter("plan", int, description="The plan whose quotas count (default: the current plan)."),
            *FILTER_PARAMETERS,
        ],
        responses={
            200: inline_serializer(
                "DashboardLeaderboardRow",
                {
                    "rank": serializers.IntegerField(help_text="Place among every recruiter of the company."),
                    "recruiter": serializers.IntegerField(),
                    "username": serializers.CharField(),
                    "name": serializers.CharField(),
                    "signings": serializers.IntegerField(),
                    "signing_points": serializers.CharField(),
                    "service_points": serializers.CharField(),
                    "points": serializers.CharField(),
                    "quota": serializers.IntegerField(allow_null=True),
                    "quota_signed": serializers.IntegerField(allow_null=True),
                    "attainment": _PERCENT,
                },
                many=True,
            ),
            400: OpenApiResponse(
                description="`from`, `to`, `plan`, `region`, `category`, `segment` or `recruiter` at fault (named)."
            ),
            403: OpenApiResponse(description="Not a staff member; or `recruiter` outside the reader's reach."),
        },
    )
    def get(self, request):
        period = period_from(request.query_params)
        filters = filters_from(request.query_params, request.user)
        plan = pick_plan(request.query_params)
        plan_rows = plan_progress(plan, request.user)["recruiters"] if plan else None
        rows = leaderboard(request.user, period, plan_rows=plan_rows, filters=filters)
        return Response(leaderboard_body(rows))
