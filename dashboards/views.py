"""The dashboard page (``/dashboards/``) and the records behind each of its figures
(``/dashboards/records/<figure>/``). Staff only; the figures and their records come from
the same builders in ``dashboards.selectors`` (the joint activities' in ``alliance.figures``,
through ``dashboards.alliance_panel``: ``alliance-<figure>`` with ``?activity=`` or
``?district=``), so a list's count is its figure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from alliance.models import Participation, Referral
from commissions.models import RateRequest
from complaints.models import Complaint
from merchants.models import Application, Category, Merchant, Segment
from plans.models import Plan, Region
from workplace.exceptions import ApplicationError
from workplace.pagination import paginate
from workplace.roles import Role, has_role, is_staff_member

from . import alliance_panel, charts
from .filters import FILTER_FIELDS, filters_from, recruiter_choices
from .leaderboard import leaderboard
from .periods import period_from
from .plan_panels import pick_plan, plan_chart_data, plan_panels
from .selectors import FIGURES, NO_FILTERS, PLAN_FIGURES, current_month, dashboard_summary, figure_records

FIGURE_TITLES = {
    "funnel-submitted": _("Applications submitted"),
    "funnel-in_review": _("Applications that entered review"),
    "funnel-approved": _("Applications approved"),
    "funnel-rejected": _("Applications rejected"),
    "funnel-signed": _("Contracts signed"),
    "decided": _("Applications decided (approved or rejected)"),
    "cycle-time": _("Approvals counted in the cycle time"),
    "complaints-open": _("Complaints open at the end of the period"),
    "complaints-overdue": _("Complaints overdue now"),
    "complaints-closed": _("Complaints closed in the period"),
    "complaints-answerable": _("Complaints received in the period and answerable"),
    "merchants-active": _("Merchants active at the start of the period"),
    "merchants-terminated": _("Merchants terminated in the period"),
    "merchants-signed": _("Merchants signed in the period"),
    "rate-requests-pending": _("Rate requests pending at the end of the period"),
    "rate-requests-approved": _("Rate requests approved in the period"),
    "rate-requests-rejected": _("Rate requests rejected in the period"),
    "alliance-invited": _("Merchants invited to joint activities"),
    "alliance-participants": _("Merchants taking part in joint activities"),
    "alliance-referrers": _("Participants who referred a customer"),
    "alliance-referred": _("Customers referred in joint activities"),
    "alliance-converted": _("Referred customers who spent"),
}


def _require_staff(user):
    if not is_staff_member(user) or (has_role(user, Role.MERCHANT) and not user.is_superuser):
        raise PermissionDenied


def _period_or_error(request):
    """The period of the query string, or the current month with the error to show."""
    try:
        return period_from(request.GET), None
    except ApplicationError as error:
        return current_month(), error


def _filters_or_error(request):
    """The filters of the query string, or none with the error to show."""
    try:
        return filters_from(request.GET, request.user), None
    except ApplicationError as error:
        return NO_FILTERS, error


def _status(*errors) -> int:
    found = [error for error in errors if error is not None]
    return max(error.status_code for error in found) if found else 200


def _filter_form(request, filters) -> dict:
    """The filter form's current values and choices."""
    return {
        "values": {name: request.GET.get(name, "") for name in (*FILTER_FIELDS, "plan")},
        "plans": Plan.objects.order_by("-starts_on", "-id").only("pk", "name"),
        "regions": Region.objects.select_related("parent").order_by("code"),
        "categories": Category.choices,
        "segments": Segment.choices,
        "recruiters": recruiter_choices(request.user),
    }


@login_required
def index(request):
    _require_staff(request.user)
    period, error = _period_or_error(request)
    filters, filter_error = _filters_or_error(request)
    summary = dashboard_summary(user=request.user, period=period, filters=filters)
    context = {
        "period": period,
        "filters": filters,
        "error": error,
        "filter_error": filter_error,
        "filter_form": _filter_form(request, filters),
        "form": {
            "from": request.GET.get("from", period.start.isoformat()),
            "to": request.GET.get("to", period.end.isoformat()),
        },
        "panels": charts.panels(summary, period, filters),
        "chart_data": charts.chart_data(summary),
    }
    context.update(_plan_context(request))
    plan_rows = context["plan_panels"]["progress"]["recruiters"] if context["plan_panels"] else None
    board = leaderboard(request.user, period, plan_rows=plan_rows, filters=filters)
    context["leaderboard"] = board
    context["downloads"] = _downloads(request, period, filters, context["plan_panels"])
    alliance = alliance_panel.alliance_panel(request.user, period, filters)
    context["alliance"] = alliance
    if alliance["activities"]:
        context["chart_data"]["alliance"] = alliance_panel.chart_data(alliance)
    context["chart_data"]["leaderboard"] = {
        "labels": [row["name"] for row in board],
        "signings": [row["signings"] for row in board],
        "points": [float(row["points"]) for row in board],
        "signings_label": _("Signings"),
        "points_label": pgettext("recruiter points", "Points"),
    }
    return render(request, "dashboards/index.html", context, status=_status(error, filter_error, context["plan_error"]))


