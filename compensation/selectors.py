"""Reads of compensation, scoped by who asks (issue 9 §6): a staff member sees their own
lines of final runs (payslips); a recruitment head sees the runs and their department's
lines; the general manager and admins see everything; merchants and other roles nothing
beyond their own payslips."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from workplace.roles import Role, roles_of
from workplace.scoping import department_of

from .models import LineItem, PayProfile, PayrollLine, PayrollRun, RunStatus

WHOLE_COMPANY = frozenset({Role.GENERAL_MANAGER, Role.ADMIN})


def pay_profile_on(user, day: dt.date) -> PayProfile | None:
    """The pay profile in force for ``user`` on ``day``."""
    return PayProfile.objects.filter(user=user, effective_from__lte=day).order_by("-effective_from").first()


def sees_all_pay(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or roles_of(user) & WHOLE_COMPANY))


def sees_runs(user) -> bool:
    """Whether ``user`` may open runs at all (heads: their department's lines)."""
    return sees_all_pay(user) or Role.RECRUITMENT_HEAD in roles_of(user)


def runs_for(user) -> QuerySet:
    """The runs ``user`` may open, newest period first."""
    if not user.is_authenticated or not sees_runs(user):
        return PayrollRun.objects.none()
    return PayrollRun.objects.order_by("-starts_on", "kind", "-pk")


def lines_for(user, run: PayrollRun) -> QuerySet:
    """The lines of ``run`` that ``user`` may read, with the staff member and department."""
    lines = PayrollLine.objects.filter(run=run).select_related("staff", "department").order_by("staff__username")
    if sees_all_pay(user):
        return lines
    if Role.RECRUITMENT_HEAD in roles_of(user):
        department_id = department_of(user)
        return lines.filter(department_id=department_id) if department_id else lines.none()
    if run.status == RunStatus.FINAL:
        return lines.filter(staff=user)
    return lines.none()


def with_items(lines: QuerySet) -> QuerySet:
    """``lines`` with their explanation items (one more query)."""
    return lines.prefetch_related(Prefetch("items", queryset=LineItem.objects.order_by("position")))


def payslips_of(user) -> QuerySet:
    """The caller's own lines across final runs, newest first."""
    if not user.is_authenticated:
        return PayrollLine.objects.none()
    return (
        PayrollLine.objects.filter(staff=user, run__status=RunStatus.FINAL)
        .select_related("run", "staff", "department")
        .order_by("-run__starts_on", "run__kind")
    )


def payslip_for(user, run: PayrollRun, username: str) -> PayrollLine | None:
    """One person's line of ``run`` if ``user`` may read it (else ``None``: a 404)."""
    if "\x00" in username:  # no such user; PostgreSQL takes no NUL in a text literal
        return None
    return with_items(lines_for(user, run)).filter(staff__username=username).first()
