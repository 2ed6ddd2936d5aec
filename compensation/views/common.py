"""What the compensation pages share: who may open them, the API files' links, the
fields' names in the reader's language, the run one may open."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from workplace.roles import Role, has_role, is_staff_member

from .. import selectors
from ..models import (
    PayrollLine,
    PayrollRun,
    RunStatus,
)
from ..services.lines import AMOUNT_FIELDS

START_PERMISSION = "compensation.add_payrollrun"
# The run page's columns, in the order of a payslip: the amounts, their total, the points.
LINE_COLUMNS = (*AMOUNT_FIELDS, "total", "points")
# The payslip's explanation: points first (they make the assessment pay), then each amount.
EXPLAINED_FIELDS = ("points", *AMOUNT_FIELDS)


def _is_staff(user) -> bool:
    """Someone on the staff who is not (also) a merchant: merchants see no pay."""
    return is_staff_member(user) and not has_role(user, Role.MERCHANT)


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not _is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def run_viewer_required(view):
    """Heads, the general manager and admins (``selectors.sees_runs``)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (_is_staff(request.user) and selectors.sees_runs(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def file_url(name: str, *args) -> str:
    """The URL of one of the API's files, or "" while that route does not exist (the link
    is hidden then)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def field_label(name: str, model=PayrollLine) -> str:
    """A field's name in the active language (the models' translated verbose names)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def field_labels(model, *names) -> dict[str, str]:
    return {name: field_label(name, model) for name in names}


def run_for(request, pk) -> PayrollRun:
    run = selectors.runs_for(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def is_stale(run: PayrollRun, today) -> bool:
    """A draft computed before its period ended, read after: figures of a preview."""
    return (
        run.status == RunStatus.DRAFT
        and run.computed_through is not None
        and run.computed_through <= run.ends_on < today
    )
