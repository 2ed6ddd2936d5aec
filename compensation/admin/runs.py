"""Payroll runs, adjustments, year-end pools and allocations: read-only pages of what
the runs computed; adjustments added through their service."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from workplace.admin import StatusChangeInline
from workplace.people import person_column
from workplace.scoping import scope_queryset

from ..models import (
    Adjustment,
    Allocation,
    AllocationShare,
    PayrollRun,
    PayrollRunStatusChange,
    RunStatus,
    YearEndPool,
)
from ..selectors import sees_runs
from ..services import runs
from .common import ParentViewInline, ReadOnlyAdmin, ServiceAddForm, _in_department_of, _month

User = get_user_model()


class AdjustmentAddForm(ServiceAddForm):
    class Meta:
        model = Adjustment
        fields = ["staff", "month", "amount", "reason", "corrects"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month

    def create(self, data):
        return runs.adjustment_add(
            staff=data["staff"],
            month=data["month"],
            amount=data["amount"],
            reason=data["reason"],
            corrects=data.get("corrects"),
            by=self.user,
        )


@admin.register(Adjustment)
class AdjustmentAdmin(admin.ModelAdmin):
    """Corrections paid with a later monthly payroll: a final run is never edited. Added
    through ``adjustment_add``; once saved an adjustment is read only and never deleted."""

    staff_name = person_column("staff", _("staff member"))
    created_by_name = person_column("created_by", _("recorded by"))
    list_display = ["staff_name", "month_shown", "amount", "reason", "corrects", "created_by_name", "created_at"]
    list_select_related = ["staff", "corrects", "created_by"]
    list_filter = ["month"]
    search_fields = ["staff__username", "staff__first_name", "staff__last_name", "reason"]
    ordering = ["-month", "staff__username", "-id"]
    readonly_fields = ["staff_name", "month_shown", "amount", "reason", "corrects", "created_by_name", "created_at"]

    @admin.display(description=_("paid with the payroll of"), ordering="month")
    def month_shown(self, obj):
        return _month(obj.month)

    def get_queryset(self, request):
        return scope_queryset(
            super().get_queryset(request), request.user, department_path="staff__staff_profile__department"
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("AdjustmentAddForm", (AdjustmentAddForm,), {"user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return AdjustmentAddForm._meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            staff = User.objects.filter(is_active=True, staff_profile__isnull=False).order_by(
                "last_name", "first_name", "username", "pk"
            )
            kwargs["queryset"] = _in_department_of(request.user, staff)
        elif db_field.name == "corrects":
            # A draft is recomputed, not corrected: only final runs are corrected.
            kwargs["queryset"] = PayrollRun.objects.filter(status=RunStatus.FINAL).order_by("-starts_on", "kind")
            kwargs["required"] = False
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Written by the service while the form was validated (form.instance is the row).
        pass

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PayrollRunStatusChangeInline(ParentViewInline, StatusChangeInline):
    model = PayrollRunStatusChange
    parent_permission = "compensation.view_payrollrun"


def run_page_url(run) -> str | None:
    """The run's page (its lines, finalising, exports), when the pages are installed."""
    try:
        return reverse("compensation:run", args=[run.pk])
    except NoReverseMatch:
        return None


@admin.register(PayrollRun)
class PayrollRunAdmin(ReadOnlyAdmin):
    """Runs, read here: they are started, recomputed and finalised on their pages, the
    API and ``run_payroll`` — never added, edited or deleted in the back office."""

    list_display = ["kind", "period", "status", "computed_at", "finalized_by_name", "page"]
    list_select_related = ["finalized_by"]
    list_filter = ["kind", "status"]
    search_fields = ["period"]
    ordering = ["-starts_on", "kind", "-pk"]
    fields = [
        "kind",
        "period",
        "starts_on",
        "ends_on",
        "status",
        "rules",
        "computed_at",
        "computed_through",
        "created_by_name",
        "created_at",
        "finalized_by_name",
        "finalized_at",
        "page",
    ]
    readonly_fields = fields
    inlines = [PayrollRunStatusChangeInline]
    created_by_name = person_column("created_by", _("started by"))
    finalized_by_name = person_column("finalized_by", _("finalised by"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if sees_runs(request.user) else queryset.none()

    @admin.display(description=_("run page"))
    def page(self, obj):
        url = run_page_url(obj)
        if url is None:
            return ""
        return format_html('<a href="{}">{}</a>', url, _("Open the run"))


class AllocationInline(ParentViewInline, admin.TabularInline):
    model = Allocation
    parent_permission = "compensation.view_yearendpool"
    fields = ["status", "proposed_by_name", "proposed_at", "approved_by_name", "approved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    proposed_by_name = person_column("proposed_by", _("proposed by"))
    approved_by_name = person_column("approved_by", _("approved by"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by", "approved_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YearEndPool)
class YearEndPoolAdmin(ReadOnlyAdmin):
    """Each department's year-end pool in a year-end run (SPEC.md §5.6), as computed."""

    list_display = ["run", "department", "total_profit", "merchant_months", "average", "rate", "pool"]
    list_select_related = ["run", "department"]
    list_filter = ["run__period"]
    search_fields = ["department__name", "run__period"]
    ordering = ["-run__starts_on", "department__name"]
    fields = ["run", "department", "total_profit", "merchant_months", "average", "rate", "pool"]
    readonly_fields = fields
    inlines = [AllocationInline]

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, department_path="department")


class AllocationShareInline(ParentViewInline, admin.TabularInline):
    model = AllocationShare
    parent_permission = "compensation.view_allocation"
    fields = ["staff_name", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    staff_name = person_column("staff", _("staff member"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    """The department head's split of a pool and the general manager's approval, read
    here; proposing and approving happen on the allocation page."""

    list_display = [
        "pool_run",
        "pool_department",
        "pool_amount",
        "allocated",
        "status",
        "proposed_by_name",
        "proposed_at",
        "approved_by_name",
        "approved_at",
    ]
    proposed_by_name = AllocationInline.proposed_by_name
    approved_by_name = AllocationInline.approved_by_name
    list_select_related = ["pool__run", "pool__department", "proposed_by", "approved_by"]
    list_filter = ["status"]
    search_fields = ["pool__department__name", "pool__run__period"]
    ordering = ["-pool__run__starts_on", "pool__department__name", "-proposed_at", "-id"]
    fields = [
        "pool_run",
        "pool_department",
        "pool_amount",
        "status",
        "allocated",
        "proposed_by_name",
        "proposed_at",
        "approved_by_name",
        "approved_at",
    ]
    readonly_fields = fields
    inlines = [AllocationShareInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(shares_total=Sum("shares__amount"))
        return scope_queryset(queryset, request.user, department_path="pool__department")

    @admin.display(description=_("run"), ordering="pool__run__starts_on")
    def pool_run(self, obj):
        return str(obj.pool.run)

    @admin.display(description=_("department"), ordering="pool__department__name")
    def pool_department(self, obj):
        return obj.pool.department.name

    @admin.display(description=_("pool"), ordering="pool__pool")
    def pool_amount(self, obj):
        return obj.pool.pool

    @admin.display(description=_("allocated"))
    def allocated(self, obj):
        return obj.shares_total if obj.shares_total is not None else Decimal("0.00")
