"""The alliance's HTML pages: the merchant portal's joint activities (``/alliance/``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.views.common import merchant_required
from workplace.exceptions import ApplicationError

from . import selectors, services
from .models import Participation


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
