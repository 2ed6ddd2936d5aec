"""The alliance's HTML pages (``/alliance/``): the merchant portal's joint activities, and a
merchant's credit points with the redemption of 50 of them for a month's POS service fee
(the merchant's own in the portal; staff, the merchants they see), and the monthly referral
statement as a page and a PDF (the portal's own; staff, the merchants they see) — the
numbers of ``GET /api/v1/referrals/statement/``, from the same function."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.views.common import merchant_required
from workplace.batches import BatchInvalid, RowsInvalid
from workplace.exceptions import ApplicationError
from workplace.pdf import render_pdf
from workplace.roles import Role, has_role

from . import priority, redemptions, referrals, selectors, services
from .models import Participation, PointEntry
from .referral_import import FIELD_LABELS


@merchant_required
def portal_activities(request):
    """The activities the merchant's businesses are invited to, with their answers, and
    where every place is taken, priority for credit points (``redemptions.priority_buy``)."""
    taken = (
        Participation.objects.filter(activity=OuterRef("activity_id"), accepted_at__isnull=False)
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    invitations = list(
        Participation.objects.filter(merchant__user=request.user)
        .select_related("activity", "merchant")
        .annotate(taken=Coalesce(Subquery(taken), 0))
        .order_by("-activity__starts_on", "activity_id", "merchant_id")
    )
    today = timezone.localdate()
    for invitation in invitations:
        invitation.oversubscribed = priority.is_oversubscribed(invitation.activity, invitation.taken)
        invitation.may_buy_priority = (
            invitation.oversubscribed
            and invitation.accepted_at is None
            and invitation.priority_at is None
            and today <= invitation.activity.ends_on
        )
    context = {"invitations": invitations, "priority_price": redemptions.priority_price_on(today)}
    return render(request, "alliance/portal_activities.html", context)


@merchant_required
@require_POST
def portal_priority(request, pk: int):
    """Buy priority in an oversubscribed activity with the invited merchant's credit points."""
    invitation = get_object_or_404(Participation.objects.filter(merchant__user=request.user), pk=pk)
    activity = get_object_or_404(selectors.activities_for_user(request.user), pk=invitation.activity_id)
    try:
        entry = redemptions.priority_buy(activity=activity, by=request.user, merchant_id=invitation.merchant_id)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(points)d points redeemed: you now come right after grade A merchants for a freed place.")
            % {"points": -entry.points},
        )
    return redirect("alliance:portal_activities")


@merchant_required
@require_POST
def portal_answer(request, pk: int, answer: str):
    invitation = get_object_or_404(Participation.objects.filter(merchant__user=request.user), pk=pk)
    activity = get_object_or_404(selectors.activities_for_user(request.user), pk=invitation.activity_id)
    answer_service = services.participation_accept if answer == "accept" else services.participation_decline
    try:
        answer_service(activity=activity, by=request.user, merchant_id=invitation.merchant_id)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("alliance:portal_activities")


@login_required
def merchant_points(request, pk: int):
    """A merchant's credit points, their history, and (for those who may) the redemption of
    50 points for one month's POS service fee of one of its terminals."""
    merchant = redemptions.redeemable_merchant(user=request.user, merchant_id=pk)
    if merchant is None:
        raise Http404
    may_redeem = True
    try:
        redemptions.check_may_redeem(request.user)
    except ApplicationError:
        may_redeem = False
    if request.method == "POST":
        if not may_redeem:
            raise PermissionDenied
        try:
            redemptions.pos_fee_redeem(
                by=request.user,
                merchant=merchant,
                terminal=request.POST.get("terminal"),
                month=request.POST.get("month", ""),
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("50 points redeemed: the month's POS service fee counts as paid."))
        return redirect("alliance:merchant_points", pk=merchant.pk)
    entries = (
        PointEntry.objects.filter(merchant=merchant)
        .select_related("activity", "fee_credit__terminal")
        .order_by("-created_at", "-id")
    )
    entries = list(entries)
    context = {
        "merchant": merchant,
        "entries": entries,
        "balance": sum(entry.points for entry in entries),
        "needed": redemptions.POS_FEE_POINTS,
        "may_redeem": may_redeem,
        "terminals": merchant.terminals.filter(removed_on__isnull=True).order_by("serial"),
        "statement_url": _statement_url_for(request.user, merchant),
    }
    return render(request, "alliance/merchant_points.html", context)


