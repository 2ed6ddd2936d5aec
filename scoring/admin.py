import datetime as dt

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workplace.people import person_column
from workplace.rule_admin import DatedRuleAdmin, EffectiveFromForm

from .models import Evaluation, ScoringRuleSet
from .selectors import evaluations_for_user


class ScoringRuleSetForm(EffectiveFromForm):
    class Meta:
        model = ScoringRuleSet
        fields = ["name", "effective_from", "brand_min", "brand_max", "class_two_threshold", "bands", "note"]


@admin.register(ScoringRuleSet)
class ScoringRuleSetAdmin(DatedRuleAdmin):
    """Rule sets are added, never rewritten: once in force a rule set is read-only, and a
    change is a new rule set from a later date (the add form starts from the one in force)."""

    form = ScoringRuleSetForm
    list_display = ["name", "in_force", "class_two_threshold", "created_by_name", "created_at"]
    list_select_related = ["created_by"]
    created_by_name = person_column("created_by", _("created by"))
    date_hierarchy = "effective_from"
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description=_("effective from"), ordering="effective_from")
    def in_force(self, rule_set):
        # The migration's first set reads "initial rules", not its placeholder date.
        return rule_set.in_force_label

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        current = ScoringRuleSet.objects.filter(effective_from__lte=timezone.localdate()).first()
        if current is not None:
            for field in ("name", "bands", "brand_min", "brand_max", "class_two_threshold"):
                initial.setdefault(field, getattr(current, field))
            initial.setdefault("effective_from", timezone.localdate() + dt.timedelta(days=1))
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Evaluations are decisions: read-only, never deleted. Made through the calculator."""

    list_display = ["created_at", "merchant", "score", "merchant_class", "evaluator_name", "rule_set"]
    evaluator_name = person_column("evaluator", _("evaluator"))
    list_filter = ["merchant_class", "category", "rule_set"]
    search_fields = ["merchant__name"]
    date_hierarchy = "created_at"
    list_select_related = ["merchant", "evaluator", "rule_set"]

    def get_queryset(self, request):
        return evaluations_for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
