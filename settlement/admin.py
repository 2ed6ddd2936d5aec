from django.contrib import admin

from .models import CardTransaction, Deposit, DepositEntry, DepositRuleSet


@admin.register(DepositRuleSet)
class DepositRuleSetAdmin(admin.ModelAdmin):
    """New versions only: a set once saved is never edited or deleted."""

    list_display = ["effective_from", "class_i", "class_ii", "class_iii", "refund_working_days"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class DepositEntryInline(admin.TabularInline):
    model = DepositEntry
    extra = 0
    fields = ["kind", "amount", "on", "reason", "status", "recorded_by", "recorded_at", "decided_by", "decided_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    """Read-only: the figures move through the services (the API's actions)."""

    list_display = ["merchant", "required", "received", "deducted", "refunded", "status", "refund_due"]
    list_filter = ["status"]
    search_fields = ["merchant__name"]
    list_select_related = ["merchant"]
    readonly_fields = [
        "merchant",
        "required",
        "received",
        "deducted",
        "refunded",
        "status",
        "refund_due",
        "refund_reminded_at",
        "created_at",
        "updated_at",
    ]
    inlines = [DepositEntryInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CardTransaction)
class CardTransactionAdmin(admin.ModelAdmin):
    list_display = ["reference", "merchant", "date", "amount", "created_at"]
    list_filter = ["date"]
    search_fields = ["reference", "merchant__name"]
    list_select_related = ["merchant"]
    readonly_fields = ["merchant", "date", "amount", "reference", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
