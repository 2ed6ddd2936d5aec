from django.contrib import admin
from django.utils.translation import pgettext_lazy

from workplace.rule_admin import DatedRuleAdmin
from workplace.tasks import enqueue_on_commit

from .models import AlertBreach, AlertRuleSet


@admin.register(AlertRuleSet)
class AlertRuleSetAdmin(DatedRuleAdmin):
    """The alert thresholds: a change is a new set from a date; one in force is history
    (read only, never deleted). Each threshold is the last acceptable value."""

    list_display = [
        "effective_from",
        "pace_percent",
        "pace_grace_days",
        "activity_percent",
        "activity_min_average",
        "complaint_rate",
        "overdue_complaints",
    ]
    ordering = ["-effective_from"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from .tasks import evaluate_alerts

        # Judged with the new thresholds at once when they are in force from today.
        enqueue_on_commit(evaluate_alerts)


@admin.register(AlertBreach)
class AlertBreachAdmin(admin.ModelAdmin):
    """Breaches are written by the alert run only: read only here."""

    list_display = ["kind", "subject_type", "subject_name", "is_open", "opened_at", "notified_at", "cleared_at"]
    list_filter = ["kind", "subject_type", ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject_name"]
    readonly_fields = [
        "kind",
        "subject_type",
        "subject_id",
        "subject_name",
        "rules",
        "opened_at",
        "notified_at",
        "cleared_at",
        "figures",
    ]
    list_select_related = ["rules"]

    @admin.display(description=pgettext_lazy("alert", "open"), boolean=True)
    def is_open(self, obj):
        return obj.cleared_at is None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
