"""Back office of regions and plans. The forms check with the rules of ``plans.services``
(the same functions the API calls), so the admin cannot save what the API would refuse."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from workplace.exceptions import ApplicationError
from workplace.people import person_column

from . import services
from .models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region


def _checked(check, *args, **kwargs):
    """Run a rule of ``plans.services``; its refusal becomes the form's error."""
    try:
        return check(*args, **kwargs)
    except ApplicationError as error:
        raise ValidationError(str(error.message)) from error


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "code", "kind", "parent"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind"):
            _checked(services.check_region_place, kind=cleaned["kind"], parent=cleaned.get("parent"))
        return cleaned


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionForm
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "region", "starts_on", "ends_on", "notes", "class_i_negotiators"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on"):
            _checked(services.check_period, cleaned["starts_on"], cleaned["ends_on"], field="period")
        if cleaned.get("class_i_negotiators") is not None:
            _checked(services.check_negotiators, cleaned["class_i_negotiators"], field="class_i_negotiators")
        return cleaned


class PhaseFormSet(forms.BaseInlineFormSet):
    """Each phase inside the plan's period and region."""

    def clean(self):
        super().clean()
        plan = self.instance
        if not (plan.starts_on and plan.ends_on and plan.region_id):
            return
        area = services.area_of(plan.region)
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            if not cleaned or cleaned.get("DELETE") or not (cleaned.get("starts_on") and cleaned.get("ends_on")):
                continue
            try:
                services.check_period(cleaned["starts_on"], cleaned["ends_on"], field="period")
                services.check_within(
                    cleaned["starts_on"],
                    cleaned["ends_on"],
                    outer_starts_on=plan.starts_on,
                    outer_ends_on=plan.ends_on,
                    field="period",
                )
                services.check_phase_regions(list(cleaned.get("regions") or []), area=area, field="regions")
            except ApplicationError as error:
                form.add_error(None, str(error.message))


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0


class PhaseInline(admin.TabularInline):
    model = Phase
    formset = PhaseFormSet
    fields = ["name", "starts_on", "ends_on", "regions", "targets_link"]
    readonly_fields = ["targets_link"]
    extra = 0

    @admin.display(description=_("targets"))
    def targets_link(self, phase):
        if not phase.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:plans_phase_change", args=[phase.pk]), _("phase targets")
        )


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        recruiter = formset.form.base_fields["recruiter"]
        recruiter.queryset = recruiter.queryset.filter(groups__name__in=services.QUOTA_ROLES, is_active=True).distinct()
        return formset


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = [
        "name",
        "region",
        "starts_on",
        "ends_on",
        person_column("created_by", _("created by")),
        "updated_at",
    ]
    list_select_related = ["region", "created_by"]
    list_filter = ["region"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["class_i_negotiators"]
    inlines = [PlanTargetInline, PhaseInline, QuotaInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class PhaseTargetInline(admin.TabularInline):
    model = PhaseTarget
    extra = 0


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    """A phase's own targets (an inline cannot hold inlines); phases are added on their plan."""

    list_display = ["name", "plan", "starts_on", "ends_on"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    fields = ["plan", "name", "starts_on", "ends_on", "regions"]
    readonly_fields = ["plan", "name", "starts_on", "ends_on", "regions"]
    inlines = [PhaseTargetInline]

    def has_add_permission(self, request):
        return False
