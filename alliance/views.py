"""The alliance's HTML pages (``/alliance/``): the merchant portal's joint activities, and a
merchant's credit points with the redemption of 50 of them for a month's POS service fee
(the merchant's own in the portal; staff, the merchants they see)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.views.common import merchant_required
from workplace.batches import BatchInvalid, RowsInvalid
from workplace.exceptions import ApplicationError

from . import redemptions, referrals, selectors, services
from .models import Participation, PointEntry
from .referral_import import FIELD_LABELS


@merchant_required
def portal_activities(request):
    """The activities the merchant's businesses are invited to, with their answers."""
    invitations = (
        Participation.objects.filter(merchant__user=request.user)
        .select_related("activity", "merchant")
        .order_by("-activity__starts_on", "activity_id", "merchant_id")
    )
    return render(request, "alliance/portal_activities.html", {"invitations": invitations})


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
    }
    return render(request, "alliance/merchant_points.html", context)


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
