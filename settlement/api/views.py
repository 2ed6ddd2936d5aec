"""``/api/v1/deposits/`` and ``POST /api/v1/card-transactions/`` (API.md "Merchant money"):
thin adapters over ``settlement.services`` and ``settlement.selectors``.

Who: finance, the general manager and admins read every deposit; recruiters their
merchants' (heads their department's), a merchant only its own; other roles get 403, a
deposit out of sight 404. Finance records receipts and refunds; a deduction is proposed by
finance and approved by the general manager (``/decide-deduction/``), or entered by the
general manager at once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from workplace.api.parsers import JSONParser
from workplace.exceptions import ApplicationError
from workplace.roles import Role, has_role

from .. import selectors, services
from ..services import card_transactions
from . import serializers as s


class ReadsDeposits(permissions.BasePermission):
    message = gettext_lazy("You may not see merchants' deposits.")

    def has_permission(self, request, view):
        return selectors.may_read_deposits(request.user)


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise ApplicationError(gettext_lazy("Send a JSON object."), code="not_an_object")
    return request.data


_ERRORS = {
    400: OpenApiResponse(description="A field at fault (named in the body)."),
    403: OpenApiResponse(description="The role may not do this."),
    404: OpenApiResponse(description="No such deposit in the user's sight."),
    409: OpenApiResponse(description="Not allowed in the deposit's state."),
}


@extend_schema_view(
    list=extend_schema(
        tags=["settlement"],
        summary="Deposits of signed merchants",
        parameters=[OpenApiParameter("merchant", int, description="Only this merchant's deposit.")],
    ),
    retrieve=extend_schema(tags=["settlement"], summary="A deposit with its history"),
)
class DepositViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deposits (保证金, SPEC.md §8)."""

    permission_classes = [ReadsDeposits]
    serializer_class = s.DepositSerializer
    parser_classes = [JSONParser]
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.deposits_for_user(self.request.user)
        if self.action == "list":
            merchant = self.request.query_params.get("merchant")
            if merchant is not None:
                if not merchant.isascii() or not merchant.isdigit() or len(merchant) > 18:
                    raise ApplicationError(gettext_lazy("Enter a merchant id."), field="merchant")
                queryset = queryset.filter(merchant_id=int(merchant))
            return queryset.order_by("-created_at", "-id")
        return queryset

    def _answer(self, deposit):
        deposit = self.get_queryset().get(pk=deposit.pk)
        return Response(s.DepositSerializer(deposit).data)

    @extend_schema(
        tags=["settlement"],
        summary="Record money received (finance)",
        request=s.ReceiveSerializer,
        responses={200: s.DepositSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        data = _body(request)
        deposit = services.deposit_receive(
            deposit=self.get_object(), by=request.user, amount=data.get("amount"), received_on=data.get("received_on")
        )
        return self._answer(deposit)

    @extend_schema(
        tags=["settlement"],
        summary="Deduct for a breach with a reason (finance proposes, the general manager approves)",
        request=s.DeductSerializer,
        responses={200: s.DepositSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def deduct(self, request, pk=None):
        data = _body(request)
        entry = services.deposit_deduct(
            deposit=self.get_object(), by=request.user, amount=data.get("amount"), reason=data.get("reason")
        )
        return self._answer(entry.deposit)

    @extend_schema(
        tags=["settlement"],
        summary="Approve or reject a pending deduction (the general manager)",
        request=s.DecideDeductionSerializer,
        responses={200: s.DepositSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="decide-deduction")
    def decide_deduction(self, request, pk=None):
        data = _body(request)
        approve = data.get("approve")
        if not isinstance(approve, bool):
            raise ApplicationError(gettext_lazy("Answer true or false."), field="approve")
        entry = services.deduction_decide(
            deposit=self.get_object(), entry_id=data.get("entry"), by=request.user, approve=approve
        )
        return self._answer(entry.deposit)

    @extend_schema(
        tags=["settlement"],
        summary="Record the refund after termination (finance)",
        request=s.RefundSerializer,
        responses={200: s.DepositSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        data = _body(request)
        deposit = services.deposit_refund(
            deposit=self.get_object(), by=request.user, amount=data.get("amount"), refunded_on=data.get("refunded_on")
        )
        return self._answer(deposit)


class MayRecordCardTransactions(permissions.BasePermission):
    """Finance and admins (``settlement.add_cardtransaction``); never a merchant."""

    message = gettext_lazy("You may not record card transactions.")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and not has_role(user, Role.MERCHANT)
            and user.has_perm(card_transactions.PERMISSION)
        )


class CardTransactionImportView(APIView):
    permission_classes = [MayRecordCardTransactions]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["settlement"],
        summary="Daily prepaid-card consumption per merchant, from the card system",
        description=(
            f"A list of at most {services.MAX_ROWS} rows. Idempotent on reference: a row whose reference is on "
            "file with the same merchant, date and amount changes nothing (counted unchanged); with other figures "
            "it is an error. One bad row rejects the whole batch and nothing is saved: the 400 lists every row at "
            "fault with its errors. Finance and admins."
        ),
        request=s.CardTransactionRowSerializer(many=True),
        responses={
            200: s.CardImportResultSerializer,
            400: OpenApiResponse(s.CardBatchErrorSerializer, description="A row at fault, or not a non-empty list."),
            403: OpenApiResponse(description="Not allowed to record card transactions."),
            409: OpenApiResponse(description="Another import recorded one of the references meanwhile."),
        },
        examples=[
            OpenApiExample(
                "Two days",
                value=[
                    {"merchant": 12, "date": "2026-10-08", "amount": "1234.50", "reference": "YK20261008-000012"},
                    {"merchant": 12, "date": "2026-10-09", "amount": "0.00", "reference": "YK20261009-000012"},
                ],
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        result = services.card_transactions_import(user=request.user, rows=request.data)
        return Response({"created": result.created, "unchanged": result.unchanged})
