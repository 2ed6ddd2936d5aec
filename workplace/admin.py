from auditlog import render as auditlog_render
from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.forms.utils import pretty_name
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from .audit_chain import verify_chain
from .models import CalendarOverride, CalendarYear, Department, Notification, StaffProfile
from .people import display_name, person_column

admin.site.site_header = _("Zhaoshang administration")
admin.site.site_title = _("Zhaoshang")
admin.site.index_title = _("Merchant recruitment back office")
# django-axes names no section of its own; the admin would show "Axes".
apps.get_app_config("axes").verbose_name = _("Login lockout")

User = get_user_model()


# --- shared pieces for the other apps' admins ---------------------------------------------


class StatusChangeInline(admin.TabularInline):
    """The read-only history of a workflow (a ``StatusChange`` model) inside its record:
    statuses by their labels, system reasons in the reader's language, people by name.
    Set ``model``; the rows' own ``__str__`` is not shown (see admin/base_site.html)."""

    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["changed_at", "from_status", "to_status", "reason_text", "changed_by_name"]
    readonly_fields = fields
    ordering = ["changed_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description=_("reason"))
    def reason_text(self, obj):
        # System reasons are stored untranslated (gettext_noop) and read in one's language.
        return gettext(obj.reason) if obj.reason else ""

    changed_by_name = person_column("changed_by", _("changed by"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the audit trail (django-auditlog), in the reader's language --------------------------


class ResourceTypeNameFilter(ResourceTypeFilter):
    """Resource types by their names ("商户 · 入驻申请"), not raw model names."""

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).order_by().values_list("content_type_id", flat=True).distinct()
        choices = []
        for content_type in ContentType.objects.filter(pk__in=list(ids)):
            model = content_type.model_class()
            if model is None:
                label = f"{content_type.app_label}.{content_type.model}"
            else:
                label = (
                    f"{apps.get_app_config(content_type.app_label).verbose_name} · {capfirst(model._meta.verbose_name)}"
                )
            choices.append((content_type.pk, label))
        return sorted(choices, key=lambda choice: str(choice[1]))


def _audited_field(entry, name):
    model = entry.content_type.model_class()
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def audit_changes(entry) -> dict:
    """The entry's changes without the reverse relations auditlog records when a record
    is created (``steps: commissions.ApprovalStep.None``): those are other records, not
    fields of this one, and carry no value."""
    shown = {}
    for name, change in entry.changes_dict.items():
        field = _audited_field(entry, name)
        if field is not None and field.auto_created and not field.concrete:
            continue
        shown[name] = change
    return shown


def audit_field_label(entry, name) -> str:
    """A changed field by its verbose name as the model writes it ("ID", not auditlog's
    "Id"; Chinese in a Chinese session)."""
    field = _audited_field(entry, name)
    if field is None or not hasattr(field, "verbose_name"):
        return pretty_name(name)
    return capfirst(field.verbose_name)


# auditlog's own headings, translated in locale/ (templates/_third_party_messages.txt);
# looked up by variable so that this app's catalogue does not take them in again.
_CHANGE_HEADINGS = ("Field", "From", "To")


class _ShownChanges:
    """An entry seen through ``audit_changes``, for auditlog's relationship table."""

    def __init__(self, entry, changes):
        self.content_type = entry.content_type
        self.changes_dict = changes


def render_audit_changes(entry):
    """The change table of an entry's page: auditlog's, with ``audit_changes`` and
    ``audit_field_label``."""
    changes = audit_changes(entry)
    if not changes:
        return ""
    fields = {name: change for name, change in changes.items() if not _is_m2m(change)}
    relations = {name: change for name, change in changes.items() if _is_m2m(change)}
    parts = []
    if fields:
        headings = ["#", *(gettext(heading) for heading in _CHANGE_HEADINGS)]
        rows = [format_html("<tr>{}</tr>", format_html_join("", "<th>{}</th>", ((h,) for h in headings)))]
        for number, (name, change) in enumerate(sorted(fields.items()), 1):
            values = ["***", "***"] if name == "password" else list(change)
            cells = [number, audit_field_label(entry, name), *values]
            rows.append(format_html("<tr>{}</tr>", format_html_join("", "<td>{}</td>", ((c,) for c in cells))))
        parts.append(format_html("<table>{}</table>", mark_safe("".join(rows))))
    if relations:
        parts.append(auditlog_render._render_m2m_changes(_ShownChanges(entry, relations), relations))
    return mark_safe("".join(parts))


def _is_m2m(change) -> bool:
    return isinstance(change, dict) and change.get("type") == "m2m"


CHAIN_PROBLEMS = {
    "digest_mismatch": _("the entry, or its seal, was changed after it was sealed, or an entry before it was removed"),
    "entry_missing": _("a sealed entry was deleted"),
    "unknown_key": _("its seal was made with a key that is not configured"),
    "actor_changed": _("the entry names a different actor than when it was sealed"),
    "sealed_late": _("the entry was sealed long after it was written: its first seal was removed"),
}

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    list_filter = ["action", ResourceTypeNameFilter, *LogEntryAdmin.list_filter[2:]]

    @admin.display(description=_("Changes"))
    def msg_short(self, obj):
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        changes = audit_changes(obj)
        fields = [str(audit_field_label(obj, name)) for name in changes]
        shown = pgettext("between list items", ", ").join(fields[:6]) + (" …" if len(fields) > 6 else "")
        return ngettext("%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(fields)) % {
            "count": len(fields),
            "fields": shown,
        }

    @admin.display(description=_("Changes"))
    def msg(self, obj):
        return render_audit_changes(obj)

    @admin.display(description=_("User"))
    def user_url(self, obj):
        if not obj.actor:
            return gettext("system")
        app_label, model = settings.AUTH_USER_MODEL.split(".")
        try:
            link = reverse(f"admin:{app_label}_{model.lower()}_change", args=[obj.actor.pk])
        except NoReverseMatch:
            return display_name(obj.actor)
        return format_html('<a href="{}">{}</a>', link, display_name(obj.actor))

    @admin.display(description=_("Correlation ID"))
    def cid_url(self, obj):
        return super().cid_url(obj)

    change_list_template = "admin/workplace/audit_log_change_list.html"

    def get_urls(self):
        verify = path("verify/", self.admin_site.admin_view(self.verify_view), name="auditlog_logentry_verify")
        return [verify, *super().get_urls()]

    def verify_view(self, request):
        """Recompute the audit trail's hash chain (workplace.audit_chain); it reads only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = verify_chain()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Audit trail check"),
            "opts": self.model._meta,
            "report": report,
            "problem": CHAIN_PROBLEMS.get(report.problem, report.problem),
        }
        return TemplateResponse(request, "admin/workplace/audit_verify.html", context)


# --- this app's models ---------------------------------------------------------------------


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["manager"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "role_list", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def has_delete_permission(self, request, obj=None):
        # People leave, records stay: deactivate instead of deleting.
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", person_column("head", _("head"))]
    list_select_related = ["head"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["head"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = [
        person_column("user", _("user")),
        "department",
        person_column("manager", _("manager")),
        "hire_date",
        "leave_date",
    ]
    list_filter = ["department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "department", "manager"]
    autocomplete_fields = ["user", "manager"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "note"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", person_column("recipient", _("recipient")), "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
