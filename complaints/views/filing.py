"""Intake: customer service logs a complaint, and the filing shared with the portal (the
complaint and its files at once)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant
from workplace.exceptions import ApplicationError

from .. import forms, services
from .common import _files, _posted, customer_service_required


def _attach_all(complaint, user, files) -> None:
    for upload in files:
        services.attachment_add(complaint=complaint, by=user, file=upload)


def _receive(request, form, *, merchant, received_at=None):
    """File the complaint and its files at once: a refused file files nothing (every file
    is checked before anything is stored)."""
    data = form.cleaned_data
    services.attachments_check(data.get("attachments") or [])
    with transaction.atomic():
        complaint = services.complaint_receive(
            user=request.user,
            merchant=merchant,
            type=data["type"],
            description=data["description"],
            received_at=received_at,
        )
        _attach_all(complaint, request.user, data.get("attachments") or [])
    return complaint


def _intake_merchants():
    return Merchant.objects.order_by("name", "id")


@customer_service_required
def intake(request):
    form = forms.IntakeForm(_posted(request), _files(request), merchants=_intake_merchants())
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _receive(
                request, form, merchant=form.cleaned_data["merchant"], received_at=form.cleaned_data["received_at"]
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Complaint %(number)s logged; the reply is due by %(due)s.")
                % {
                    "number": complaint.number,
                    "due": timezone.localtime(complaint.reply_due).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("complaints:detail", pk=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/intake.html", {"form": form}, status=status)
