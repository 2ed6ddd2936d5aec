"""``/api/v1/settlements/`` and ``/api/v1/settlement-disputes/`` (API.md "Merchant money"):
thin adapters over ``settlement.selectors`` and ``settlement.services.payouts``.

Who: finance, the general manager and admins read every statement and dispute; recruiters
their merchants' (heads their department's), a merchant only its own; other roles get 403,
a record out of sight 404. Finance alone pays, holds and releases statements and opens and
closes disputes (``payouts``' decision); anyone else who can see the record gets 403.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a ValueError
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.models import Merchant
from workplace.api.parsers import JSONParser
from workplace.api.renderers import JSONRenderer
from workplace.exceptions import ApplicationError, NotPermitted

from .. import selectors
from ..models import SettlementDispute, Statement, StatementLine, StatementStatus
from ..services import payouts
from ..statement_pdf import exact_text, statement_pdf

# --- serializers ------------------------------------------------------------------------


class SettlementSerializer(serializers.ModelSerializer):
    """Exactly API.md's fields, with the id."""

    class Meta:
        model = Statement
        fields = ["id", "merchant", "period_start", "period_end", "gross", "commission", "net", "payable_on", "status"]
        read_only_fields = fields


class SettlementLineSerializer(serializers.ModelSerializer):
    rate = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        rounding=ROUND_HALF_UP,
        allow_null=True,
        read_only=True,
        help_text="Percent, 2 decimals (API.md); null: no rate in force on the day (the statement is held).",
    )
    rate_exact = serializers.SerializerMethodField(
        help_text='The rate as kept, in percent, not rounded ("3.11125"); null as rate.'
    )

    class Meta:
        model = StatementLine
        fields = ["id", "kind", "day", "amount", "rate", "rate_exact", "dispute"]
        read_only_fields = fields

    def get_rate_exact(self, line) -> str | None:
        return None if line.rate is None else exact_text(line.rate)


class SettlementDetailSerializer(SettlementSerializer):
    lines = SettlementLineSerializer(many=True, read_only=True)

    class Meta(SettlementSerializer.Meta):
        fields = [*SettlementSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class HoldSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the payout is held (at most 500 characters).")


DISPUTE_STATUSES = ("open", "closed")


class DisputeSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="open until finance closes it, then closed.")

    class Meta:
        model = SettlementDispute
        fields = ["id", "merchant", "day", "amount", "reason", "status", "opened_at", "closed_on", "close_note"]
        read_only_fields = fields

    def get_status(self, dispute) -> str:
        return "open" if dispute.closed_on is None else "closed"


class DisputeOpenSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(help_text="The merchant's id.")
    day = serializers.DateField(help_text="The day of the card consumption disputed (YYYY-MM-DD), not in the future.")
    amount = serializers.CharField(
        help_text='Yuan held back, at most 2 decimals ("200.00"); at most the day\'s consumption not yet disputed.'
    )
    reason = serializers.CharField(help_text="Why (at most 500 characters).")


class DisputeCloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, help_text="How it was resolved (optional, at most 2000 characters).")


# --- helpers ----------------------------------------------------------------------------


class ReadsSettlements(permissions.BasePermission):
    message = gettext_lazy("You may not see settlement statements.")

    def has_permission(self, request, view):
        return selectors.may_read_settlements(request.user)


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ApplicationError(gettext_lazy("Send a JSON object."), code="not_an_object")
    return request.data


