from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workplace.people import person_column

from .models import PayProfile


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
