from django.contrib import admin
from django.urls import path

from . import selectors
from .models import Activity, Participation, PointEntry, PriorityPrice, Referral, ReferralShare
from .referral_import import ReferralImportView


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ("merchant", "invited_by", "invited_at", "accepted_at", "declined_at", "waitlisted_at", "priority_at")
    readonly_fields = ("invited_at", "waitlisted_at", "priority_at")
    raw_id_fields = ("merchant", "invited_by")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "district", "starts_on", "ends_on", "places", "subsidy", "created_by")
    list_filter = ("district",)
    search_fields = ("title", "district")
    date_hierarchy = "starts_on"
    raw_id_fields = ("created_by",)
    inlines = [ParticipationInline]

    # The back office shows what the API shows the same reader (alliance.selectors).
    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=selectors.activities_for_user(request.user).values("pk"))


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("customer_ref", "activity", "from_merchant", "to_merchant", "date", "spend", "share")
    list_filter = ("date",)
    search_fields = ("customer_ref", "from_merchant__name", "to_merchant__name")
    raw_id_fields = ("activity", "from_merchant", "to_merchant", "recorded_by")
    readonly_fields = ("share_percent", "share", "recorded_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=selectors.referrals_for_user(request.user).values("pk"))

    # A recorded referral is money owed: never deleted.
    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(ReferralImportView(self)), name="alliance_referral_import"),
            *super().get_urls(),
        ]


@admin.register(ReferralShare)
class ReferralShareAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "percent")

    # A rule change is a new row, never an edit.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriorityPrice)
class PriorityPriceAdmin(admin.ModelAdmin):
    """The credit points priority in an oversubscribed activity costs, from a date."""

    list_display = ("effective_from", "points")

    # A rule change is a new row, never an edit.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    list_display = ("merchant", "points", "reason", "activity", "created_at")
    list_filter = ("reason",)
    raw_id_fields = ("merchant", "activity", "referral", "survey", "fee_credit")

    # Points are a ledger: a correction is a new entry.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
