"""The rules of SPEC.md §3, one pure function each (招商谈判预付费卡佣金标准).

They take plain values (``Decimal`` rates, role slugs, a list of ``Band``) and touch no
database, so the API, the pages, the admin, the services and the tests all call the same
code. The rule *parameters* (standards and bands) are rows, read by ``selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from workplace.roles import MANAGEMENT_LADDER, Role, ladder_rank

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
# Levels that can sit on an approval chain, lowest first. The recruiter's own authority
# needs no approval step, so the chain starts at the recruitment head.
APPROVER_LADDER = tuple(role for role in MANAGEMENT_LADDER if role != Role.RECRUITER)


@dataclass(frozen=True)
class Band:
    """One row of the authority table: ``role`` approves ratios above ``min_ratio``
    (or equal to it when ``min_inclusive``), up to the next band's bound."""

    role: str
    min_ratio: Decimal
    min_inclusive: bool = True

    def holds(self, ratio: Decimal) -> bool:
        return ratio > self.min_ratio or (self.min_inclusive and ratio == self.min_ratio)


# SPEC.md §3 defaults; the data migration writes the same rows.
DEFAULT_BANDS = (
    Band(Role.RECRUITER, Decimal("85"), True),
    Band(Role.RECRUITMENT_HEAD, Decimal("70"), True),
    Band(Role.OPS_DIRECTOR, Decimal("50"), False),
    Band(Role.GENERAL_MANAGER, Decimal("0"), True),
)


def prepaid_ratio(proposed: Decimal, standard: Decimal) -> Decimal:
    """ratio = proposed ÷ standard × 100, exact (not rounded: the bands compare on it)."""
    if standard <= 0:
        raise ValueError("the standard rate must be positive")
    with localcontext() as context:
        context.prec = 50
        return Decimal(proposed) * HUNDRED / Decimal(standard)


def display_percent(value: Decimal) -> Decimal:
    """A percentage as shown: two decimals, ROUND_HALF_UP."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_text(value) -> str | None:
    """A percentage as text: two decimals, or more when a proposed rate has them (a rate
    of 8.499 % is never shown as 8.50 %)."""
    if value is None:
        return None
    value = Decimal(value)
    two = display_percent(value)
    return f"{two}" if two == value else f"{value.normalize():f}"


def required_role_for_ratio(ratio: Decimal, bands) -> str:
    """The lowest level whose band holds ``ratio`` (ratios above 100 % are the
    recruiter's). A ratio no band holds falls to the highest level, never to nobody."""
    for band in sorted(bands, key=lambda band: (band.min_ratio, not band.min_inclusive), reverse=True):
        if band.holds(ratio):
            return band.role
    return Role.GENERAL_MANAGER


def required_approval_chain(required_role: str) -> list[str]:
    """Step by step (逐级审批): every level from the recruitment head up to and including
    ``required_role``; empty when the recruiter's own authority suffices."""
    rank = ladder_rank(required_role)
    if rank <= ladder_rank(Role.RECRUITER):
        return []
    return [role for role in APPROVER_LADDER if ladder_rank(role) <= rank]


def bank_card_fee_required_role(proposed: Decimal, standard: Decimal) -> str:
    """Any bank-card fee below the standard needs the general manager in the end."""
    return Role.GENERAL_MANAGER if proposed < standard else Role.RECRUITER


def bank_card_fee_chain(required_role: str, requester_role: str | None) -> list[str]:
    """Bank-card fee reduction (银行卡手续费): the recruitment head applies, operations
    reviews, the general manager approves. **Decision:** a head who files the request
    themself has applied by doing so; a recruiter's request goes to their head first."""
    if required_role == Role.RECRUITER:
        return []
    return [role for role in APPROVER_LADDER if ladder_rank(role) > max(ladder_rank(requester_role or ""), 0)]


def pos_fee_waiver_chain() -> list[str]:
    """POS service-fee waiver (SPEC.md §5.3): the recruiter applies, the general manager
    decides alone."""
    return [Role.GENERAL_MANAGER]
