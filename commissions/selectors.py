"""Reads of the commissions app: rules in force, quotes, requests visible to a user, the
approval queue and merchants' agreed rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import MerchantStatus
from merchants.selectors import merchants_for_user
from workplace.exceptions import InvalidTransition, NotPermitted
from workplace.roles import Role, highest_ladder_role, ladder_rank, roles_of, users_with_role
from workplace.rules import in_force
from workplace.scoping import department_of, scope_queryset

from . import rules
from .models import (
    ApprovalRuleSet,
    ApprovalStep,
    AuthorityBandSet,
    CommissionStandard,
    MerchantRate,
    RateRequest,
    RequestKind,
    RequestStatus,
)


def standard_on(category: str, on: dt.date | None = None) -> CommissionStandard:
    """The standard of ``category`` in force on ``on`` (today by default);
    ``RuleNotInForce`` (409) when none is."""
    return in_force(CommissionStandard, on, category=category)


def band_set_on(on: dt.date | None = None) -> AuthorityBandSet:
    """The authority table in force on ``on``; ``RuleNotInForce`` (409) when none is."""
    return in_force(AuthorityBandSet, on)


def approval_rules_on(on: dt.date | None = None) -> ApprovalRuleSet:
    """The approval rules (reminder delay) in force on ``on``."""
    return in_force(ApprovalRuleSet, on)


def bands_of(band_set: AuthorityBandSet) -> list[rules.Band]:
    """The bands of a version (the admin refuses a version without its four bands)."""
    return [band.as_rule() for band in band_set.bands.all()]


@dataclass(frozen=True)
class Quote:
    """What a rate would need: the standard, the exact ratio, who must approve, the chain."""

    kind: str
    standard: CommissionStandard | None
    standard_rate: Decimal | None
    ratio: Decimal | None
    required_role: str
    chain: list
    band_set: AuthorityBandSet | None = None

    @property
    def display_ratio(self):
        return rules.display_percent(self.ratio) if self.ratio is not None else None


def quote_prepaid_rate(*, category: str, prepaid_rate: Decimal, on: dt.date | None = None) -> Quote:
    """The quote calculator (SPEC.md §3): standard in force, ratio, authority, chain."""
    on = on or timezone.localdate()
    standard = standard_on(category, on)
    band_set = band_set_on(on)
    ratio = rules.prepaid_ratio(prepaid_rate, standard.prepaid_commission)
    required_role = rules.required_role_for_ratio(ratio, bands_of(band_set))
    return Quote(
        kind=RequestKind.PREPAID,
        standard=standard,
        standard_rate=standard.prepaid_commission,
        ratio=ratio,
        required_role=required_role,
        chain=rules.required_approval_chain(required_role),
        band_set=band_set,
    )


def quote_request(
    *, kind: str, category: str, proposed_rate: Decimal | None, requester=None, on: dt.date | None = None
) -> Quote:
    """The quote of any kind of request, as the requester would make it."""
    on = on or timezone.localdate()
    if kind == RequestKind.PREPAID:
        return quote_prepaid_rate(category=category, prepaid_rate=proposed_rate, on=on)
    if kind == RequestKind.BANK_CARD:
        standard = standard_on(category, on)
        required_role = rules.bank_card_fee_required_role(proposed_rate, standard.bank_card_fee)
        return Quote(
            kind=kind,
            standard=standard,
            standard_rate=standard.bank_card_fee,
            ratio=rules.prepaid_ratio(proposed_rate, standard.bank_card_fee),
            required_role=required_role,
            chain=rules.bank_card_fee_chain(required_role, highest_ladder_role(requester) if requester else None),
        )
    return Quote(
        kind=kind,
        standard=None,
        standard_rate=None,
        ratio=None,
        required_role=Role.GENERAL_MANAGER,
        chain=rules.pos_fee_waiver_chain(),
    )


# Rates are negotiated with prospects and kept for active merchants.
REQUESTABLE_STATUSES = (MerchantStatus.PROSPECT, MerchantStatus.ACTIVE)


def requestable_merchants_for(user) -> QuerySet:
    """The merchants ``user`` may file a request for: their own live merchants, and for a
    recruitment head also their department's (a head applies for bank-card reductions).
    The service decides per kind; this keeps the form from offering the impossible."""
    condition = Q(recruiter=user)
    department_id = department_of(user)
    if Role.RECRUITMENT_HEAD in roles_of(user) and department_id is not None:
        condition |= Q(department_id=department_id)
    return merchants_for_user(user).filter(condition, status__in=REQUESTABLE_STATUSES)


def rate_requests_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Requests ``user`` may see: their own and their merchants' (recruiter), their
    department's (recruitment head), all (operations director, general manager, admin).
    Merchants never see requests: they carry the internal standard."""
    queryset = RateRequest.objects.all() if queryset is None else queryset
    if not user.is_authenticated or Role.MERCHANT in roles_of(user) and not user.is_superuser:
        return queryset.none()
    scoped = scope_queryset(queryset, user, owner_path="merchant__recruiter", department_path="department")
    return queryset.filter(Q(pk__in=scoped.values("pk")) | Q(requested_by=user))


