from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.models import Merchant
from merchants.selectors import merchants_for_user
from workplace.api.light import RememberedRowsMixin, validated
from workplace.exceptions import ApplicationError
from workplace.roles import Role, has_role, is_staff_member

from .. import selectors, services
from ..models import ApprovalStep, MerchantRate
from ..rules import display_percent, percent_text
from . import serializers
from .filters import MerchantRateFilter, RateRequestFilter


class IsStaffMember(permissions.BasePermission):
    message = _("Only staff members may use this.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and is_staff_member(user) and not has_role(user, Role.MERCHANT))


class IsMerchant(permissions.BasePermission):
    message = _("Only merchants may use this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and has_role(request.user, Role.MERCHANT))


class QuoteView(APIView):
    """Prepaid-card commission quote (SPEC.md §3): the standard in force for the category,
    the ratio (proposed ÷ standard × 100, shown with 2 decimals, compared exactly), who
    must approve and the step-by-step chain (empty within the recruiter's authority)."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        request=serializers.QuoteRequestSerializer, responses={200: serializers.QuoteSerializer}, tags=["calculators"]
    )
    def post(self, request):
        data = validated(serializers.QuoteRequestSerializer, request.data)  # one instance per thread (.light)
        quote = selectors.quote_prepaid_rate(category=data["category"], prepaid_rate=data["prepaid_rate"])
        return Response(
            {
                "standard_rate": f"{display_percent(quote.standard_rate)}",
                "ratio": f"{quote.display_ratio}",
                "required_role": quote.required_role,
                "chain": list(quote.chain),
            }
        )


@extend_schema(tags=["rate requests"])
class RateRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rate requests (SPEC.md §3): prepaid-card commissions (`kind` `prepaid`, field
    `prepaid_rate`), bank-card fee reductions (`bank_card`, field `bank_card_fee`; chain
    recruitment head → operations director → general manager) and POS service-fee waivers
    (`pos_fee_waiver`, no rate; the general manager decides). Staff only, scoped: a
    recruiter sees their own and their merchants', a head their department's, the
    operations director and the general manager everything."""

    permission_classes = [IsStaffMember]
    serializer_class = serializers.RateRequestSerializer
    filterset_class = RateRequestFilter
    search_fields = ["merchant__name", "reason"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return selectors.with_details(selectors.rate_requests_for_user(self.request.user))

    @extend_schema(request=serializers.RateRequestCreateSerializer, responses={201: serializers.RateRequestSerializer})
    def create(self, request):
        data = serializers.RateRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        merchant = merchants_for_user(request.user).filter(pk=values["merchant"]).first()
        if merchant is None:
            raise ApplicationError(_("No such merchant among yours."), field="merchant")
        rate = values.get("bank_card_fee") if values["kind"] == "bank_card" else values.get("prepaid_rate")
        created = services.rate_request_create(
            user=request.user,
            merchant=merchant,
            kind=values["kind"],
            proposed_rate=rate,
            reason=values["reason"],
            effective_from=values.get("effective_from"),
        )
        return Response(self._detail(created.pk), status=status.HTTP_201_CREATED)

    def _detail(self, pk):
        return serializers.RateRequestSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data

    @extend_schema(
        request=serializers.ApproveSerializer,
        responses={200: serializers.RateRequestSerializer},
        description="Approve the current step. Without `step`/`acting_for` you decide the step of your own "
        "level; to decide a lower level's step in its place name it (`step` or `acting_for`) and give a "
        "`reason` (400 naming `reason` without one). Nobody decides their own request or two steps of one "
        "request. 403: own request, a step of this request already decided by you, or a lower or unrelated "
        "level; 404: outside your scope; 409: the step named is not the one waiting, your own level's step "
        "is not current (a lower level's is: name it to act in place), or the request is closed.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        rate_request = self.get_object()
        data = serializers.ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rate_request_approve(
            user=request.user,
            rate_request=rate_request,
            comment=data.validated_data["comment"],
            step_role=data.validated_data["step_role"],
            reason=data.validated_data["reason"],
        )
        return Response(self._detail(rate_request.pk))

    @extend_schema(
        request=serializers.RejectSerializer,
        responses={200: serializers.RateRequestSerializer},
        description="Reject at the current step (the reason is mandatory); the request is refused there. "
        "`step`/`acting_for` as for approve: the reason then also says why you decide in place.",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        rate_request = self.get_object()
        data = serializers.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rate_request_reject(
            user=request.user,
            rate_request=rate_request,
            reason=data.validated_data["reason"],
            step_role=data.validated_data["step_role"],
        )
        return Response(self._detail(rate_request.pk))


@extend_schema(
    tags=["rate requests"],
    parameters=[
        OpenApiParameter(
            "include_lower",
            bool,
            description="Also list requests waiting on a lower level, on which you may act in place of an "
            "absent colleague (marked with `acting_for`).",
        )
    ],
)
class PendingApprovalsView(RememberedRowsMixin, ListAPIView):
    """What waits on the caller, oldest first: pending requests within their scope whose
    current step is a level they hold (recruitment head, operations director, general
    manager). Never their own requests."""

    permission_classes = [IsStaffMember]
    serializer_class = serializers.PendingApprovalSerializer
    filter_backends = []

    def get_queryset(self):
        include_lower = self.request.query_params.get("include_lower", "").lower() in ("1", "true", "yes")
        return selectors.queue_rows(selectors.pending_approvals_for(self.request.user, include_lower=include_lower))

    # The rows' steps and who decided them come from a prefetch (selectors.queue_rows).
    remembered_tables = (ApprovalStep._meta.db_table, get_user_model()._meta.db_table)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "held_roles": selectors.approver_roles_of(self.request.user)}

    def rows_depend_on(self, context):
        return tuple(context["held_roles"])


@extend_schema(tags=["rate requests"])
class MerchantRateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Merchants' agreed-rate history (staff, scoped like merchants); filter by `merchant`."""

    permission_classes = [IsStaffMember]
    serializer_class = serializers.MerchantRateSerializer
    filterset_class = MerchantRateFilter
    search_fields = []
    ordering_fields = ["effective_from", "id"]

    def get_queryset(self):
        merchants = merchants_for_user(self.request.user)
        return MerchantRate.objects.filter(merchant__in=merchants).order_by("merchant_id", "-effective_from", "-id")


@extend_schema(tags=["merchant portal"], responses={200: serializers.MyRatesSerializer(many=True)})
class MyRatesView(APIView):
    """The signed-in merchant's own rates with their approval references. Never the
    internal standard or the ratio; where no rate was agreed the category's rate applies."""

    permission_classes = [IsMerchant]

    def get(self, request):
        rows = []
        for merchant in Merchant.objects.filter(user=request.user).order_by("id"):
            rates = selectors.merchant_rates(merchant)
            rows.append(
                {
                    "merchant": merchant.pk,
                    "merchant_name": merchant.name,
                    "prepaid_rate": percent_text(rates["prepaid_rate"]),
                    "bank_card_fee": percent_text(rates["bank_card_fee"]),
                    "prepaid_reference": rates["prepaid_reference"],
                    "bank_card_reference": rates["bank_card_reference"],
                    "pos_fee_waived": selectors.pos_fee_waived(merchant),
                }
            )
        return Response(serializers.MyRatesSerializer(rows, many=True).data)
