import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.forms.models import construct_instance
from django.urls import NoReverseMatch, path, re_path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from merchants.selectors import merchants_for_user
from workplace.admin import StatusChangeInline
from workplace.exceptions import ApplicationError
from workplace.people import person_column
from workplace.roles import Role, users_with_role
from workplace.rule_admin import DatedRuleAdmin, EffectiveFromForm
from workplace.scoping import scope_queryset

from .models import (
    Adjustment,
    Allocation,
    AllocationShare,
    CompensationRuleSet,
    Handover,
    PayProfile,
    PayrollRun,
    PayrollRunStatusChange,
    ProfitRecord,
    RunStatus,
    YearEndPool,
)
from .profit_import import ProfitImportViews
from .selectors import sees_runs
from .services import handovers, profits, runs

User = get_user_model()


@admin.register(PayProfile)
class PayProfileAdmin(admin.ModelAdmin):
    list_display = [
        person_column("user", _("staff member")),
        "effective_from",
        "base_salary",
        "allowance",
        "position_allowance",
    ]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    date_hierarchy = "effective_from"

    def has_delete_permission(self, request, obj=None):
        # History is never rewritten: a change is a new row from its effective date.
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["user", "effective_from", "base_salary", "allowance", "position_allowance"] if obj else []


class ProfitMonthFilter(admin.SimpleListFilter):
    """The months that have profits, newest first (one query)."""

    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = ProfitRecord.objects.order_by("-month").values_list("month", flat=True).distinct()
        return [(f"{month:%Y-%m}", f"{month:%Y-%m}") for month in months]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            month = dt.date(int(value[:4]), int(value[5:7]), 1)
        except ValueError:
            return queryset.none()
        return queryset.filter(month=month)


@admin.register(ProfitRecord)
class ProfitRecordAdmin(admin.ModelAdmin):
    """Terminal profits: read here, written by the POS system's API and the file import
    (``compensation.profit_import``). Never deleted: the runs read them."""

    list_display = ["terminal_serial", "merchant", "month_shown", "profit", "source", "updated_at"]
    list_select_related = ["terminal__merchant"]
    list_filter = [ProfitMonthFilter, "source"]
    search_fields = ["terminal__serial", "terminal__merchant__name"]
    ordering = ["-month", "terminal__serial"]
    readonly_fields = ["terminal", "month", "profit", "source", "created_at", "updated_at"]
    fields = readonly_fields
    change_list_template = "admin/compensation/profitrecord/change_list.html"

    @admin.display(description=_("terminal serial"), ordering="terminal__serial")
    def terminal_serial(self, obj):
        return obj.terminal.serial

    @admin.display(description=_("merchant"), ordering="terminal__merchant__name")
    def merchant(self, obj):
        return obj.terminal.merchant.name

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, obj):
        return f"{obj.month:%Y-%m}"

    def has_add_permission(self, request):
        return False  # through the import (or the API), never one by one

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        views = ProfitImportViews(self)
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(views.upload), name="compensation_profitrecord_import"),
            path("import/confirm/", wrap(views.confirm), name="compensation_profitrecord_import_confirm"),
            re_path(
                r"^import/template\.(?P<kind>csv|xlsx)$",
                wrap(views.template),
                name="compensation_profitrecord_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": request.user.has_perm(profits.PERMISSION)}
        return super().changelist_view(request, extra_context)


# --- the rules, the inputs, the runs and their results (issue 9) -------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the runs and the pages: read here, never added, edited or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _month(day) -> str:
    return f"{day:%Y-%m}" if day else ""


class RuleSetForm(EffectiveFromForm):
    """A rule set's figures must hang together (the database says so too, in its own
    words): each refusal goes next to the field at fault."""

    _ORDERED = [
        ("points_ceiling", "points_floor", _("The upper threshold cannot be below the lower threshold.")),
        ("bonus_rate_cap", "bonus_base_rate", _("The highest rate cannot be below the base rate.")),
        ("pool_rate_cap", "pool_base_rate", _("The highest rate cannot be below the base rate.")),
    ]
    _POSITIVE = ["bonus_step", "pool_step", "churn_step_percent"]

    def clean(self):
        cleaned = super().clean()
        for high, low, message in self._ORDERED:
            if cleaned.get(high) is not None and cleaned.get(low) is not None and cleaned[high] < cleaned[low]:
                self.add_error(high, message)
        for name in self._POSITIVE:
            if cleaned.get(name) is not None and cleaned[name] <= 0:
                self.add_error(name, _("Must be greater than zero."))
        return cleaned