def with_details(queryset: QuerySet) -> QuerySet:
    """Everything a request's detail shows, in a constant number of queries."""
    return queryset.select_related("merchant", "requested_by", "current_step", "department").prefetch_related(
        Prefetch("steps", queryset=ApprovalStep.objects.select_related("decided_by").order_by("position"))
    )


def queue_rows(queryset: QuerySet) -> QuerySet:
    """What a row of the approval queue shows (commissions.api.serializers.
    PendingApprovalSerializer), in a constant number of queries, and no more: of the
    merchant its name, of the people their usernames (not every column of three tables,
    nor the merchant's encrypted phone decrypted for nothing)."""
    return (
        queryset.select_related("merchant", "requested_by", "current_step")
        .only(
            *(field.name for field in RateRequest._meta.concrete_fields),
            "merchant__name",
            "requested_by__username",
            "current_step__role",
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=ApprovalStep.objects.select_related("decided_by")
                .only(*(field.name for field in ApprovalStep._meta.concrete_fields), "decided_by__username")
                .order_by("position"),
            )
        )
    )


# --- Who decides (SPEC.md §3: step by step, different people, in place only by choice) --


def approver_roles_of(user) -> list[str]:
    """The approval levels the user holds (recruitment head and up), lowest first."""
    held = roles_of(user)
    return [role for role in rules.APPROVER_LADDER if role in held]


@dataclass(frozen=True)
class DecisionRight:
    """What a user may decide on a request now: ``step`` (the current one), as which of
    their levels, and the lower level acted for (``None`` for one's own level)."""

    step: ApprovalStep
    decided_as: str
    acting_for: str | None = None


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def decision_right(rate_request: RateRequest, user, *, step_role: str | None = None) -> DecisionRight:
    """Whether ``user`` may decide ``rate_request``'s current step, and as what.

    Without ``step_role`` the caller decides the step of their own level. Deciding a
    lower level's step (in place of an absent colleague) is an explicit choice of that
    step (``step_role``); the caller then gives a reason. Nobody decides their own
    request, nor two steps of one request. Raises ``NotPermitted`` (403) or
    ``InvalidTransition`` (409); reads the steps once (prefetched or one query).
    """
    if rate_request.requested_by_id == user.pk:
        raise NotPermitted(_("Nobody decides their own request."))
    held = approver_roles_of(user)
    if not held:
        raise NotPermitted(_("Only the recruitment head, the operations director or the general manager decide."))
    if rate_request.status != RequestStatus.PENDING or rate_request.current_step_id is None:
        raise InvalidTransition(_("This request has already been decided."))
    steps = list(rate_request.steps.all())
    if any(s.decided_by_id == user.pk for s in steps):
        raise NotPermitted(
            _("You have already decided a step of this request; another person decides this one."),
            code="second_step",
        )
    step = next(s for s in steps if s.pk == rate_request.current_step_id)
    top = max(held, key=ladder_rank)
    if step_role is None:
        if step.role not in held:
            own = next((s for s in steps if s.role in held), None)
            if own is not None and own.position < step.position:
                raise InvalidTransition(_("Your step has already been decided."))
            if ladder_rank(top) < ladder_rank(step.role):
                raise NotPermitted(_("This step waits for a higher level."))
            raise InvalidTransition(
                _(
                    "This request waits on the %(role)s. To decide in their place, choose that step "
                    "(acting_for) and give the reason."
                )
                % {"role": role_label(step.role)},
                field="acting_for",
                code="step_of_a_lower_level",
            )
    elif step_role != step.role:
        raise InvalidTransition(_("That step is not the one waiting for a decision."), field="step")
    if step.role in held:
        right = DecisionRight(step=step, decided_as=step.role)
    elif ladder_rank(top) > ladder_rank(step.role):
        right = DecisionRight(step=step, decided_as=top, acting_for=step.role)
    else:
        raise NotPermitted(_("This step waits for a higher level."))
    return right


