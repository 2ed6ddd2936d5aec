"""What the complaint pages share: who you are, the complaint through its selector (a
complaint one may not see is a 404), the posted data and the seven steps' labels."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy, pgettext_lazy

from workplace.roles import Role, has_role, is_staff_member, roles_of

from .. import selectors, services
from ..models import Complaint

# The labels are lazy: each page shows them in its reader's language.
STEPS = [
    (1, gettext_lazy("Receive")),
    (2, gettext_lazy("Investigate")),
    (3, gettext_lazy("Transfer slip")),
    (4, gettext_lazy("Merchant's opinion")),
    (5, gettext_lazy("Implement")),
    (6, gettext_lazy("Follow-up visits")),
    (7, pgettext_lazy("complaint step", "Close")),
]


# ------------------------------------------------------------------------ who you are


def _is_merchant_only(user) -> bool:
    roles = roles_of(user)
    return Role.MERCHANT in roles and not (roles - {Role.MERCHANT}) and not user.is_superuser


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user) or has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def customer_service_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.is_customer_service(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def merchant_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, Role.MERCHANT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _complaint_for(request, pk) -> Complaint:
    try:
        return selectors.complaint_detail(user=request.user, complaint_id=pk)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _posted(request):
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None
