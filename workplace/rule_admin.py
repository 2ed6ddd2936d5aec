"""Admin for rule tables versioned by ``effective_from`` (SPEC.md: rule parameters live
in the database with effective dates; history is never rewritten).

A rule set can be added from today on. Once in force it is read-only and cannot be
deleted; a change is a new rule set from a later date. One not yet in force may still
be corrected or withdrawn.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def in_force_or_past(rule_set) -> bool:
    return rule_set is not None and rule_set.effective_from <= timezone.localdate()


class EffectiveFromForm(forms.ModelForm):
    def clean_effective_from(self):
        effective_from = self.cleaned_data["effective_from"]
        # A rule set that starts in the past would rewrite what was in force then.
        if effective_from and effective_from < timezone.localdate():
            raise forms.ValidationError(_("A rule set can only take effect from today or a later date."))
        return effective_from


class DatedRuleAdmin(admin.ModelAdmin):
    form = EffectiveFromForm

    def has_change_permission(self, request, obj=None):
        if in_force_or_past(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None or in_force_or_past(obj):
            return False
        return super().has_delete_permission(request, obj)
