"""The recruiter admin: merchants and applications, scoped like every other surface
(``merchants_for_user``), lifecycle actions through the services, decisions and history
never deleted."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from workplace.admin import StatusChangeInline
from workplace.exceptions import ApplicationError
from workplace.people import display_name, person_column
from workplace.pii import lookup_hash
from workplace.rule_admin import DatedRuleAdmin

from . import extensions, selectors, services
from .models import (
    Application,
    ApplicationStatusChange,
    CheckRun,
    Contract,
    Document,
    Finding,
    Merchant,
    MerchantStatusChange,
    OnboardingRuleSet,
    SiteVisit,
    SiteVisitMedia,
    Terminal,
    TerminalStatusChange,
)
from .services.terminals import terminal_create_check, terminal_remove_check


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MerchantStatusChangeInline(StatusChangeInline):
    model = MerchantStatusChange


class TerminalStatusChangeInline(StatusChangeInline):
    model = TerminalStatusChange


class TerminalInline(ReadOnlyInline):
    """The merchant's terminals, read here; adding and removing go through the terminal
    pages (``TerminalAdmin``), which call the services and write the history."""

    model = Terminal
    fields = ["serial", "installed_on", "removed_on", "pays_service_fee"]
    readonly_fields = fields
    show_change_link = True


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "segment", "status", "district", "recruiter_name", "department", "signed_at"]
    list_filter = ["status", "category", "segment", "district", "entity_type", "department"]
    search_fields = ["name", "uscc", "address"]
    list_select_related = ["recruiter", "department"]
    recruiter_name = person_column("recruiter", _("recruiter"))
    date_hierarchy = "created_at"
    inlines = [TerminalInline, MerchantStatusChangeInline]
    actions = ["suspend_merchants", "reactivate_merchants", "terminate_merchants"]

    def get_search_results(self, request, queryset, search_term):
        """Also by the whole contact phone, which is encrypted: its keyed hash (workplace.pii)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(contact_phone_hash=lookup_hash(search_term))
        return found, may_have_duplicates

    readonly_fields = [
        "status",
        "status_reason",
        "signed_at",
        "signing_recruiter",
        "signed_class",
        "terminated_at",
        "user",
        "recruiter",
        "department",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "entity_type", "category", "segment", "uscc"]}),
        (_("Premises and contact"), {"fields": ["district", "address", "contact_phone"]}),
        (_("Ownership"), {"fields": ["user", "recruiter", "department"]}),
        (
            _("Lifecycle"),
            {"fields": ["status", "status_reason", "signed_at", "signing_recruiter", "signed_class", "terminated_at"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return selectors.merchants_for_user(request.user, super().get_queryset(request))

    @admin.display(description=_("POS terminals"))
    def add_terminal_link(self, merchant):
        if merchant is None or merchant.pk is None:
            return ""
        url = reverse("admin:merchants_terminal_add") + "?" + urlencode({"merchant": merchant.pk})
        return format_html('<a class="addlink" href="{}" id="add-terminal">{}</a>', url, _("Add a terminal"))

    @admin.display(description=_("More about the merchant"))
    def merchant_panels(self, merchant):
        # The apps above merchants' panels (settlement: the credit rating).
        if merchant is None or merchant.pk is None:
            return ""
        return extensions.render_merchant_panels(None, merchant)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "add_terminal_link", "merchant_panels"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm("merchants.add_terminal"):
            fieldsets.append((_("POS terminals"), {"fields": ["add_terminal_link"]}))
        if obj is not None and len(extensions.merchant_panels):
            fieldsets.append((_("More about the merchant"), {"fields": ["merchant_panels"]}))
        return fieldsets

    def has_add_permission(self, request):
        # Merchants come into being with their application (the portal) only.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _lifecycle(self, request, queryset, *, service, title, needs_reason=True):
        if needs_reason and "apply" not in request.POST:
            return TemplateResponse(
                request,
                "admin/merchants/merchant/lifecycle_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "title": title,
                    "merchants": queryset,
                    "form": ReasonForm(),
                    "action": request.POST.get("action"),
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        form = ReasonForm(request.POST) if needs_reason else None
        if form is not None and not form.is_valid():
            self.message_user(request, _("Please give a reason."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        reason = form.cleaned_data["reason"] if form is not None else ""
        done = 0
        for merchant in queryset:
            try:
                service(merchant=merchant, by=request.user, reason=reason)
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{merchant}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d merchant(s) updated.") % {"count": done}, messages.SUCCESS)
        return None

    @admin.action(description=_("Suspend selected merchants"), permissions=["change_status"])
    def suspend_merchants(self, request, queryset):
        return self._lifecycle(request, queryset, service=services.merchant_suspend, title=_("Suspend merchants"))

    @admin.action(description=_("Reactivate selected merchants"), permissions=["change_status"])
    def reactivate_merchants(self, request, queryset):
        return self._lifecycle(
            request, queryset, service=services.merchant_reactivate, title=_("Reactivate merchants"), needs_reason=False
        )

    @admin.action(description=_("Terminate selected merchants (churn)"), permissions=["change_status"])
    def terminate_merchants(self, request, queryset):
        return self._lifecycle(request, queryset, service=services.merchant_terminate, title=_("Terminate merchants"))

    def has_change_status_permission(self, request):
        return request.user.has_perm("merchants.change_merchant_status")


class ApplicationStatusChangeInline(StatusChangeInline):
    model = ApplicationStatusChange


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "number", "valid_until", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


class SiteVisitInline(ReadOnlyInline):
    model = SiteVisit
    fields = ["visited_on", "notes", "visitor", "created_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Applications by state and deadline. Decisions are taken on the review pages or
    the API (they run the checks); here they are read."""

    list_display = [
        "company_name",
        "status",
        "category",
        "district",
        "assignee_name",
        "merchant_recruiter",
        "submitted_at",
        "deadline",
    ]
    list_filter = ["status", "category", "entity_type", "district", "merchant__department"]
    search_fields = ["company_name", "uscc", "legal_rep_name", "address"]
    list_select_related = ["merchant", "merchant__recruiter", "assignee"]
    inlines = [DocumentInline, SiteVisitInline, ApplicationStatusChangeInline]
    readonly_fields = [field.name for field in Application._meta.fields if field.name not in ("id",)]

    def get_queryset(self, request):
        # The running deadline and its fallback flag, from the deadline table.
        return selectors.applications_for_user(request.user, super().get_queryset(request)).annotate(
            deadline=selectors.current_deadline(), deadline_fallback=selectors.current_deadline_fallback()
        )

    def get_ordering(self, request):
        # Soonest running deadline first, those without one last.
        return [F("deadline").asc(nulls_last=True), "-created_at"]

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline(self, application):
        """The deadline that runs in the application's status, flagged when it counted
        days of a year the working-day calendar does not know (SPEC.md §7)."""
        if application.deadline is None:
            return None
        shown = date_format(localtime(application.deadline), "Y-m-d H:i")
        if not application.deadline_fallback:
            return shown
        return format_html(
            '{} <span class="fallback-flag" title="{}">⚑ {}</span>',
            shown,
            _(
                "This deadline counted days of a year the working-day calendar does not know yet (Monday–Friday assumed)."
            ),
            _("Provisional calendar"),
        )

    @admin.display(description=_("recruiter"), ordering="merchant__recruiter")
    def merchant_recruiter(self, application):
        return display_name(application.merchant.recruiter) or None

    assignee_name = person_column("assignee", _("assignee"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["code", "blocking", "params", "document"]
    readonly_fields = fields


@admin.register(CheckRun)
class CheckRunAdmin(admin.ModelAdmin):
    list_display = ["application", "ran_at", "blocking"]
    list_filter = ["blocking"]
    list_select_related = ["application"]
    inlines = [FindingInline]
    readonly_fields = ["application", "ran_at", "blocking"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(application__in=selectors.applications_for_user(request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SiteVisitMediaInline(ReadOnlyInline):
    model = SiteVisitMedia
    fields = ["kind", "original_name", "content_type", "size", "sha256"]
    readonly_fields = fields


@admin.register(SiteVisit)
class SiteVisitAdmin(admin.ModelAdmin):
    list_display = ["application", "visited_on", "visitor"]
    list_select_related = ["application", "visitor"]
    inlines = [SiteVisitMediaInline]
    readonly_fields = ["application", "visited_on", "notes", "visitor", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(application__in=selectors.applications_for_user(request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["number", "merchant", "rendered_at", "signed_at", "signer_name"]
    list_select_related = ["merchant"]
    search_fields = ["number", "merchant__name", "signer_name"]
    readonly_fields = [field.name for field in Contract._meta.fields]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(merchant__in=selectors.merchants_for_user(request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TerminalAddForm(forms.ModelForm):
    """A new terminal, checked by ``services.terminal_create_check`` (refusals next to
    their field) and saved by ``services.terminal_create`` (with its history row)."""

    reason = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Terminal
        fields = ["merchant", "serial", "installed_on", "pays_service_fee"]

    user = None  # set by TerminalAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        merchant = cleaned.get("merchant")
        if merchant is None or "serial" in self.errors or "installed_on" in self.errors:
            return cleaned
        try:
            cleaned["serial"] = terminal_create_check(
                merchant=merchant, by=self.user, serial=cleaned.get("serial"), installed_on=cleaned.get("installed_on")
            )
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else "merchant", error.message)
        return cleaned

    def validate_unique(self):
        # The service's check says it, once, in its own words.
        pass


class TerminalRemoveForm(forms.ModelForm):
    """Removing a terminal (退机): the date and a note; ``services.terminal_remove``
    saves it with its history row. Nothing else of a terminal changes here."""

    reason = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Terminal
        fields = ["removed_on"]

    user = None

    def clean(self):
        cleaned = super().clean()
        removed_on = cleaned.get("removed_on")
        if "removed_on" in self.errors or removed_on is None:
            return cleaned
        current = Terminal.objects.select_related("merchant").get(pk=self.instance.pk)
        try:
            terminal_remove_check(terminal=current, by=self.user, removed_on=removed_on)
        except ApplicationError as error:
            self.add_error("removed_on", error.message)
        return cleaned

    def validate_unique(self):
        # The service's check covers the date order, in its own words.
        pass


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):
    """Terminals in scope. Adding and removing go through the services (their checks and
    history); a removed terminal is read only."""

    list_display = ["serial", "merchant", "installed_on", "removed_on", "pays_service_fee"]
    list_filter = ["pays_service_fee", "merchant__district"]
    search_fields = ["serial", "merchant__name"]
    list_select_related = ["merchant"]
    autocomplete_fields = ["merchant"]
    inlines = [TerminalStatusChangeInline]

    def get_queryset(self, request):
        return selectors.terminals_for_user(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The autocomplete only suggests merchants in scope; the posted id is checked too.
        if db_field.name == "merchant":
            kwargs["queryset"] = selectors.merchants_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = TerminalRemoveForm if obj is not None else TerminalAddForm
        kwargs["form"] = type(base.__name__, (base,), {"user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["merchant", "serial", "installed_on", "pays_service_fee", "reason"]
        fields = ["merchant", "serial", "installed_on", "pays_service_fee", "removed_on"]
        return fields if obj.removed_on else [*fields, "reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["merchant", "serial", "installed_on", "pays_service_fee"]

    def has_change_permission(self, request, obj=None):
        # A removed terminal is history: read only.
        if obj is not None and obj.removed_on:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("reason", "")
        if change:
            if "removed_on" in form.changed_data and obj.removed_on:
                services.terminal_remove(terminal=obj, by=request.user, removed_on=obj.removed_on, reason=reason)
            return
        terminal = services.terminal_create(
            merchant=obj.merchant,
            by=request.user,
            serial=obj.serial,
            installed_on=obj.installed_on,
            pays_service_fee=obj.pays_service_fee,
            reason=reason,
        )
        obj.pk, obj.created_at = terminal.pk, terminal.created_at

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OnboardingRuleSet)
class OnboardingRuleSetAdmin(DatedRuleAdmin):
    """Deadlines and document limits of onboarding; a change is a new set from a date."""

    list_display = [
        "effective_from",
        "check_working_days",
        "review_working_days",
        "resubmit_calendar_days",
        "expiry_warning_days",
        "max_document_mb",
    ]
    date_hierarchy = "effective_from"