@admin.register(CompensationRuleSet)
class CompensationRuleSetAdmin(DatedRuleAdmin):
    """The pay rules' parameters (SPEC.md §5.1–§5.6): a change is a new set from a date;
    one in force is history (read only, never deleted)."""

    form = RuleSetForm
    list_display = [
        "effective_from",
        "points_class_i",
        "points_class_ii",
        "points_class_iii",
        "points_floor",
        "points_ceiling",
        "pos_min_profit",
        "bonus_base_rate",
        "pool_base_rate",
        "created_at",
    ]
    date_hierarchy = "effective_from"
    readonly_fields = ["created_at"]
    fieldsets = [
        (None, {"fields": ["effective_from"]}),
        (_("Monthly points (§5.1)"), {"fields": ["points_class_i", "points_class_ii", "points_class_iii"]}),
        (
            _("Assessment pay (§5.2)"),
            {
                "fields": [
                    "points_floor",
                    "points_ceiling",
                    "pay_below_per_point",
                    "pay_mid_per_point",
                    "pay_above_per_point",
                ]
            },
        ),
        (_("POS shortfall (§5.3)"), {"fields": ["pos_min_profit", "pos_grace_months"]}),
        (
            _("Quarterly bonus (§5.4)"),
            {
                "fields": [
                    "bonus_average_threshold",
                    "bonus_base_rate",
                    "bonus_step_rate",
                    "bonus_step",
                    "bonus_rate_cap",
                    "churn_free_percent",
                    "churn_step_percent",
                    "churn_step_rate",
                ]
            },
        ),
        (
            _("Year-end pool (§5.6)"),
            {
                "fields": [
                    "pool_average_threshold",
                    "pool_base_rate",
                    "pool_step_rate",
                    "pool_step",
                    "pool_rate_cap",
                    "min_service_months",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at"]}),
    ]


class ServiceAddForm(forms.ModelForm):
    """An add form whose record is written by a service: the form checks the input, then
    ``create`` runs the service, whose refusals go next to the field they name (in the
    reader's language, as the service words them). The admin's add view runs in one
    transaction, so nothing is left behind when a later step fails."""

    user = None  # set by the admin's get_form

    def create(self, data):  # pragma: no cover - each form says
        raise NotImplementedError

    def _post_clean(self):
        # The fields' own checks; uniqueness and the constraints are the service's, said
        # once in its own words.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)
        if self.errors:
            return
        try:
            self.instance = self.create(self.cleaned_data)
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))


class HandoverAddForm(ServiceAddForm):
    class Meta:
        model = Handover
        fields = ["merchant", "successor", "effective_on", "keeps_maintaining", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def create(self, data):
        return handovers.handover_record(
            merchant=data["merchant"],
            successor=data["successor"],
            effective_on=data["effective_on"],
            keeps_maintaining=data.get("keeps_maintaining", False),
            reason=data["reason"],
            by=self.user,
        )


def _in_department_of(user, people):
    """``people`` as far as ``user`` manages them: everyone for the whole company, their
    department's for a head."""
    return scope_queryset(people, user, department_path="staff_profile__department")


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    """Merchants handed from a leaving recruiter to a successor (SPEC.md §5.5). Recorded
    through ``handover_record`` (its checks, the merchant's new recruiter); once saved a
    handover is history: never edited or deleted."""

    leaver_name = person_column("leaver", _("leaving recruiter"))
    successor_name = person_column("successor", _("successor"))
    recorded_by_name = person_column("recorded_by", _("recorded by"))
    list_display = [
        "merchant",
        "leaver_name",
        "successor_name",
        "effective_on",
        "keeps_maintaining",
        "recorded_by_name",
    ]
    list_select_related = ["merchant", "leaver", "successor", "recorded_by"]
    list_filter = ["keeps_maintaining", "effective_on"]
    search_fields = [
        "merchant__name",
        "leaver__username",
        "leaver__first_name",
        "leaver__last_name",
        "successor__username",
        "successor__first_name",
        "successor__last_name",
        "reason",
    ]
    date_hierarchy = "effective_on"
    ordering = ["-effective_on", "-id"]
    autocomplete_fields = ["merchant"]
    readonly_fields = [
        "merchant",
        "leaver_name",
        "successor_name",
        "effective_on",
        "keeps_maintaining",
        "reason",
        "recorded_by_name",
        "recorded_at",
    ]

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, department_path="merchant__department")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("HandoverAddForm", (HandoverAddForm,), {"user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return HandoverAddForm._meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "merchant":
            kwargs["queryset"] = merchants_for_user(request.user)
        elif db_field.name == "successor":
            kwargs["queryset"] = _in_department_of(request.user, users_with_role(Role.RECRUITER))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Written by the service while the form was validated (form.instance is the row).
        pass

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class ParentViewInline:
    """An inline shown to whoever may view its parent (the roles hold no permission on
    the history rows themselves)."""

    parent_permission = ""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.parent_permission)


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
