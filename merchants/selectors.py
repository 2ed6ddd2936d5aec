"""Reads of the merchants app, scoped by user. Pages, API, admin and jobs all use these."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from workplace.roles import COMPANY_WIDE_ROLES, Role, is_staff_member, roles_of, users_with_role
from workplace.rules import in_force
from workplace.scoping import department_of, scope_queryset

from . import checks, permissions
from .models import (
    CLOSED_STATUSES,
    Application,
    ApplicationStatus,
    CheckRun,
    Contract,
    Document,
    DocumentKind,
    Finding,
    Merchant,
    OnboardingRuleSet,
    SiteVisit,
    SiteVisitMedia,
    Terminal,
)


def onboarding_rules(on=None) -> OnboardingRuleSet:
    """The onboarding rule set in force on ``on`` (today by default), from the rules cache
    (``workplace.rules.in_force``); ``RuleNotInForce`` (409) when none is."""
    return in_force(OnboardingRuleSet, on)


# Recruitment heads also see what nobody has been assigned yet, so that someone can
# pick it up; once assigned, a record belongs to the assignee's department.
_UNASSIGNED_POOL_ROLES = {Role.RECRUITMENT_HEAD}


def _sees_unassigned_pool(user) -> bool:
    return bool(roles_of(user) & _UNASSIGNED_POOL_ROLES) and not (roles_of(user) & COMPANY_WIDE_ROLES)


def merchants_for_user(user, queryset=None):
    """The merchants ``user`` may see: own (recruiter), department (heads), all
    (operations director, general manager, admin, customer service), itself (merchant).
    Recruitment heads also see unassigned prospects."""
    queryset = Merchant.objects.all() if queryset is None else queryset
    scoped = scope_queryset(
        queryset,
        user,
        owner_path="recruiter",
        department_path="department",
        merchant_user_path="user",
        also_company_wide={Role.CUSTOMER_SERVICE},
    )
    if _sees_unassigned_pool(user):
        scoped = scoped | queryset.filter(recruiter__isnull=True, department__isnull=True)
    return scoped


def applications_for_user(user, queryset=None) -> QuerySet[Application]:
    """The applications ``user`` may see, by the same rule as their merchants; the
    assignee also sees the applications assigned to them."""
    queryset = Application.objects.all() if queryset is None else queryset
    scoped = scope_queryset(
        queryset,
        user,
        owner_path="merchant__recruiter",
        department_path="merchant__department",
        merchant_user_path="merchant__user",
    )
    roles = roles_of(user)
    if roles & {Role.RECRUITER, Role.RECRUITMENT_HEAD}:
        scoped = scoped | queryset.filter(assignee=user)
    if _sees_unassigned_pool(user):
        scoped = scoped | queryset.filter(merchant__recruiter__isnull=True, merchant__department__isnull=True)
    return scoped


def assignable_staff(user):
    """Whom ``user`` may assign an application to (and pick in the review list's filter):
    anyone assignable for the company-wide levels; for a recruitment head, the assignable
    members of their own department, or themselves (SPEC.md §1.3: a head assigns within
    their department). So whoever a head assigns, the application stays in the head's
    view: their department's, or their own."""
    queryset = users_with_role(*permissions.ASSIGNABLE_ROLES)
    if permissions.is_company_wide(user):
        return queryset
    department_id = department_of(user)
    if department_id is None:
        return queryset.filter(pk=user.pk)
    return queryset.filter(Q(staff_profile__department_id=department_id) | Q(pk=user.pk))


def merchant_list(*, user, filters: dict | None = None, columns=None) -> QuerySet[Merchant]:
    """Merchants for a list page or the API, with what the rows show in one query; only
    ``columns`` (``only()`` paths) when given: the merchant's other columns, its account's
    and most of its recruiter's neither read nor built (a third of the list's CPU)."""
    queryset = merchants_for_user(user).select_related("recruiter", "department")
    if columns:
        queryset = queryset.only(*columns)
    filters = filters or {}
    for name in ("category", "status", "segment", "district"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("recruiter"):
        queryset = queryset.filter(recruiter_id=filters["recruiter"])
    if filters.get("search"):
        term = filters["search"]
        queryset = queryset.filter(Q(name__icontains=term) | Q(uscc__icontains=term) | Q(address__icontains=term))
    return queryset


# ``application_list(status=OPEN_WORK)``: what waits on someone — neither drafts nor
# closed applications.
OPEN_WORK = "open"


def current_deadline():
    """The deadline that runs in the application's status, as an expression, from
    ``services.deadlines.DEADLINE_TABLE``; none in the statuses it does not list."""
    from .services.deadlines import current_deadline_expression

    return current_deadline_expression()


def current_deadline_fallback():
    """Whether the running deadline counted a fallback day, as an expression."""
    from .services.deadlines import current_deadline_fallback_expression

    return current_deadline_fallback_expression()


def overdue_condition(now) -> Q:
    """Applications whose current deadline has passed at ``now``."""
    from .services.deadlines import overdue_expression

    return overdue_expression(now)


def application_list(
    *,
    user,
    status: str | None = None,
    category: str | None = None,
    district: str | None = None,
    recruiter=None,
    overdue: bool = False,
    now=None,
) -> QuerySet[Application]:
    """Applications ``user`` may see, soonest current deadline first (those without one
    last), with what the rows show in one query; annotated with ``deadline``.

    ``status``: one status, ``OPEN_WORK``, or None for all. ``district`` matches part of
    the name; ``recruiter`` (a user or id) is the merchant's recruiter or the assignee;
    ``overdue`` keeps those whose current deadline has passed at ``now``.
    """
    queryset = (
        applications_for_user(user)
        .select_related("merchant", "merchant__recruiter", "merchant__department", "assignee")
        .annotate(deadline=current_deadline())
    )
    if status == OPEN_WORK:
        queryset = queryset.exclude(status__in=[*CLOSED_STATUSES, ApplicationStatus.DRAFT])
    elif status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if district and district.strip():
        queryset = queryset.filter(district__icontains=district.strip())
    if recruiter:
        queryset = queryset.filter(Q(merchant__recruiter=recruiter) | Q(assignee=recruiter))
    if overdue:
        queryset = queryset.filter(overdue_condition(now or timezone.now()))
    return queryset.order_by(F("deadline").asc(nulls_last=True), "-created_at", "-id")


def application_detail(*, user, application_id) -> Application:
    """One application the user may see, with its documents, visits and latest findings
    prefetched; raises ``Application.DoesNotExist`` otherwise (→ 404)."""
    return (
        applications_for_user(user)
        .select_related("merchant", "merchant__recruiter", "merchant__department", "assignee")
        .prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("kind", "id")),
            Prefetch("site_visits", queryset=SiteVisit.objects.select_related("visitor").prefetch_related("media")),
        )
        .get(pk=application_id)
    )


