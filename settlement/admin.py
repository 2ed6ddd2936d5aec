from django.contrib import admin

from .models import (
    CardTransaction,
    Deposit,
    DepositEntry,
    DepositRuleSet,
    SettlementDispute,
    SettlementRuleSet,
    Statement,
    StatementLine,
)


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


@admin.register(SettlementRuleSet)
class SettlementRuleSetAdmin(admin.ModelAdmin):
    """New versions only: a set once saved is never edited or deleted."""

    list_display = [
        "effective_from",
        "promotion_window_from",
        "promotion_window_to",
        "promotion_months",
        "promotion_factor",
        "grade_a_discount",
    ]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class StatementLineInline(admin.TabularInline):
    model = StatementLine
    extra = 0
    fields = ["kind", "day", "amount", "rate", "transaction", "dispute"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


_STATEMENT_FIELDS = [
    "merchant",
    "period_start",
    "period_end",
    "gross",
    "commission",
    "net",
    "payable_on",
    "status",
    "rate",
    "promotion_applied",
    "discount_applied",
    "rule_set",
    "settled_at",
    "paid_at",
    "paid_by",
    "created_at",
]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Read-only: statements are made by the settling job, never edited or deleted."""

    list_display = ["merchant", "period_start", "gross", "commission", "net", "payable_on", "status"]
    list_filter = ["status", "period_start"]
    search_fields = ["merchant__name"]
    list_select_related = ["merchant"]
    readonly_fields = _STATEMENT_FIELDS
    inlines = [StatementLineInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SettlementDispute)
class SettlementDisputeAdmin(admin.ModelAdmin):
    """Read-only record of disputes; never deleted."""

    list_display = ["merchant", "day", "amount", "opened_at", "closed_on"]
    list_filter = ["closed_on"]
    search_fields = ["merchant__name", "reason"]
    list_select_related = ["merchant"]
    readonly_fields = [
        "merchant",
        "day",
        "amount",
        "reason",
        "opened_at",
        "opened_by",
        "closed_on",
        "closed_at",
        "closed_by",
        "close_note",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
