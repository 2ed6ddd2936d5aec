from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.selectors import merchants_for_user
from workplace.people import person_column
from workplace.roles import MANAGEMENT_LADDER, ladder_rank
from workplace.rule_admin import DatedRuleAdmin

from . import selectors
from .models import (
    ApprovalRuleSet,
    ApprovalStep,
    AuthorityBand,
    AuthorityBandSet,
    CommissionStandard,
    MerchantRate,
    RateRequest,
    RateRequestStatusChange,
)


class AddOnlyAdmin(admin.ModelAdmin):
    """Rule tables: a change is a new row from its effective date; saved rows are history."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class EffectiveFromForm(forms.ModelForm):
    def clean_effective_from(self):
        value = self.cleaned_data["effective_from"]
        if value < timezone.localdate():
            # Past dates would rewrite what was in force; frozen requests keep their own copy anyway.
            raise forms.ValidationError(_("A new version takes effect today or later."))
        return value


@admin.register(CommissionStandard)
class CommissionStandardAdmin(AddOnlyAdmin):
    form = EffectiveFromForm
    list_display = ["category", "effective_from", "bank_card_fee", "prepaid_commission", "note", "created_at"]
    list_filter = ["category"]
    date_hierarchy = "effective_from"


class AuthorityBandFormSet(forms.BaseInlineFormSet):
    """A version's bands must go down as the level goes up: a higher level approves the
    deeper discounts. Bounds out of order would hand a deep discount to a lower level."""

    def clean(self):
        super().clean()
        bands = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("role") or data.get("min_ratio") is None:
                continue
            if data["min_ratio"] < 0:
                form.add_error("min_ratio", _("The bound cannot be negative."))
                continue
            bands.append((ladder_rank(data["role"]), data["min_ratio"], data.get("min_inclusive", False)))
        if any(self.errors):
            return
        if sorted(rank for rank, *_rest in bands) != list(range(len(MANAGEMENT_LADDER))):
            # Every level needs its band: a version is the whole table, read as it is.
            raise forms.ValidationError(_("Give one band for each of the four levels."))
        bands.sort()
        for (_rank, lower_bound, lower_inclusive), (_next, higher_bound, higher_inclusive) in zip(
            bands, bands[1:], strict=False
        ):
            # The higher level's band must start below the lower level's, or at the same
            # number when only the higher level includes it (> 50 director, ≥ 50 GM).
            same_bound_split = not lower_inclusive and higher_inclusive
            if higher_bound > lower_bound or (higher_bound == lower_bound and not same_bound_split):
                raise forms.ValidationError(
                    _("Each higher level must start below the level under it (e.g. 85, 70, 50, 0).")
                )


class AuthorityBandInline(admin.TabularInline):
    model = AuthorityBand
    formset = AuthorityBandFormSet
    extra = 4
    max_num = 4
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return obj is None


class AuthorityBandSetForm(EffectiveFromForm):
    class Meta:
        model = AuthorityBandSet
        fields = ["effective_from", "note"]


@admin.register(AuthorityBandSet)
class AuthorityBandSetAdmin(AddOnlyAdmin):
    form = AuthorityBandSetForm
    inlines = [AuthorityBandInline]
    list_display = ["effective_from", "bands_summary", "note", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bands")

    @admin.display(description=_("bands"))
    def bands_summary(self, obj):
        return "; ".join(str(band) for band in obj.bands.all())


@admin.register(ApprovalRuleSet)
class ApprovalRuleSetAdmin(DatedRuleAdmin):
    """The approval rules (reminder delay); a change is a new set from a date."""

    list_display = ["effective_from", "reminder_working_days", "note", "created_at"]
    date_hierarchy = "effective_from"


def _label(model, field):
    """A column's heading: the model field's own verbose name (already translated)."""
    return model._meta.get_field(field).verbose_name


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    # People by name (workplace.people.display_name), as on every other page.
    decided_by_name = person_column("decided_by", _label(ApprovalStep, "decided_by"))
    fields = [
        "position",
        "role",
        "activated_at",
        "decided_by_name",
        "decided_as",
        "decision",
        "comment",
        "acting_reason",
        "decided_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = RateRequestStatusChange
    extra = 0
    can_delete = False
    changed_by_name = person_column("changed_by", _label(RateRequestStatusChange, "changed_by"))
    fields = ["from_status", "to_status", "reason", "changed_by_name", "changed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions and their effects: recorded by the services, never edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RateRequest)
class RateRequestAdmin(ReadOnlyAdmin):
    inlines = [ApprovalStepInline, StatusChangeInline]
    list_display = [
        "reference",
        "merchant",
        "kind",
        "proposed_rate",
        "standard_rate",
        "display_ratio",
        "required_role",
        "status",
        "requested_by_name",
        "created_at",
    ]
    requested_by_name = person_column("requested_by", _label(RateRequest, "requested_by"))
    readonly_fields = ["requested_by_name"]
    list_filter = ["status", "kind", "required_role"]
    search_fields = ["merchant__name", "reason"]
    list_select_related = ["merchant", "requested_by"]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        # The record's page names the requester too, in the requester's place.
        fields = [name for name in super().get_fields(request, obj) if name != "requested_by_name"]
        return ["requested_by_name" if name == "requested_by" else name for name in fields]

    def get_queryset(self, request):
        return selectors.rate_requests_for_user(request.user, super().get_queryset(request))


@admin.register(MerchantRate)
class MerchantRateAdmin(ReadOnlyAdmin):
    """The merchants' rate history (staff)."""

    list_display = ["merchant", "kind", "rate", "effective_from", "reference", "created_at"]
    list_filter = ["kind"]
    search_fields = ["merchant__name"]
    list_select_related = ["merchant"]
    date_hierarchy = "effective_from"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(merchant__in=merchants_for_user(request.user))
