"""Forms of the compensation pages (issue 9 §6).

They only parse the pages' input; every rule (which period a run may cover, who may
allocate, that the shares add up to the pool) lives in ``compensation.services``, whose
refusals the views show next to the field they name."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from merchants.forms import BootstrapMixin

from .models import PayrollRun, RunKind


class RunStartForm(BootstrapMixin, forms.Form):
    """Start a run of a kind for a period ("2026-10", "2026-Q3", "2026")."""

    kind = forms.ChoiceField(
        label=capfirst(PayrollRun._meta.get_field("kind").verbose_name),
        choices=RunKind.choices,
        initial=RunKind.MONTHLY,
    )
    period = forms.CharField(
        label=capfirst(PayrollRun._meta.get_field("period").verbose_name),
        max_length=7,
        help_text=_("A month like 2026-10, a quarter like 2026-Q3 or a year like 2026."),
    )

    def clean_period(self):
        return self.cleaned_data["period"].strip()


class FinalizeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)


class AllocationForm(BootstrapMixin, forms.Form):
    """One amount per recruitment manager of the department; an empty one is no share.
    The amounts are parsed and checked by ``allocation_propose`` (to the fen)."""

    def __init__(self, *args, candidates, initial_amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        initial_amounts = initial_amounts or {}
        for user in self.candidates:
            name = self.field_name(user.username)
            self.fields[name] = forms.CharField(
                label=user.get_full_name() or user.username,
                max_length=20,
                required=False,
                initial=initial_amounts.get(user.username, ""),
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control money"}
                ),
            )

    def add_error(self, field, error):
        # The service's refusals come after cleaning: mark their fields invalid too.
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    @staticmethod
    def field_name(username: str) -> str:
        return f"amount-{username}"

    def shares(self) -> list[dict]:
        """The shares to propose, in the candidates' order: the filled-in amounts."""
        shares = []
        for user in self.candidates:
            value = (self.cleaned_data.get(self.field_name(user.username)) or "").strip()
            if value:
                shares.append({"staff": user.username, "amount": value})
        return shares

    def rows(self):
        """(user, bound field) per candidate, for the template."""
        return [(user, self[self.field_name(user.username)]) for user in self.candidates]
