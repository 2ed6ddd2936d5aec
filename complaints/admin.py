"""Admin of complaint handling: the dated rule set (add-only once in force) and a
read-only view of complaints and what they left for payroll. Decisions are never deleted."""

from django.contrib import admin

from workplace.admin import StatusChangeInline
from workplace.rule_admin import DatedRuleAdmin

from . import selectors
from .models import Complaint, ComplaintEvent, ComplaintRuleSet, ComplaintStatusChange, Penalty, PointEvent


@admin.register(ComplaintRuleSet)
class ComplaintRuleSetAdmin(DatedRuleAdmin):
    """Deadlines, visits, penalties, points and quiet hours; a change is a new set."""

    list_display = [
        "effective_from",
        "reply_working_days",
        "solution_working_days",
        "follow_up_working_days",
        "panel_working_days",
        "penalty_accepted_responsible",
        "penalty_rejected_responsible",
    ]
    date_hierarchy = "effective_from"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComplaintStatusChangeInline(StatusChangeInline):
    model = ComplaintStatusChange


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["at", "step", "round", "dispute_level", "action", "by", "note", "internal"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "merchant", "type", "status", "round", "dispute_level", "received_at"]
    list_filter = ["status", "type", "dispute_level"]
    search_fields = ["number", "merchant__name", "description"]
    list_select_related = ["merchant"]
    inlines = [ComplaintEventInline, ComplaintStatusChangeInline]

    def get_queryset(self, request):
        return selectors.complaints_for_user(request.user, super().get_queryset(request))


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "person", "role", "amount", "month"]
    list_filter = ["month", "role"]
    list_select_related = ["complaint", "person"]


@admin.register(PointEvent)
class PointEventAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "recruiter", "kind", "points", "month"]
    list_filter = ["month", "kind"]
    list_select_related = ["complaint", "recruiter"]