def pending_approvals_for(user, *, include_lower: bool = False) -> QuerySet:
    """What waits on ``user``, oldest first: pending requests within their scope whose
    current step is a level they hold. With ``include_lower`` also those waiting on a
    lower level, on which they may act in place of an absent colleague. Never their own,
    nor one of which they have decided a step already (another person decides the next)."""
    held = approver_roles_of(user)
    if not held:
        return RateRequest.objects.none()
    roles = set(held)
    if include_lower:
        top = max(ladder_rank(role) for role in held)
        roles |= {role for role in rules.APPROVER_LADDER if ladder_rank(role) <= top}
    decided = ApprovalStep.objects.filter(decided_by=user).values("request_id")
    return (
        rate_requests_for_user(user)
        .filter(status=RequestStatus.PENDING, current_step__role__in=roles)
        .exclude(requested_by=user)
        .exclude(pk__in=decided)
        .order_by("created_at", "id")
    )


def approval_queue_for(user) -> tuple[QuerySet, QuerySet]:
    """The queue page's two lists: what waits on the user's own levels, and what waits on a
    lower level (decided in place, by choice and with a reason)."""
    held = approver_roles_of(user)
    waiting = with_details(pending_approvals_for(user, include_lower=True))
    return waiting.filter(current_step__role__in=held), waiting.exclude(current_step__role__in=held)


def acting_for_of(rate_request: RateRequest, held_roles) -> str | None:
    """The lower level a holder of ``held_roles`` would act for on this request, if any."""
    role = rate_request.current_step.role if rate_request.current_step_id else None
    return role if role and role not in held_roles else None


def approvers_of_current_steps(rate_requests) -> dict[int, list[int]]:
    """Who is asked to decide each request's current step (notified, reminded): every
    active holder of the step's role — for the recruitment head only heads of the
    request's department — except the requester and anyone who decided a step of it.
    Two queries for any number of requests (the steps prefetched or read in one)."""
    rate_requests = [r for r in rate_requests if r.current_step_id]
    if not rate_requests:
        return {}
    index: dict[str, list[tuple[int, int | None]]] = {}
    users = users_with_role(*rules.APPROVER_LADDER).order_by("pk")
    for user_id, role, department_id in users.values_list("pk", "groups__name", "staff_profile__department_id"):
        index.setdefault(role, []).append((user_id, department_id))
    steps_by_request: dict[int, list[ApprovalStep]] = {}
    for step in ApprovalStep.objects.filter(request__in=[r.pk for r in rate_requests]).only(
        "id", "request_id", "role", "decided_by_id"
    ):
        steps_by_request.setdefault(step.request_id, []).append(step)
    answer: dict[int, list[int]] = {}
    for rate_request in rate_requests:
        steps = steps_by_request.get(rate_request.pk, [])
        role = next((s.role for s in steps if s.pk == rate_request.current_step_id), None)
        excluded = {rate_request.requested_by_id} | {s.decided_by_id for s in steps if s.decided_by_id}
        chosen = []
        for user_id, department_id in index.get(role, []):
            if user_id in excluded or user_id in chosen:
                continue
            if role == Role.RECRUITMENT_HEAD and (
                rate_request.department_id is None or department_id != rate_request.department_id
            ):
                continue
            chosen.append(user_id)
        answer[rate_request.pk] = chosen
    return answer