def _statement_url_for(user, merchant) -> str:
    """Where ``user`` reads ``merchant``'s referral statement: the portal's page for its
    own portal account, the staff page for staff."""
    if selectors.is_staff_reader(user):
        return reverse("alliance:merchant_statement", args=[merchant.pk])
    return f"{reverse('alliance:portal_statement')}?merchant={merchant.pk}"


REFERRAL_FIELDS = ("activity", "from_merchant", "to_merchant", "customer_ref", "spend", "date")


@merchant_required
def portal_referrals(request):
    """The referrals the merchant's businesses made and received, and the form to record a
    customer it referred to another participant of an activity it takes part in (the same
    service and checks as ``POST /api/v1/referrals/``)."""
    taking_part = list(
        Participation.objects.filter(merchant__user=request.user, accepted_at__isnull=False)
        .select_related("activity", "merchant")
        .order_by("-activity__starts_on", "activity_id", "merchant_id")
    )
    activity_ids = {p.activity_id for p in taking_part}
    own_ids = {p.merchant_id for p in taking_part}
    counterparts = (
        Participation.objects.filter(activity_id__in=activity_ids, accepted_at__isnull=False)
        .exclude(merchant_id__in=own_ids)
        .select_related("activity", "merchant")
        .order_by("merchant__name", "merchant_id", "activity_id")
    )
    values = {name: request.POST.get(name, "").strip() for name in REFERRAL_FIELDS}
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if len(own_ids) == 1 and not values["from_merchant"]:
            values["from_merchant"] = str(next(iter(own_ids)))
        try:
            referrals.referrals_import(user=request.user, rows=[values])
        except RowsInvalid as error:
            errors = [
                (FIELD_LABELS.get(name, name), message)
                for row in error.rows
                for name, messages_of in row["errors"].items()
                for message in messages_of
            ]
        except (BatchInvalid, ApplicationError) as error:
            errors = [("", str(error.message))]
        else:
            messages.success(request, _("The referral is recorded."))
            return redirect("alliance:portal_referrals")
    recorded = (
        selectors.referrals_for_user(request.user)
        .select_related("activity", "from_merchant", "to_merchant")
        .order_by("-date", "-id")
    )
    context = {
        "taking_part": taking_part,
        "activities": list({p.activity_id: p.activity for p in taking_part}.values()),
        "own_merchants": list({p.merchant_id: p.merchant for p in taking_part}.values()),
        "counterparts": counterparts,
        "referrals": recorded,
        "own_ids": own_ids,
        "values": values,
        "errors": errors,
    }
    return render(request, "alliance/portal_referrals.html", context, status=400 if errors else 200)


# --- the monthly referral statement ----------------------------------------------------------


