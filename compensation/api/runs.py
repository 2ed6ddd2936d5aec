"""``/api/v1/payroll-runs/`` and ``/api/v1/payslips/`` (API.md "Compensation"): thin
adapters over ``compensation.services`` and ``compensation.selectors``.

Who: department heads, the general manager and admins open runs (a head reads only their
department's lines and pool); starting and recomputing needs ``add_payrollrun``,
finalising and correcting ``finalize_payrollrun`` (the service checks); the allocation is
the head's, its approval the general manager's. Anyone on the staff reads their own
payslips (final runs) and downloads them as PDF. Merchants get 403 everywhere.
"""

from __future__ import annotations

import django_filters
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from workplace.api.renderers import JSONRenderer
from workplace.exceptions import NotPermitted
from workplace.roles import Role, has_role
from workplace.scoping import department_of

from .. import exports, selectors
from ..models import PayrollRun, RunKind, RunStatus, YearEndPool
from ..services import allocation as allocations
from ..services import runs as services
from . import serializers as s

BINARY = OpenApiResponse(OpenApiTypes.BINARY)
START_PERMISSION = "compensation.add_payrollrun"


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and not has_role(user, Role.MERCHANT))


class IsStaffNotMerchant(permissions.BasePermission):
    message = gettext_lazy("Only staff members may see pay.")

    def has_permission(self, request, view):
        return _staff(request.user)


class SeesRuns(permissions.BasePermission):
    message = s.NOT_A_RUN_VIEWER

    def has_permission(self, request, view):
        return _staff(request.user) and selectors.sees_runs(request.user)


class RunFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RunKind.choices)
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = PayrollRun
        fields = ["kind", "status"]


def _pools_for(user, run: PayrollRun):
    if run.kind != RunKind.YEAR_END:
        return []
    pools = YearEndPool.objects.filter(run=run).select_related("department")
    if not selectors.sees_all_pay(user):
        pools = pools.filter(department_id=department_of(user))
    return pools.prefetch_related(
        "allocations__proposed_by", "allocations__approved_by", "allocations__shares__staff"
    ).order_by("department__name")


def _action_schema(summary, request=None, responses=None):
    return extend_schema(
        tags=["compensation"], summary=summary, request=request, responses=responses or {200: s.RunDetailSerializer}
    )