def _id_param(value: str, field: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ApplicationError(gettext_lazy("Enter a whole number."), field=field)
    return int(value)


def _day_param(value: str, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 and value.isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise ApplicationError(gettext_lazy("Enter a date as YYYY-MM-DD."), field=field)
    return day


def _choice_param(value: str, field: str, choices) -> str:
    if value not in choices:
        raise ApplicationError(
            gettext_lazy("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}, field=field
        )
    return value


_ERRORS = {
    400: OpenApiResponse(description="A field at fault (named in the body)."),
    403: OpenApiResponse(description="The role may not do this (finance alone moves money)."),
    404: OpenApiResponse(description="No such record in the user's sight."),
    409: OpenApiResponse(description="Not allowed in the record's state (named in the body)."),
}
_READ_ERRORS = {
    400: OpenApiResponse(description="A filter at fault (named in the body)."),
    403: OpenApiResponse(description="The role may not see settlements."),
}

# --- statements -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=["settlement"],
        summary="Settlement statements (T+15), newest day first",
        parameters=[
            OpenApiParameter("merchant", int, description="Only this merchant's statements."),
            OpenApiParameter("status", str, enum=StatementStatus.values, description="Only statements in this state."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Statements whose period starts on or after."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Statements whose period ends on or before."),
        ],
        responses={200: SettlementSerializer(many=True), **_READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["settlement"],
        summary="A statement with its lines",
        responses={200: SettlementDetailSerializer, 403: _READ_ERRORS[403], 404: _ERRORS[404]},
    ),
)
class SettlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Settlement statements (结算单, SPEC.md §8): one per merchant and day, payable on T+15."""

    permission_classes = [ReadsSettlements]
    parser_classes = [JSONParser]
    filter_backends: list = []

    def get_serializer_class(self):
        return SettlementSerializer if self.action == "list" else SettlementDetailSerializer

    def get_queryset(self):
        queryset = selectors.statements_for_user(self.request.user)
        if self.action != "list":
            return queryset.prefetch_related("lines")
        params = self.request.query_params
        if (merchant := params.get("merchant")) is not None:
            queryset = queryset.filter(merchant_id=_id_param(merchant, "merchant"))
        if (wanted := params.get("status")) is not None:
            queryset = queryset.filter(status=_choice_param(wanted, "status", StatementStatus.values))
        start = _day_param(params["from"], "from") if "from" in params else None
        end = _day_param(params["to"], "to") if "to" in params else None
        if start and end and start > end:
            raise ApplicationError(gettext_lazy("The period ends before it starts."), field="to")
        if start:
            queryset = queryset.filter(period_start__gte=start)
        if end:
            queryset = queryset.filter(period_end__lte=end)
        return queryset.order_by("-period_end", "merchant_id", "id")

    def _answer(self, statement):
        statement = selectors.statements_for_user(self.request.user).prefetch_related("lines").get(pk=statement.pk)
        return Response(SettlementDetailSerializer(statement).data)

    @extend_schema(
        tags=["settlement"],
        summary="Record the payout of a payable statement, on or after its payable day (finance)",
        request=None,
        responses={200: SettlementDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._answer(payouts.statement_pay(statement=self.get_object(), by=request.user))

    @extend_schema(
        tags=["settlement"],
        summary="Hold the payout of a payable statement, with the reason (finance)",
        request=HoldSerializer,
        responses={200: SettlementDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        statement = self.get_object()
        if not payouts.may_move_money(request.user):
            raise NotPermitted(gettext_lazy("Only finance holds statement payouts."))
        data = _body(request)
        return self._answer(payouts.statement_hold(statement=statement, by=request.user, reason=data.get("reason")))

    @extend_schema(
        tags=["settlement"],
        summary="Release a held statement: payable again (finance); one held for want of a rate is priced first",
        request=None,
        responses={200: SettlementDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self._answer(payouts.statement_release(statement=self.get_object(), by=request.user))


class _FileView(APIView):
    """Errors are JSON whatever the client accepts; the file itself is binary."""

    renderer_classes = [JSONRenderer]
    permission_classes = [ReadsSettlements]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class StatementPdfView(_FileView):
    @extend_schema(
        tags=["settlement"],
        operation_id="settlements_statement_pdf",
        summary="The statement as PDF: every line with its day, amount, rate and commission; the totals",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            403: _READ_ERRORS[403],
            404: _ERRORS[404],
        },
    )
    def get(self, request, pk: int):
        statement = selectors.statements_for_user(request.user).filter(pk=pk).first()
        if statement is None:
            raise Http404
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="statement-{statement.merchant_id}-{statement.period_start.isoformat()}.pdf"'
        )
        return response


# --- disputes ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=["settlement"],
        summary="Settlement disputes, newest first",
        parameters=[
            OpenApiParameter("merchant", int, description="Only this merchant's disputes."),
            OpenApiParameter("status", str, enum=list(DISPUTE_STATUSES), description="open or closed."),
        ],
        responses={200: DisputeSerializer(many=True), **_READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["settlement"],
        summary="A settlement dispute",
        responses={200: DisputeSerializer, 403: _READ_ERRORS[403], 404: _ERRORS[404]},
    ),
)
class SettlementDisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Amounts of a merchant's day under dispute: held out of that day's statement, entering
    the statement of the day the dispute closes."""

    permission_classes = [ReadsSettlements]
    parser_classes = [JSONParser]
    serializer_class = DisputeSerializer
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.disputes_for_user(self.request.user)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        if (merchant := params.get("merchant")) is not None:
            queryset = queryset.filter(merchant_id=_id_param(merchant, "merchant"))
        if (wanted := params.get("status")) is not None:
            _choice_param(wanted, "status", DISPUTE_STATUSES)
            queryset = queryset.filter(closed_on__isnull=wanted == "open")
        return queryset.order_by("-opened_at", "-id")

    @extend_schema(
        tags=["settlement"],
        summary="Open a dispute over an amount of a merchant's day (finance): held out of that day's statement",
        request=DisputeOpenSerializer,
        responses={201: DisputeSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
        examples=[
            OpenApiExample(
                "A customer's complaint",
                value={"merchant": 12, "day": "2026-09-15", "amount": "200.00", "reason": "顾客投诉，待核实"},
                request_only=True,
            )
        ],
    )
    def create(self, request):
        if not payouts.may_move_money(request.user):
            raise NotPermitted(gettext_lazy("Only finance opens settlement disputes."))
        data = _body(request)
        merchant_id = data.get("merchant")
        if isinstance(merchant_id, bool) or not isinstance(merchant_id, int):
            raise ApplicationError(gettext_lazy("Enter a merchant id."), field="merchant")
        merchant = Merchant.objects.filter(pk=merchant_id).first() if 0 < merchant_id < 2**63 else None
        if merchant is None:
            raise ApplicationError(gettext_lazy("No such merchant."), field="merchant", code="does_not_exist")
        dispute = payouts.dispute_open(
            merchant=merchant,
            by=request.user,
            day=data.get("day"),
            amount=data.get("amount"),
            reason=data.get("reason"),
        )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["settlement"],
        summary="Close a dispute (finance): its amount enters the statement of the closing day",
        request=DisputeCloseSerializer,
        responses={200: DisputeSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        dispute = get_object_or_404(selectors.disputes_for_user(request.user), pk=pk)
        if not payouts.may_move_money(request.user):
            raise NotPermitted(gettext_lazy("Only finance closes settlement disputes."))
        note = _body(request).get("note")
        dispute = payouts.dispute_close(dispute=dispute, by=request.user, note=note)
        return Response(DisputeSerializer(dispute).data)