def last_month(today: dt.date) -> dt.date:
    """The first day of the month before ``today``'s: the statement shown by default."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _statement_month(request) -> tuple[dt.date | None, str]:
    """The month asked for (``?month=YYYY-MM``, last month by default), or the error."""
    value = request.GET.get("month", "").strip()
    if not value:
        return last_month(timezone.localdate()), ""
    try:
        return referrals.parse_month(value), ""
    except ApplicationError as error:
        return None, str(error.message)


def _month_of_path(value: str) -> dt.date:
    try:
        return referrals.parse_month(value)
    except ApplicationError:
        raise Http404 from None


def _seen_merchant(user, merchant_id):
    """The merchant among those ``user`` sees (the API's own lookup), else 404."""
    try:
        merchant = referrals.statement_merchant(user=user, merchant=merchant_id)
    except ApplicationError:
        merchant = None
    if merchant is None:
        raise Http404
    return merchant


def _portal_merchant(request):
    """The portal user's merchant: ``?merchant=`` among its own, else its first."""
    wanted = request.GET.get("merchant", "").strip()
    if wanted:
        return _seen_merchant(request.user, wanted)
    merchant = selectors.merchants_for_user(request.user).order_by("name", "pk").first()
    if merchant is None:
        raise Http404
    return merchant


def _statement_pdf(statement, *, filename_of, portal: bool) -> HttpResponse:
    context = {"statement": statement, "printed_at": timezone.now(), "portal": portal}
    pdf = render_pdf("alliance/pdf/referral_statement.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename_of}"'
    return response


def _filename(statement) -> str:
    return f"referral-statement-{statement.merchant.pk}-{statement.month:%Y-%m}.pdf"


def _statement_page(request, *, merchant, month, error, page_url, pdf_url_of, portal: bool, merchants=()):
    statement = referrals.referral_statement(merchant=merchant, month=month) if month else None
    shown = month or last_month(timezone.localdate())
    context = {
        "merchant": merchant,
        "merchants": merchants,
        "statement": statement,
        "month_value": request.GET.get("month", "") if error else f"{shown:%Y-%m}",
        "error": error,
        "page_url": page_url,
        "pdf_url": pdf_url_of(month) if month else "",
        "previous_month": f"{last_month(shown):%Y-%m}",
        "next_month": f"{(shown + dt.timedelta(days=32)).replace(day=1):%Y-%m}",
        "points_url": reverse("alliance:merchant_points", args=[merchant.pk]),
        "portal": portal,
    }
    return render(request, "alliance/referral_statement.html", context, status=400 if error else 200)


def _portal_pdf_url(merchant, merchants):
    def url_of(month: dt.date) -> str:
        url = reverse("alliance:portal_statement_pdf", args=[f"{month:%Y-%m}"])
        return f"{url}?merchant={merchant.pk}" if len(merchants) > 1 else url

    return url_of


@merchant_required
def portal_statement(request):
    """The merchant's own monthly referral statement (last month by default): per
    counterpart what it is owed, what it owes and the net, with the totals."""
    merchant = _portal_merchant(request)
    month, error = _statement_month(request)
    merchants = list(selectors.merchants_for_user(request.user).order_by("name", "pk"))
    return _statement_page(
        request,
        merchant=merchant,
        month=month,
        error=error,
        page_url=reverse("alliance:portal_statement"),
        pdf_url_of=_portal_pdf_url(merchant, merchants),
        portal=True,
        merchants=merchants if len(merchants) > 1 else (),
    )


@merchant_required
def portal_statement_pdf(request, month: str):
    statement = referrals.referral_statement(merchant=_portal_merchant(request), month=_month_of_path(month))
    return _statement_pdf(statement, filename_of=_filename(statement), portal=True)


def _check_staff(user) -> None:
    # The portal has its own page; staff reach a merchant's from its points page.
    if has_role(user, Role.MERCHANT) and not selectors.is_staff_reader(user):
        raise Http404


@login_required
def merchant_statement(request, pk: int):
    """A merchant's monthly referral statement for the staff who see it (its recruiter,
    their head, the company-wide managers); another merchant's is a 404."""
    _check_staff(request.user)
    merchant = _seen_merchant(request.user, pk)
    month, error = _statement_month(request)
    return _statement_page(
        request,
        merchant=merchant,
        month=month,
        error=error,
        page_url=reverse("alliance:merchant_statement", args=[merchant.pk]),
        pdf_url_of=lambda m: reverse("alliance:merchant_statement_pdf", args=[merchant.pk, f"{m:%Y-%m}"]),
        portal=False,
    )


@login_required
def merchant_statement_pdf(request, pk: int, month: str):
    _check_staff(request.user)
    statement = referrals.referral_statement(merchant=_seen_merchant(request.user, pk), month=_month_of_path(month))
    return _statement_pdf(statement, filename_of=_filename(statement), portal=False)