def _downloads(request, period, filters, shown_plan) -> dict:
    """The XLSX and the monthly PDF of what the page shows: its filters, and the plan when
    one was picked (``?plan=``) and found; the XLSX over the page's period too."""
    picked = {"plan": str(shown_plan["plan"].pk)} if request.GET.get("plan") and shown_plan else {}
    xlsx = {"from": period.start.isoformat(), "to": period.end.isoformat(), **filters.params(), **picked}
    pdf = {**filters.params(), **picked}
    return {
        "xlsx": f"{reverse('dashboards:export_xlsx')}?{urlencode(xlsx)}",
        "pdf": reverse("dashboards:report_pdf") + (f"?{urlencode(pdf)}" if pdf else ""),
    }


def _plan_context(request) -> dict:
    """The plan section: the plan chosen (``?plan=``, else the current one), its panels
    and the data its charts draw; or the error naming ``plan``."""
    try:
        plan = pick_plan(request.GET)
    except ApplicationError as error:
        return {"plan_error": error, "plan_panels": None, "plan_chart_data": None}
    if plan is None:
        return {"plan_error": None, "plan_panels": None, "plan_chart_data": None}
    panels = plan_panels(plan, request.user)
    return {"plan_error": None, "plan_panels": panels, "plan_chart_data": plan_chart_data(panels)}


def _link(url_name, pk):
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return None


def _row(record) -> dict:
    """What a list row shows of any of the records behind a figure, with its own page."""
    if isinstance(record, Application):
        return {
            "name": record.company_name,
            "status": record.get_status_display(),
            "owner": record.merchant.recruiter,
            "when": record.submitted_at or record.created_at,
            "url": _link("merchants:review_detail", record.pk),
        }
    if isinstance(record, Complaint):
        return {
            "name": f"{record} · {record.merchant.name}",
            "status": record.get_status_display(),
            "owner": record.merchant.recruiter,
            "when": record.received_at,
            "url": _link("complaints:detail", record.pk),
        }
    if isinstance(record, Merchant):
        return {
            "name": record.name,
            "status": record.get_status_display(),
            "owner": record.recruiter,
            "when": record.terminated_at or record.signed_at,
            "url": _link("admin:merchants_merchant_change", record.pk),
        }
    if isinstance(record, RateRequest):
        return {
            "name": f"{record.reference} · {record.merchant.name}",
            "status": record.get_status_display(),
            "owner": record.requested_by,
            "when": record.closed_at or record.created_at,
            "url": _link("admin:commissions_raterequest_change", record.pk),
        }
    if isinstance(record, Participation):
        return {
            "name": f"{record.merchant.name} · {record.activity.title}",
            "status": _participation_status(record),
            "owner": record.merchant.recruiter,
            "when": record.accepted_at or record.declined_at or record.waitlisted_at or record.invited_at,
            "url": _link("admin:alliance_activity_change", record.activity_id),
        }
    if isinstance(record, Referral):
        return {
            "name": f"{record.customer_ref} · {record.from_merchant.name} → {record.to_merchant.name}",
            "status": _("Spent %(spend)s, share %(share)s") % {"spend": record.spend, "share": record.share},
            "owner": record.recorded_by,
            "when": record.date,
            "day_only": True,
            "url": _link("admin:alliance_referral_change", record.pk),
        }
    raise TypeError(type(record))


def _participation_status(participation) -> str:
    if participation.accepted_at is not None:
        return str(_("Taking part"))
    if participation.waitlisted_at is not None:
        return str(_("On the waiting list"))
    if participation.declined_at is not None:
        return str(_("Declined"))
    return str(_("Invited, no answer yet"))


_RELATED = {
    Application: ("merchant", "merchant__recruiter"),
    Complaint: ("merchant", "merchant__recruiter"),
    Merchant: ("recruiter",),
    RateRequest: ("merchant", "requested_by"),
    Participation: ("merchant", "merchant__recruiter", "activity"),
    Referral: ("activity", "from_merchant", "to_merchant", "recorded_by"),
}


@login_required
def records(request, figure):
    _require_staff(request.user)
    if figure not in FIGURES and figure not in PLAN_FIGURES and figure not in alliance_panel.ALLIANCE_FIGURES:
        raise Http404
    period, error = _period_or_error(request)
    filters, filter_error = _filters_or_error(request)
    subject = ""
    if figure in alliance_panel.ALLIANCE_FIGURES:
        try:
            queryset, subject = alliance_panel.alliance_records(request.user, period, figure, filters, request.GET)
        except ApplicationError as subject_error:
            error = error or subject_error
            queryset, subject = alliance_panel.alliance_records(request.user, period, figure, filters, {})
    else:
        queryset = figure_records(request.user, period, figure, filters=filters)
    queryset = queryset.select_related(*_RELATED[queryset.model]).order_by("-pk")
    page = paginate(request, queryset, per_page=50)
    context = {
        "period": period,
        "filters": filters,
        "error": error or filter_error,
        "figure": figure,
        "title": FIGURE_TITLES[figure],
        "subject": subject,
        "page": page,
        "rows": [_row(record) for record in page.object_list],
        "total": page.paginator.count,
    }
    return render(request, "dashboards/records.html", context, status=_status(error, filter_error))
