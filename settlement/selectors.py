"""Reads of merchant money, scoped by who asks (SPEC.md §0, issue #11 "who sees what"):
finance, the general manager and admins see every deposit, statement and dispute;
recruiters their merchants' (heads their department's); a merchant only its own. Other
roles see none."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from workplace.roles import Role, has_role
from workplace.scoping import scope_queryset

from .models import Deposit, DepositEntry, SettlementDispute, Statement, StatementLine

ALL_DEPOSITS = (Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN)
OWN_DEPOSITS = (Role.RECRUITER, Role.RECRUITMENT_HEAD, Role.MERCHANT)


def may_read_deposits(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, *ALL_DEPOSITS, *OWN_DEPOSITS)))


# Statements and disputes have the deposits' readers.
may_read_settlements = may_read_deposits


def _scoped(queryset: QuerySet, user) -> QuerySet:
    if not may_read_deposits(user):
        return queryset.none()
    if user.is_superuser or has_role(user, *ALL_DEPOSITS):
        return queryset
    return scope_queryset(
        queryset,
        user,
        owner_path="merchant__recruiter",
        department_path="merchant__department",
        merchant_user_path="merchant__user",
    )


def deposits_for_user(user) -> QuerySet[Deposit]:
    queryset = Deposit.objects.select_related("merchant").prefetch_related(
        Prefetch("entries", queryset=DepositEntry.objects.order_by("recorded_at", "id"))
    )
    return _scoped(queryset, user)


def statements_for_user(user) -> QuerySet[Statement]:
    """Settlement statements in the user's sight (with their merchant), by the deposits'
    rule: finance, the general manager and admins all; recruiters their merchants' (heads
    their department's); a merchant only its own; other roles none."""
    return _scoped(Statement.objects.select_related("merchant"), user)


def statement_lines(statement: Statement) -> QuerySet[StatementLine]:
    """A statement's lines in order: by day, then as recorded."""
    return statement.lines.order_by("day", "id")


def disputes_for_user(user) -> QuerySet[SettlementDispute]:
    """Settlement disputes in the user's sight (with their merchant), as the statements."""
    return _scoped(SettlementDispute.objects.select_related("merchant"), user)
