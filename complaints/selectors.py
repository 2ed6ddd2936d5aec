"""Reads of the complaints app, scoped by user (SPEC.md §0, §4). Pages, API and jobs use these.

Who sees what: customer service, the operations director, the general manager and admins
see every complaint; a department head the complaints routed to their department; a
recruitment head those of their department's merchants; a recruiter those of their own
merchants (read-only); the responsible person and the arbitration panel's members the
ones they act on; a merchant its own. Anyone else sees nothing (a record outside one's
scope is a 404).
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from workplace.roles import COMPANY_WIDE_ROLES, Role, roles_of
from workplace.scoping import department_of

from .models import (
    Arbitration,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    DisputeLevel,
    FollowUpVisit,
    Penalty,
    PenaltyRole,
)

S = ComplaintStatus
SEES_ALL = COMPANY_WIDE_ROLES | {Role.CUSTOMER_SERVICE}


def complaints_for_user(user, queryset=None) -> QuerySet[Complaint]:
    """The complaints ``user`` may see."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    roles = roles_of(user)
    if user.is_superuser or roles & SEES_ALL:
        return queryset
    condition = Q(pk__in=[])
    department_id = department_of(user)
    if Role.DEPT_HEAD in roles and department_id is not None:
        condition |= Q(responsible_department_id=department_id)
    if Role.RECRUITMENT_HEAD in roles and department_id is not None:
        condition |= Q(merchant__department_id=department_id)
    if Role.RECRUITER in roles:
        condition |= Q(merchant__recruiter=user)
    if roles - {Role.MERCHANT}:
        condition |= Q(responsible_person=user) | Q(pk__in=Arbitration.objects.filter(panel=user).values("complaint"))
    if Role.MERCHANT in roles:
        condition |= Q(merchant__user=user)
    return queryset.filter(condition)


def is_merchant_view(user, complaint: Complaint) -> bool:
    """True when ``user`` reads the complaint as its merchant (no internal notes, no
    responsible person's name, no penalties)."""
    roles = roles_of(user)
    return Role.MERCHANT in roles and not (roles - {Role.MERCHANT}) and not user.is_superuser


def penalties_visible_to(user, complaint: Complaint) -> list[Penalty]:
    """The penalties of ``complaint`` that ``user`` may read: pay data (SPEC.md §4, §5).
    Customer service and the company-wide levels read all; the head penalised with the
    responsible person (their manager) reads both; anyone else who sees the complaint (a
    recruiter, a recruitment head, the responsible person) reads only their own; the
    merchant none. Filtered from the prefetched rows: no query of its own."""
    if is_merchant_view(user, complaint):
        return []
    penalties = list(complaint.penalties.all())
    if user.is_superuser or roles_of(user) & SEES_ALL:
        return penalties
    if any(penalty.person_id == user.pk and penalty.role == PenaltyRole.HEAD for penalty in penalties):
        return penalties
    return [penalty for penalty in penalties if penalty.person_id == user.pk]


def current_deadline():
    """The deadline that runs in the complaint's state, as an SQL expression (the same rule
    as ``services.current_deadline_of``)."""
    return Case(
        When(status__in=[S.RECEIVED, S.INVESTIGATING], then=F("reply_due")),
        When(status=S.AWAITING_SOLUTION, dispute_level=DisputeLevel.EXTERNAL, solution_due__isnull=True, then=None),
        When(
            status=S.AWAITING_SOLUTION,
            dispute_level=DisputeLevel.PLATFORM_PANEL,
            solution_due__isnull=True,
            then=F("panel_due"),
        ),
        When(status=S.AWAITING_SOLUTION, then=F("solution_due")),
        When(status=S.FOLLOW_UP, then=F("follow_up_due")),
        default=None,
    )


def current_deadline_fallback():
    """The ``_fallback`` flag of the running deadline, as an SQL expression (API.md: every
    deadline shown carries its flag)."""
    return Case(
        When(status__in=[S.RECEIVED, S.INVESTIGATING], then=F("reply_due_fallback")),
        When(
            status=S.AWAITING_SOLUTION,
            dispute_level=DisputeLevel.EXTERNAL,
            solution_due__isnull=True,
            then=Value(False),
        ),
        When(
            status=S.AWAITING_SOLUTION,
            dispute_level=DisputeLevel.PLATFORM_PANEL,
            solution_due__isnull=True,
            then=F("panel_due_fallback"),
        ),
        When(status=S.AWAITING_SOLUTION, then=F("solution_due_fallback")),
        When(status=S.FOLLOW_UP, then=F("follow_up_due_fallback")),
        default=Value(False),
        output_field=BooleanField(),
    )


def overdue_condition(now) -> Q:
    """Complaints whose running deadline has passed at ``now``."""
    return (
        Q(status__in=[S.RECEIVED, S.INVESTIGATING], reply_due__lt=now)
        # The head's solution, at any level (escalated: only once it runs again).
        | Q(status=S.AWAITING_SOLUTION, solution_due__lt=now)
        | Q(
            status=S.AWAITING_SOLUTION,
            dispute_level=DisputeLevel.PLATFORM_PANEL,
            solution_due__isnull=True,
            panel_due__lt=now,
        )
        | Q(status=S.FOLLOW_UP, follow_up_due__lt=now)
    )


def complaint_list(
    *,
    user,
    status: str | None = None,
    type: str | None = None,
    merchant=None,
    overdue: bool | None = None,
    now=None,
) -> QuerySet[Complaint]:
    """Complaints ``user`` may see, overdue first then the soonest running deadline,
    with what a row shows in one query; annotated with ``deadline``, its
    ``deadline_fallback`` flag and ``is_overdue``."""
    now = now or timezone.now()
    queryset = (
        complaints_for_user(user)
        .select_related("merchant", "responsible_department", "responsible_person", "rules")
        .annotate(
            deadline=current_deadline(),
            deadline_fallback=current_deadline_fallback(),
            is_overdue=Case(When(overdue_condition(now), then=Value(True)), default=Value(False)),
        )
    )
    if status:
        queryset = queryset.filter(status=status)
    if type:
        queryset = queryset.filter(type=type)
    if merchant:
        queryset = queryset.filter(merchant_id=merchant)
    if overdue is True:
        queryset = queryset.filter(overdue_condition(now))
    elif overdue is False:
        queryset = queryset.exclude(overdue_condition(now))
    return queryset.order_by(F("deadline").asc(nulls_last=True), "-received_at", "-id")


def complaint_detail(*, user, complaint_id) -> Complaint:
    """One complaint the user may see with its visits, history, penalties, arbitrations
    and attachments prefetched; ``Complaint.DoesNotExist`` otherwise (→ 404)."""
    return (
        complaints_for_user(user)
        .select_related(
            "merchant", "merchant__user", "responsible_department", "responsible_person", "rules", "handler"
        )
        .prefetch_related(
            Prefetch("visits", queryset=FollowUpVisit.objects.order_by("at", "id")),
            Prefetch("events", queryset=ComplaintEvent.objects.select_related("by").order_by("at", "id")),
            Prefetch("penalties", queryset=Penalty.objects.select_related("person").order_by("role")),
            Prefetch("arbitrations", queryset=Arbitration.objects.prefetch_related("panel").order_by("level")),
            "attachments",
            "solutions__opinion",
            "investigations",
        )
        .get(pk=complaint_id)
    )


def attachments_for_user(user, queryset=None):
    """Attachments of the complaints ``user`` may see (permission-checked downloads)."""
    from .models import Attachment

    queryset = Attachment.objects.all() if queryset is None else queryset
    return queryset.filter(complaint__in=complaints_for_user(user).values("pk"))