def overdue_cutoff(now: dt.datetime, working_days: int = 1) -> dt.datetime:
    """A step that became current before this moment has waited more than
    ``working_days`` working days.

    A step activated on day D is due at the end of the N-th working day after D, so it
    is overdue once that day is over: exactly when D is before the N-th working day
    counted back from today (today excluded).
    """
    from workplace.calendar import SHANGHAI, day_info

    day = timezone.localtime(now, SHANGHAI).date()
    found = 0
    for _attempt in range(60 * max(working_days, 1)):  # the longest holiday is far shorter
        day -= dt.timedelta(days=1)
        if day_info(day).is_working_day:
            found += 1
            if found >= working_days:
                break
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def overdue_approvals(now: dt.datetime) -> list[tuple[RateRequest, int]]:
    """Pending requests whose current step has waited longer than the reminder delay of
    the approval rules in force on the day it became current (SPEC.md §3), each with
    that delay in working days."""
    from workplace.calendar import SHANGHAI
    from workplace.rules import rows

    delays = sorted({rule_set.reminder_working_days for rule_set in rows(ApprovalRuleSet)}) or [1]
    cutoffs = {days: overdue_cutoff(now, days) for days in delays}
    waiting = (
        RateRequest.objects.filter(status=RequestStatus.PENDING, current_step__activated_at__lt=cutoffs[delays[0]])
        .select_related("merchant", "current_step")
        .order_by("current_step__activated_at", "id")
    )
    overdue = []
    for rate_request in waiting:
        activated_on = timezone.localtime(rate_request.current_step.activated_at, SHANGHAI).date()
        days = approval_rules_on(activated_on).reminder_working_days
        if rate_request.current_step.activated_at < cutoffs[days]:
            overdue.append((rate_request, days))
    return overdue


# --- Effect: agreed rates (read by merchants' contracts and portal) ----------------------


def _agreed_rate(merchant, kind: str, on: dt.date) -> MerchantRate | None:
    return (
        MerchantRate.objects.filter(merchant=merchant, kind=kind, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def merchant_rates(merchant, on: dt.date | None = None) -> dict:
    """The rates that apply to ``merchant`` on ``on`` (today by default).

    ``{"prepaid_rate", "bank_card_fee", "prepaid_reference", "bank_card_reference"}``.
    **Decision:** without an agreed rate the category's standard applies (it is the rate
    the merchant pays); its reference is then None. A reference is the approval that
    granted the rate (``"RR-000123"``), quoted in the contract. Rates are ``Decimal``,
    None only when no standard exists for the category.
    """
    on = on or timezone.localdate()
    prepaid = _agreed_rate(merchant, RequestKind.PREPAID, on)
    bank_card = _agreed_rate(merchant, RequestKind.BANK_CARD, on)
    standard = standard_on(merchant.category, on) if prepaid is None or bank_card is None else None
    return {
        "prepaid_rate": prepaid.rate if prepaid else (standard.prepaid_commission if standard else None),
        "bank_card_fee": bank_card.rate if bank_card else (standard.bank_card_fee if standard else None),
        "prepaid_reference": prepaid.reference if prepaid else None,
        "bank_card_reference": bank_card.reference if bank_card else None,
    }


def rate_history(merchant) -> QuerySet:
    """Every agreed rate of ``merchant``, newest effective date first, with its approval."""
    return (
        MerchantRate.objects.filter(merchant=merchant)
        .select_related("request", "request__requested_by")
        .order_by("-effective_from", "-id")
    )


def pos_fee_waived(merchant, on: dt.date | None = None) -> bool:
    """Whether an approved POS service-fee waiver covers ``merchant`` on ``on`` (SPEC.md
    §5.3: no shortfall is charged then). A waiver applies from its decision date."""
    return merchant.pk in merchants_with_pos_fee_waiver(on, merchant_ids=[merchant.pk])


def merchants_with_pos_fee_waiver(on: dt.date | None = None, *, merchant_ids=None) -> set[int]:
    """Ids of the merchants with an approved POS service-fee waiver on ``on`` (one query,
    for batch jobs such as payroll)."""
    on = on or timezone.localdate()
    queryset = RateRequest.objects.filter(
        kind=RequestKind.POS_FEE_WAIVER, status=RequestStatus.APPROVED, effective_from__lte=on
    )
    if merchant_ids is not None:
        queryset = queryset.filter(merchant_id__in=merchant_ids)
    return set(queryset.values_list("merchant_id", flat=True))
