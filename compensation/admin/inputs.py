"""The inputs of pay: pay profiles, terminal profits (with the file import), handovers."""

import datetime as dt

from django import forms
from django.contrib import admin
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _

from merchants.selectors import merchants_for_user
from workplace.people import person_column
from workplace.roles import Role, users_with_role
from workplace.scoping import scope_queryset

from ..models import (
    Handover,
    PayProfile,
    ProfitRecord,
)
from ..profit_import import ProfitImportViews
from ..services import handovers, profits
from .common import ServiceAddForm, _in_department_of


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
