"""Admin of complaint handling: the dated rule set (add-only once in force) and a
read-only view of complaints and what they left for payroll. Decisions are never deleted."""

from django import forms
from django.contrib import admin

from merchants.models import Merchant, MerchantStatus
from workplace.admin import StatusChangeInline
from workplace.exceptions import ApplicationError
from workplace.rule_admin import DatedRuleAdmin

from . import selectors, services
from .models import Complaint, ComplaintEvent, ComplaintRuleSet, ComplaintStatusChange, Penalty, PointEvent


@admin.register(ComplaintRuleSet)
class ComplaintRuleSetAdmin(DatedRuleAdmin):
    """Deadlines, visits, penalties, points and quiet hours; a change is a new set."""

    list_display = [
        "effective_from",
        "reply_working_days",
        "solution_working_days",
        "follow_up_working_days",
        "panel_working_days",
        "penalty_accepted_responsible",
        "penalty_rejected_responsible",
    ]
    date_hierarchy = "effective_from"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComplaintStatusChangeInline(StatusChangeInline):
    model = ComplaintStatusChange


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["at", "step", "round", "dispute_level", "action", "by", "note", "internal"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "merchant", "type", "status", "round", "dispute_level", "received_at"]
    list_filter = ["status", "type", "dispute_level"]
    search_fields = ["number", "merchant__name", "description"]
    list_select_related = ["merchant"]
    inlines = [ComplaintEventInline, ComplaintStatusChangeInline]

    def get_queryset(self, request):
        return selectors.complaints_for_user(request.user, super().get_queryset(request))


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "person", "role", "amount", "month"]
    list_filter = ["month", "role"]
    list_select_related = ["complaint", "person"]


class PositiveFeedbackForm(forms.ModelForm):
    """Customer service logs praise of a merchant: a good review for its recruiter."""

    class Meta:
        model = PointEvent
        fields = ["merchant", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["merchant"].required = True
        self.fields["merchant"].queryset = Merchant.objects.filter(status=MerchantStatus.ACTIVE).order_by("name")
        self.fields["note"].required = True
        self.fields["note"].widget = forms.Textarea(attrs={"rows": 3})

    def clean(self):
        data = super().clean()
        try:
            services.positive_feedback_check(by=self.user, merchant=data.get("merchant"), note=data.get("note", ""))
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))
        return data


@admin.register(PointEvent)
class PointEventAdmin(ReadOnlyAdmin):
    """Recruiter points from complaints, read-only; customer service adds the good
    reviews it hears outside a complaint (positive feedback)."""

    list_display = ["complaint", "merchant", "recruiter", "kind", "points", "month", "note"]
    list_filter = ["month", "kind"]
    list_select_related = ["complaint", "merchant", "recruiter"]

    def has_add_permission(self, request, obj=None):
        return services.is_customer_service(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class Form(PositiveFeedbackForm):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=user, **form_kwargs)

        return Form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["merchant", "note"]})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        form.instance = services.positive_feedback_log(
            by=request.user, merchant=form.cleaned_data["merchant"], note=form.cleaned_data["note"]
        )
        obj.pk = form.instance.pk