def latest_check_run(application) -> CheckRun | None:
    return application.check_runs.order_by("-ran_at", "-id").first()


def application_findings(application) -> list[Finding]:
    """The findings of the latest system check (empty before the first run)."""
    run = latest_check_run(application)
    if run is None:
        return []
    return list(run.findings.order_by("-blocking", "id"))


def application_document_checklist(application, documents=None) -> list[dict]:
    """Which certificates the application needs and which are there, by the rule of
    ``checks.required_document_kinds``: one row per kind that is required or present
    (``kind``, ``label``, ``required``, ``documents``, ``missing``). The portal, the review
    page and the API read this one list. ``documents`` defaults to the application's
    (prefetched when they are)."""
    documents = application.documents.all() if documents is None else documents
    by_kind: dict[str, list] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    required = {str(kind) for kind in checks.required_document_kinds(application.entity_type, application.uscc)}
    rows = []
    for kind in DocumentKind:
        present = by_kind.get(kind.value, [])
        if kind.value not in required and not present:
            continue
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "required": kind.value in required,
                "documents": present,
                "missing": kind.value in required and not present,
            }
        )
    return rows


def application_missing_documents(application) -> list[str]:
    """The document kinds still missing for the application's entity type — for "what is
    missing before I submit" in the portal and the API."""
    missing = {row["kind"] for row in application_document_checklist(application) if row["missing"]}
    required = checks.required_document_kinds(application.entity_type, application.uscc)
    return [str(kind) for kind in required if str(kind) in missing]


def application_precheck(application, *, today=None) -> list[checks.Finding]:
    """What the system check would find now, without recording anything (portal preview)."""
    from .services import application_checks, document_facts

    documents = [document_facts(document, read_file=False) for document in application.documents.all()]
    return application_checks(application, documents=documents, today=today or timezone.localdate())


def documents_for_user(user, queryset=None) -> QuerySet[Document]:
    """Documents of the applications ``user`` may see (permission-checked downloads)."""
    queryset = Document.objects.all() if queryset is None else queryset
    return queryset.filter(application__in=applications_for_user(user).values("pk"))


def site_visit_media_for_user(user, queryset=None) -> QuerySet[SiteVisitMedia]:
    """Site-visit photos and videos of the applications ``user`` may see — staff only:
    the visit is the staff's record, not the merchant's."""
    queryset = SiteVisitMedia.objects.all() if queryset is None else queryset
    if not is_staff_member(user):
        return queryset.none()
    return queryset.filter(visit__application__in=applications_for_user(user).values("pk"))


def contract_for_user(user, application_id) -> Contract:
    """The contract of an application the user may see; ``Contract.DoesNotExist`` otherwise."""
    return Contract.objects.select_related("application", "merchant").get(
        application__in=applications_for_user(user).values("pk"), application_id=application_id
    )


def application_in_progress(user) -> Application | None:
    """The portal account's application that is not closed yet, if any: a merchant
    continues that one rather than starting another."""
    return Application.objects.filter(merchant__user=user).exclude(status__in=CLOSED_STATUSES).order_by("-pk").first()


def applications_of_portal_user(user) -> QuerySet[Application]:
    """The applications of a merchant's portal account, newest first."""
    return Application.objects.filter(merchant__user=user).select_related("merchant")


def terminals_for_user(user, queryset=None) -> QuerySet[Terminal]:
    queryset = Terminal.objects.all() if queryset is None else queryset
    return queryset.filter(merchant__in=merchants_for_user(user).values("pk")).select_related("merchant")
