"""Forms of the complaint pages (SPEC.md §4).

They only parse the pages' input; every rule (who may act, in which step, what a valid
moment or visit is) lives in ``complaints.services``, which the views call with the
cleaned data and whose refusals are shown next to the field they name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from merchants.forms import BootstrapMixin

from .models import ComplaintType, Satisfaction

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos of the goods, receipts)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _yes(value) -> bool:
    return value == "yes"


class PortalComplaintForm(BootstrapMixin, forms.Form):
    """The merchant's own complaint, filed from the portal (phone-friendly)."""

    type = forms.ChoiceField(label=_("Type"), choices=ComplaintType.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("When and where, what went wrong, and what you would like us to do."),
    )
    attachments = MultipleFileField(label=_("Photos or receipts"), help_text=_("JPEG, PNG or PDF, at most 10 MB each."))
    merchant = forms.ModelChoiceField(label=_("Merchant"), queryset=None, required=False)

    def __init__(self, *args, merchants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = merchants
        # One merchant (the usual case): the service files for it, no choice to make.
        if len(merchants) < 2:
            del self.fields["merchant"]
        for radio in ("type",):
            self.fields[radio].widget.attrs["class"] = "form-check-input"


class IntakeForm(BootstrapMixin, forms.Form):
    """Customer service logs a complaint received by phone, at the counter or by letter."""

    merchant = forms.ModelChoiceField(label=_("Merchant"), queryset=None)
    type = forms.ChoiceField(label=_("Type"), choices=ComplaintType.choices)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Earlier today or yesterday; empty means now."),
    )
    attachments = MultipleFileField(label=_("Attachments"), help_text=_("JPEG, PNG or PDF, at most 10 MB each."))

    def __init__(self, *args, merchants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = merchants


class InvestigationForm(BootstrapMixin, forms.Form):
    """The investigation form (商户投诉调查表)."""

    valid = forms.ChoiceField(
        label=_("Is the complaint valid?"),
        choices=[("yes", _("Valid")), ("no", _("Not valid"))],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(label=_("Findings"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    responsible_department = forms.ChoiceField(label=_("Responsible department"), required=False)
    responsible_person = forms.ChoiceField(label=_("Responsible person"), required=False)

    def __init__(self, *args, departments=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid"].widget.attrs["class"] = "form-check-input"
        self.fields["responsible_department"].choices = [("", "—")] + [(d.code, d.name) for d in departments]
        self.fields["responsible_person"].choices = [("", "—")] + [
            (p.username, f"{p.get_full_name() or p.username} ({p.username})") for p in people
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "valid": _yes(data["valid"]),
            "findings": data["findings"],
            "responsible_department": data["responsible_department"] or None,
            "responsible_person": data["responsible_person"] or None,
        }


class SolutionForm(BootstrapMixin, forms.Form):
    """The responsible head's answer to the transfer slip (客户投诉传递单)."""

    solution = forms.CharField(label=_("Solution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self) -> dict:
        return {"solution": self.cleaned_data["solution"]}


class OpinionForm(BootstrapMixin, forms.Form):
    """The merchant's opinion form (商户意见表)."""

    accepted = forms.ChoiceField(
        label=_("Does the merchant accept the solution?"),
        choices=[("yes", _("Accepts")), ("no", _("Does not accept"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("Opinion"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the solution is not accepted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted"].widget.attrs["class"] = "form-check-input"

    def service_kwargs(self) -> dict:
        return {"accepted": _yes(self.cleaned_data["accepted"]), "opinion": self.cleaned_data["opinion"]}


class ImplementedForm(BootstrapMixin, forms.Form):
    notes = forms.CharField(
        label=_("What was done"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self) -> dict:
        return {"notes": self.cleaned_data["notes"]}


class VisitForm(BootstrapMixin, forms.Form):
    """A follow-up visit with the satisfaction survey (客户满意度调查表)."""

    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"visited_on": data["visited_on"], "satisfaction": data["satisfaction"], "notes": data["notes"]}


class CloseForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Closing note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class EscalateForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why escalate?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class ArbitrationDecisionForm(BootstrapMixin, forms.Form):
    """Level 2: the platform's arbitration panel's written decision."""

    panel = forms.MultipleChoiceField(
        label=_("Panel members"), help_text=_("At least two managers."), widget=forms.CheckboxSelectMultiple
    )
    decision = forms.CharField(label=_("Written decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = [(m.username, m.get_full_name() or m.username) for m in managers]
        self.fields["panel"].widget.attrs["class"] = "form-check-input"

    def service_kwargs(self) -> dict:
        return {"panel": self.cleaned_data["panel"], "decision": self.cleaned_data["decision"]}


class ExternalOutcomeForm(BootstrapMixin, forms.Form):
    """Level 3: what the external arbitration decided."""

    body = forms.CharField(label=_("Arbitration body"), max_length=200)
    case_number = forms.CharField(label=_("Case number"), max_length=100)
    outcome = forms.CharField(label=_("Outcome"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"body": data["body"], "case_number": data["case_number"], "outcome": data["outcome"]}


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("JPEG, PNG or PDF, at most 10 MB."))
    evidence = forms.BooleanField(label=_("Evidence for the arbitration"), required=False)

    def __init__(self, *args, evidence_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not evidence_allowed:
            del self.fields["evidence"]

    def service_kwargs(self) -> dict:
        return {"file": self.cleaned_data["file"], "evidence": self.cleaned_data.get("evidence", False)}
