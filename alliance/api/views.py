"""``/api/v1/activities/`` and ``/api/v1/referrals/`` (API.md "Alliance activities"): thin
adapters over ``alliance.services`` and ``alliance.selectors``.

Who: staff and merchants read the activities they see (``alliance.selectors``);
recruiters, heads of recruitment and company-wide managers create activities and invite
merchants (a recruiter their own, a head their department's, managers any signed merchant
of the district); an invited merchant accepts or declines (``accept``/``decline``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from workplace.api.parsers import JSONParser

from .. import selectors, services
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
