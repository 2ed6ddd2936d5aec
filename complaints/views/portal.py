"""The merchant's side in the portal: its complaints and the filing form (phone-friendly)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant
from workplace.exceptions import ApplicationError
from workplace.pagination import paginate

from .. import forms, queues
from .common import _files, _posted, merchant_required
from .filing import _receive


def _own_merchants(user):
    return Merchant.objects.filter(user=user).order_by("name", "id")


@merchant_required
def mine(request):
    """The merchant's complaints and their progress."""
    page = paginate(request, queues.merchant_complaints(user=request.user), per_page=20)
    return render(request, "complaints/portal/list.html", {"page": page, "now": timezone.now()})


@merchant_required
def file_complaint(request):
    """The merchant files a complaint from the portal (phone-friendly)."""
    own = list(_own_merchants(request.user))
    if not own:
        messages.error(request, _("Your account has no merchant yet: start with your application."))
        return redirect("merchants:portal")
    form = forms.PortalComplaintForm(_posted(request), _files(request), merchants=_own_merchants(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _receive(request, form, merchant=form.cleaned_data.get("merchant"))
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Your complaint %(number)s is received. We will reply by %(due)s.")
                % {
                    "number": complaint.number,
                    "due": timezone.localtime(complaint.reply_due).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("complaints:detail", pk=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/portal/file.html", {"form": form}, status=status)
