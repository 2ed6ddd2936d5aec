"""``/api/v1/activities/`` and ``/api/v1/referrals/`` (API.md "Alliance activities"): thin
adapters over ``alliance.services`` and ``alliance.selectors``.

Who: staff and merchants read the activities they see (``alliance.selectors``);
recruiters, heads of recruitment and company-wide managers create activities and invite
merchants (a recruiter their own, a head their department's, managers any signed merchant
of the district); an invited merchant accepts or declines (``accept``/``decline``).
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from workplace.api.parsers import JSONParser

from .. import redemptions, referrals, selectors, services
from ..models import PointEntry
from ..priority import Ranking
from . import serializers as s


@extend_schema_view(
    list=extend_schema(tags=["alliance"], summary="Joint activities, latest first"),
    retrieve=extend_schema(tags=["alliance"], summary="A joint activity with its invitations"),
    create=extend_schema(
        tags=["alliance"],
        summary="Create a joint activity and invite merchants (recruiters, heads, managers)",
        request=s.ActivityInputSerializer,
        responses={201: s.ActivitySerializer},
    ),
)
class ActivityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Joint customer-acquisition activities (联合拓客活动, SPEC.md §9)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ActivitySerializer
    parser_classes = [JSONParser]
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.activities_for_user(self.request.user)
        return selectors.activities_with_details(queryset).order_by("-starts_on", "-id")

    def _detail(self, activity, status_code=status.HTTP_200_OK):
        activity = selectors.activities_with_details(selectors.activities_for_user(self.request.user)).get(
            pk=activity.pk
        )
        return Response(s.ActivitySerializer(activity).data, status=status_code)

    def list(self, request, *args, **kwargs):
        """The page's activities, their limited ones' invitations ranked in two queries."""
        page = self.paginate_queryset(self.get_queryset())
        limited = [
            p.merchant_id for activity in page if activity.places is not None for p in activity.participations.all()
        ]
        context = self.get_serializer_context() | {"ranking": Ranking.of(limited, timezone.localdate())}
        return self.get_paginated_response(s.ActivitySerializer(page, many=True, context=context).data)

    def create(self, request, *args, **kwargs):
        services.check_may_organise(request.user)
        data = s.ActivityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_create(by=request.user, **data.validated_data)
        return self._detail(activity, status.HTTP_201_CREATED)

    @extend_schema(
        tags=["alliance"],
        summary="Invite more merchants (those already invited stay as they are)",
        request=s.InviteInputSerializer,
        responses=s.ActivitySerializer,
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        activity = self.get_object()
        services.check_may_organise(request.user)
        data = s.InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.activity_invite(activity=activity, by=request.user, **data.validated_data)
        return self._detail(activity)

    @extend_schema(
        tags=["alliance"],
        summary="The invited merchant takes part",
        request=s.AnswerInputSerializer,
        responses=s.ActivitySerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        activity = self.get_object()
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.participation_accept(activity=activity, by=request.user, merchant_id=data.validated_data["merchant"])
        return self._detail(activity)

    @extend_schema(
        tags=["alliance"],
        summary="The invited merchant declines (or withdraws before any referral)",
        request=s.AnswerInputSerializer,
        responses=s.ActivitySerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        activity = self.get_object()
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.participation_decline(activity=activity, by=request.user, merchant_id=data.validated_data["merchant"])
        return self._detail(activity)

    @extend_schema(
        tags=["alliance"],
        summary="The invited merchant buys priority in an oversubscribed activity with credit points",
        description=(
            "Only when every place is taken and the merchant holds none: it spends the priority price in force "
            "(20 points by default) and is then ranked right after grade A merchants for a freed place. Once per "
            "activity; refused (400, naming the field) without enough points (points), when the activity is not "
            "oversubscribed, already taken part in or already bought (activity); 409 once the activity is over."
        ),
        request=s.AnswerInputSerializer,
        responses=s.ActivitySerializer,
    )
    @action(detail=True, methods=["post"])
    def priority(self, request, pk=None):
        activity = self.get_object()
        redemptions.check_may_buy_priority(request.user)
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemptions.priority_buy(activity=activity, by=request.user, merchant_id=data.validated_data["merchant"])
        return self._detail(activity)


class ReferralImportView(APIView):
    """``POST /api/v1/referrals/``: referrals recorded in bulk, idempotent on the customer reference."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["alliance"],
        summary="Record referrals (idempotent on customer_ref; all or nothing)",
        description=(
            f"A list of at most {referrals.MAX_ROWS} rows. A customer reference already recorded with the same "
            "values counts as unchanged; with other values the row is refused. One bad row rejects the whole "
            "batch: the 400 lists every row at fault with its errors. Merchants record the customers they "
            "referred; recruiters, heads and managers those of activities they see."
        ),
        request=s.ReferralRowSerializer(many=True),
        responses={
            200: s.ReferralImportResultSerializer,
            400: OpenApiResponse(
                s.ReferralBatchErrorSerializer, description="A row at fault, or not a non-empty list."
            ),
            403: OpenApiResponse(description="Not allowed to record referrals."),
        },
    )
    def post(self, request):
        result = referrals.referrals_import(user=request.user, rows=request.data)
        return Response({"created": result.created, "unchanged": result.unchanged})


class ReferralStatementView(APIView):
    """``GET /api/v1/referrals/statement/?merchant=ID&month=YYYY-MM``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["alliance"],
        summary="A merchant's monthly referral statement, netted per counterpart",
        parameters=[
            OpenApiParameter("merchant", int, required=True, description="The merchant (a merchant: its own)."),
            OpenApiParameter("month", str, required=True, description="YYYY-MM."),
        ],
        responses={200: s.StatementSerializer, 400: OpenApiResponse(description="A parameter at fault."), 404: None},
    )
    def get(self, request):
        month = referrals.parse_month(request.query_params.get("month"))
        merchant = referrals.statement_merchant(user=request.user, merchant=request.query_params.get("merchant"))
        if merchant is None:
            raise Http404
        statement = referrals.referral_statement(merchant=merchant, month=month)
        return Response(s.StatementSerializer(statement).data)


class MerchantPointsView(APIView):
    """``GET /api/v1/merchants/{id}/points/``: a merchant's credit points and their history."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["alliance"],
        summary="A merchant's credit points and their history, latest first",
        responses={200: s.PointsSerializer, 404: None},
    )
    def get(self, request, pk: int):
        merchant = selectors.merchants_for_user(request.user).filter(pk=pk).first()
        if merchant is None:
            raise Http404
        entries = list(
            PointEntry.objects.filter(merchant=merchant).select_related("fee_credit").order_by("-created_at", "-id")
        )
        data = {"merchant": merchant.pk, "balance": sum(e.points for e in entries), "entries": entries}
        return Response(s.PointsSerializer(data).data)