@extend_schema_view(
    list=extend_schema(
        tags=["compensation"], summary="Payroll runs, newest period first", responses=s.RunSummarySerializer(many=True)
    ),
    retrieve=extend_schema(
        tags=["compensation"],
        summary="A run with the lines the caller may read and each line's explanation",
        responses=s.RunDetailSerializer,
    ),
    create=extend_schema(
        tags=["compensation"],
        summary="Start a run (or answer the existing one of that kind and period)",
        request=s.RunStartSerializer,
        responses={201: s.RunDetailSerializer, 200: s.RunDetailSerializer},
    ),
)
class PayrollRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly payroll, quarterly bonus and year-end bonus runs (SPEC.md §5.7)."""

    permission_classes = [SeesRuns]
    filterset_class = RunFilter
    serializer_class = s.RunSummarySerializer
    search_fields: list = []
    ordering_fields: list = []

    def get_queryset(self):
        return selectors.runs_for(self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([s.run_summary(run) for run in page])

    def _detail(self, run: PayrollRun, status_code=status.HTTP_200_OK, *, reload=True):
        if reload:  # after an action: the run as it is now
            run = PayrollRun.objects.get(pk=run.pk)
        lines = selectors.with_items(selectors.lines_for(self.request.user, run))
        return Response(s.run_detail(run, lines, _pools_for(self.request.user, run)), status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object(), reload=False)

    def _require_start_permission(self):
        if not self.request.user.has_perm(START_PERMISSION):
            raise NotPermitted(_("Only a department head, the general manager or an admin may start a payroll run."))

    def create(self, request, *args, **kwargs):
        self._require_start_permission()
        serializer = s.RunStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run, created = services.payroll_run_start(
            kind=serializer.validated_data["kind"], period=serializer.validated_data["period"], by=request.user
        )
        return self._detail(run, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @_action_schema("Recompute a draft from today's inputs (409 when final)")
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        run = self.get_object()
        self._require_start_permission()
        services.payroll_run_recompute(run=run, by=request.user)
        return self._detail(run)

    @_action_schema("Finalise a computed run whose period has ended (a manager; 409 after)", s.RunActionSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        run = self.get_object()
        data = s.RunActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.payroll_run_finalize(run=run, by=request.user, reason=data.validated_data.get("reason", ""))
        return self._detail(run)

    @_action_schema(
        "Correct a final run: each difference becomes an adjustment in the next open monthly payroll",
        s.RunActionSerializer,
        {201: s.CorrectionResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        run = self.get_object()
        data = s.RunActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustments = services.payroll_run_correct(
            run=run, by=request.user, reason=data.validated_data.get("reason", "")
        )
        detail = (
            _("%(count)s adjustments posted.") % {"count": len(adjustments)}
            if adjustments
            else _("The run's figures are unchanged; nothing to correct.")
        )
        return Response(
            {"adjustments": [s.adjustment_body(a) for a in adjustments], "detail": detail},
            status=status.HTTP_201_CREATED,
        )

    @_action_schema(
        "The department head's split of their department's year-end pool (the sum must equal the pool)",
        s.AllocationInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def allocation(self, request, pk=None):
        run = self.get_object()
        shares = request.data.get("shares") if isinstance(request.data, dict) else None
        allocations.allocation_propose(run=run, by=request.user, shares=shares)
        return self._detail(run)

    @_action_schema("The general manager approves the proposed allocations; the run is recomputed")
    @action(detail=True, methods=["post"], url_path="allocation/approve")
    def allocation_approve(self, request, pk=None):
        run = self.get_object()
        allocations.allocation_approve(run=run, by=request.user)
        return self._detail(run)


class _FileView(APIView):
    """Errors are JSON whatever the client accepts; the file itself is binary."""

    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class RunExportView(_FileView):
    permission_classes = [SeesRuns]

    @extend_schema(
        tags=["compensation"],
        operation_id="payroll_runs_export_xlsx",
        summary="The run as XLSX: a sheet of lines and a sheet of explanations",
        responses={(200, exports.XLSX_CONTENT_TYPE): BINARY},
    )
    def get(self, request, pk: int):
        run = get_object_or_404(selectors.runs_for(request.user), pk=pk)
        lines = selectors.with_items(selectors.lines_for(request.user, run))
        response = HttpResponse(exports.run_workbook(run, lines), content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="payroll-{run.kind}-{run.period}.xlsx"'
        return response


class PayslipPdfView(_FileView):
    permission_classes = [IsStaffNotMerchant]

    @extend_schema(
        tags=["compensation"],
        operation_id="payroll_runs_payslip_pdf",
        summary="One person's payslip of the run as PDF (their own of a final run; a head their department's)",
        responses={(200, "application/pdf"): BINARY},
    )
    def get(self, request, pk: int, username: str):
        run = PayrollRun.objects.filter(pk=pk).first()
        line = selectors.payslip_for(request.user, run, username) if run else None
        if line is None:
            raise Http404
        response = HttpResponse(exports.payslip_pdf(line), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="payslip-{run.kind}-{run.period}-{line.staff.pk}.pdf"'
        return response


@extend_schema_view(
    list=extend_schema(
        tags=["compensation"],
        summary="The caller's own lines across final runs, newest first",
        responses=s.PayslipSerializer(many=True),
    )
)
class PayslipViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffNotMerchant]
    serializer_class = s.PayslipSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.with_items(selectors.payslips_of(self.request.user))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([s.payslip_body(line) for line in page])
