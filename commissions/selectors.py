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
from workplace.exceptions import ApplicationError
from workplace.roles import Role, highest_ladder_role, ladder_rank, roles_of
from workplace.scoping import department_of, scope_queryset

from . import rules
from .models import (
    ApprovalStep,
    AuthorityBandSet,
    CommissionStandard,
    MerchantRate,
    RateRequest,
    RequestKind,
    RequestStatus,
)


def standard_on(category: str, on: dt.date | None = None) -> CommissionStandard | None:
    """The standard of ``category`` in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return (
        CommissionStandard.objects.filter(category=category, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def band_set_on(on: dt.date | None = None) -> AuthorityBandSet | None:
    on = on or timezone.localdate()
    return (
        AuthorityBandSet.objects.filter(effective_from__lte=on)
        .prefetch_related("bands")
        .order_by("-effective_from", "-id")
        .first()
    )


def bands_of(band_set: AuthorityBandSet | None) -> list[rules.Band]:
    """The bands of a version; SPEC.md §3's defaults when no version exists at all."""
    if band_set is None:
        return list(rules.DEFAULT_BANDS)
    return [band.as_rule() for band in band_set.bands.all()] or list(rules.DEFAULT_BANDS)


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


def _standard_or_error(category: str, on: dt.date) -> CommissionStandard:
    standard = standard_on(category, on)
    if standard is None:
        raise ApplicationError(_("No commission standard is in force for this category."), field="category")
    return standard


def quote_prepaid_rate(*, category: str, prepaid_rate: Decimal, on: dt.date | None = None) -> Quote:
    """The quote calculator (SPEC.md §3): standard in force, ratio, authority, chain."""
    on = on or timezone.localdate()
    standard = _standard_or_error(category, on)
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
        standard = _standard_or_error(category, on)
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


def approver_roles_of(user) -> list[str]:
    """The approval levels the user holds (recruitment head and up)."""
    held = roles_of(user)
    return [role for role in rules.APPROVER_LADDER if role in held]


def pending_approvals_for(user, *, include_lower: bool = False) -> QuerySet:
    """What waits on ``user``, oldest first: pending requests within their scope whose
    current step is a level they hold. With ``include_lower`` also those waiting on a
    lower level, on which they may act in place of an absent colleague. Never their own."""
    held = approver_roles_of(user)
    if not held:
        return RateRequest.objects.none()
    roles = set(held)
    if include_lower:
        top = max(ladder_rank(role) for role in held)
        roles |= {role for role in rules.APPROVER_LADDER if ladder_rank(role) <= top}
    return (
        rate_requests_for_user(user)
        .filter(status=RequestStatus.PENDING, current_step__role__in=roles)
        .exclude(requested_by=user)
        .order_by("created_at", "id")
    )


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
