"""Forms of the merchant portal and the review pages.

They only parse and validate input for the pages; every rule about applications lives in
``merchants.services`` (and ``scoring``), which the views call with the cleaned data.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ApplicationStatus, Category, DocumentKind, EntityType, Segment

# Mainland mobile numbers (11 digits starting 1[3-9]) or landlines with area code
# (0558-1234567, 05581234567); spaces and hyphens are tolerated and stripped.
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(normalise_phone(value)):
        raise forms.ValidationError(
            _("Enter a mainland mobile number (11 digits) or a landline with its area code, e.g. 0558-1234567."),
            code="invalid_phone",
        )


class BootstrapMixin:
    """Give every widget Bootstrap's classes, and mark the invalid ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    def add_service_error(self, error) -> None:
        """Show an ``ApplicationError`` next to the field it names, or above the form."""
        field = getattr(error, "field", None)
        if field not in self.fields:
            field = None
        self.add_error(field, str(error.message))


# ---------------------------------------------------------------------------- portal


class RegistrationForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only; at most 150 characters."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Enter the same password as before, for verification."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with that username already exists."), code="duplicate_username")
        return username

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="password_mismatch"))
        elif first:
            # Validate against an unsaved user so "too similar to the username" works.
            candidate = get_user_model()(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# Districts and counties of Fuyang (阜阳), the plan's region (SPEC.md §6). The model keeps
# a free-text district, so these are suggestions, not a closed list.
FUYANG_DISTRICTS = ("颍州区", "颍东区", "颍泉区", "界首市", "临泉县", "太和县", "阜南县", "颍上县")


class ApplicationProfileForm(BootstrapMixin, forms.Form):
    """The company profile of an application (API.md ``/applications/`` fields)."""

    company_name = forms.CharField(label=_("Company name"), max_length=200)
    entity_type = forms.ChoiceField(label=_("Entity type"), choices=EntityType.choices)
    # No preselected category: it decides the rates and the site-visit rule.
    category = forms.ChoiceField(label=_("Category"), choices=[("", "---------"), *Category.choices])
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices, initial=Segment.BASIC)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        required=False,
        help_text=_("The 18-character code printed on the business licence (统一社会信用代码)."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    legal_rep_name = forms.CharField(label=_("Legal representative"), max_length=100)
    legal_rep_id_number = forms.CharField(
        label=_("ID number of the legal representative"),
        max_length=18,
        min_length=18,
        help_text=_("18-digit resident ID number; the last character may be X."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    district = forms.CharField(
        label=_("District or county"),
        max_length=50,
        widget=forms.TextInput(attrs={"list": "fuyang-districts"}),
    )
    address = forms.CharField(label=_("Business premises address"), max_length=300)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    districts = FUYANG_DISTRICTS

    def clean_uscc(self):
        return self.cleaned_data["uscc"].strip().upper()

    def clean_legal_rep_id_number(self):
        return self.cleaned_data["legal_rep_id_number"].strip().upper()

    def clean_contact_phone(self):
        return normalise_phone(self.cleaned_data["contact_phone"])


class DocumentUploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Certificate"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Certificate number"), max_length=50, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty if the certificate has no expiry date."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, max_mb: int, **kwargs):
        # The limit in force (OnboardingRuleSet), never a number written here.
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(size)s MB.") % {"size": max_mb}


class SignContractForm(BootstrapMixin, forms.Form):
    signer_name = forms.CharField(
        label=_("Your full name"),
        max_length=100,
        help_text=_("Type your name as the signature of the contract."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the contract and agree to its terms; typing my name is my signature."),
        error_messages={"required": _("You must agree to the terms to sign.")},
    )


# ---------------------------------------------------------------------------- review


class ReviewFilterForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.CharField(
        label=_("District"), required=False, widget=forms.TextInput(attrs={"list": "fuyang-districts"})
    )
    recruiter = forms.ModelChoiceField(label=_("Recruiter"), queryset=None, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    districts = FUYANG_DISTRICTS

    def __init__(self, *args, recruiters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All open"))] + [("all", _("All"))] + list(ApplicationStatus.choices)
        self.fields["category"].choices = [("", _("All"))] + list(Category.choices)
        self.fields["recruiter"].queryset = recruiters
        self.fields["recruiter"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        self.fields["recruiter"].empty_label = _("All")


class AssignForm(BootstrapMixin, forms.Form):
    recruiter = forms.ModelChoiceField(label=_("Reviewer / recruiter"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recruiter"].queryset = candidates
        self.fields["recruiter"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SiteVisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(
        label=pgettext_lazy("site visit", "Visited on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(label=pgettext_lazy("site visit", "Notes"), widget=forms.Textarea(attrs={"rows": 4}))
    media = MultipleFileField(label=_("Photos and videos"), required=False)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


def request_changes_form(data=None):
    return ReasonForm(data, prefix="changes", label=_("What must the merchant change?"))


def reject_form(data=None):
    return ReasonForm(data, prefix="reject", label=_("Reason for the rejection"))


class EvaluationForm(BootstrapMixin, forms.Form):
    """The star-rating calculator's inputs (SPEC.md §2); the scoring service validates
    them against the rule set in force and computes the score."""

    brand = forms.TypedChoiceField(label=_("Brand recognition & local influence"), coerce=int, choices=[])
    decoration = forms.ChoiceField(label=_("Decoration"), choices=[])
    area_sqm = forms.DecimalField(label=_("Business area (m²)"), min_value=0, max_digits=12, decimal_places=2)
    registered_capital = forms.DecimalField(
        label=_("Registered capital (yuan)"), min_value=0, max_digits=18, decimal_places=2
    )
    staff_count = forms.IntegerField(label=_("Staff count"), min_value=0)
    years_in_business = forms.DecimalField(label=_("Years in business"), min_value=0, max_digits=6, decimal_places=2)
    frequency = forms.ChoiceField(label=_("Consumption frequency"), choices=[])
    large_or_chain = forms.BooleanField(label=_("Large or chain supermarket"), required=False)

    def __init__(self, *args, brand_range=range(1, 6), decoration_choices=(), frequency_choices=(), **kwargs):
        # The choices are the star rating's (scoring, above merchants, passes them in).
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [(value, value) for value in brand_range]
        self.fields["decoration"].choices = list(decoration_choices)
        self.fields["frequency"].choices = list(frequency_choices)
