import datetime as dt

from django.contrib import admin
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _

from workplace.people import person_column

from .models import PayProfile, ProfitRecord
from .profit_import import ProfitImportViews
from .services import profits


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
