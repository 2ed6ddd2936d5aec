"""``POST /api/v1/profit-records/`` (API.md "Compensation"): the POS system's monthly profit
per terminal, as an idempotent bulk upsert. A thin adapter: the permission (403), the
service (``compensation.services.profits``: the rows' checks, all-or-nothing), the counts.
The serializers here only describe the body for the schema; the rows are checked by the
service's plain functions, shared with the back office's file import."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workplace.roles import Role, has_role

from ..models import ProfitSource
from ..services import profits


class MayRecordProfits(permissions.BasePermission):
    """Staff with ``compensation.add_profitrecord`` (recruitment heads, admins); never a merchant."""

    message = _("You may not record terminal profits.")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and not has_role(user, Role.MERCHANT) and user.has_perm(profits.PERMISSION)
        )


class ProfitRowSerializer(serializers.Serializer):
    terminal_serial = serializers.CharField(help_text="The POS terminal's serial number.")
    month = serializers.RegexField(
        r"^\d{4}-\d{2}$", help_text="YYYY-MM; not after the current month, not before the terminal's installation."
    )
    profit = serializers.CharField(help_text='Yuan as a string, at most 2 decimals, not negative ("12.34").')


class ProfitUpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Records new for their terminal and month.")
    updated = serializers.IntegerField(help_text="Records that existed (their figure replaced, or unchanged).")


class ProfitRowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the list, from 0.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name (terminal_serial, month, profit, non_field_errors) → messages.",
    )


class ProfitBatchErrorSerializer(serializers.Serializer):
    rows = ProfitRowErrorSerializer(many=True, required=False, help_text="The rows at fault (code invalid_rows).")
    detail = serializers.CharField(required=False)
    code = serializers.CharField(
        required=False, help_text="invalid_rows, not_a_list, empty, too_many_rows or parse_error."
    )
    max_rows = serializers.IntegerField(required=False, help_text="With too_many_rows: the limit.")


class ProfitRecordUpsertView(APIView):
    permission_classes = [MayRecordProfits]

    @extend_schema(
        tags=["compensation"],
        summary="Bulk upsert of terminal profits from the POS system",
        description=(
            f"A list of at most {profits.MAX_ROWS} rows. One record per terminal and month: a row for an existing pair "
            "replaces its figure, so posting the same batch again changes nothing (every row counts as "
            "updated). One bad row rejects the whole batch and nothing is saved: the 400 lists every row "
            "at fault with its errors. Recruitment heads and admins."
        ),
        request=ProfitRowSerializer(many=True),
        responses={
            200: ProfitUpsertResultSerializer,
            400: OpenApiResponse(
                ProfitBatchErrorSerializer, description="A row at fault, or a body that is not a non-empty list."
            ),
            403: OpenApiResponse(description="Not allowed to record profits (merchants, most staff)."),
        },
        examples=[
            OpenApiExample(
                "Two terminals",
                value=[
                    {"terminal_serial": "POS00000001", "month": "2026-10", "profit": "62.50"},
                    {"terminal_serial": "POS00000002", "month": "2026-10", "profit": "0.00"},
                ],
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        result = profits.profit_records_upsert(user=request.user, rows=request.data, source=ProfitSource.API)
        return Response({"created": result.created, "updated": result.updated})
