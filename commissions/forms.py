from django import forms
from django.utils.translation import gettext_lazy as _

from workplace.roles import MANAGEMENT_LADDER

from .models import RequestKind


class RateRequestForm(forms.Form):
    """The recruiter's form; its preview shows the ratio and who must approve."""

    kind = forms.ChoiceField(label=_("kind"), choices=RequestKind.choices, initial=RequestKind.PREPAID)
    merchant = forms.ModelChoiceField(label=_("merchant"), queryset=None)
    proposed_rate = forms.DecimalField(
        label=_("proposed rate (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Prepaid-card commission or bank-card fee in percent; not needed for a POS fee waiver."),
        error_messages={
            "min_value": _("Enter a rate from 0 to 100."),
            "max_value": _("Enter a rate from 0 to 100."),
        },
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, merchants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = merchants
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("kind") in (RequestKind.PREPAID, RequestKind.BANK_CARD) and data.get("proposed_rate") is None:
            if "proposed_rate" not in self.errors:
                self.add_error("proposed_rate", _("Enter the proposed rate."))
        return data


class DecisionForm(forms.Form):
    """A decision from the queue. ``step`` is the step the page showed; a lower level's
    step is decided in its place and needs ``reason`` (checked by the service)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    step = forms.ChoiceField(choices=[(role.value, role.label) for role in MANAGEMENT_LADDER], required=False)
    comment = forms.CharField(label=_("comment or reason"), required=False, max_length=2000)
    reason = forms.CharField(label=_("reason for deciding in place"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Give the reason for the rejection."))
        return data
