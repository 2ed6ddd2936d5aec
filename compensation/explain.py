"""A payslip's explanation in words (issue 9 §4): each ``LineItem`` rendered in the
reader's language from what the run stored (its kind and figures), with a link to the
record that produced it. One place for the API, the pages, the PDF and the XLSX."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import ItemKind, LineItem

# Where each kind of source is shown: a URL name and whether it takes the id.
_SOURCE_URLS = {
    "merchants.merchant": "admin:merchants_merchant_change",
    "merchants.terminal": "admin:merchants_terminal_change",
    "complaints.complaint": "complaints:detail",
    "compensation.payprofile": "admin:compensation_payprofile_change",
    "compensation.adjustment": "admin:compensation_adjustment_change",
    "compensation.allocation": "admin:compensation_allocation_change",
}


def _class_label(value: str) -> str:
    return {"I": _("class I"), "II": _("class II"), "III": _("class III")}.get(value, _("no class"))


def describe(item: LineItem) -> str:
    """What ``item`` is, in the active language."""
    d = item.data or {}
    kind = item.kind
    if kind == ItemKind.BASE_SALARY:
        return _("Base salary (pay profile from %(since)s)") % {"since": d.get("since", "")}
    if kind == ItemKind.ALLOWANCE:
        return _("Allowance")
    if kind == ItemKind.POSITION_ALLOWANCE:
        return _("Position allowance")
    if kind == ItemKind.SIGNING:
        return _("Signed %(merchant)s, %(class)s") % {
            "merchant": d.get("merchant", ""),
            "class": _class_label(d.get("merchant_class", "")),
        }
    if kind == ItemKind.GOOD_REVIEW and "merchant" in d:
        return _("Good review of %(merchant)s logged by customer service: %(note)s") % {
            "merchant": d.get("merchant", ""),
            "note": d.get("note", ""),
        }
    if kind == ItemKind.GOOD_REVIEW:
        return _("Good review in the follow-up of complaint %(complaint)s") % {"complaint": d.get("complaint", "")}
    if kind == ItemKind.VALID_COMPLAINT:
        return _("Valid complaint %(complaint)s against your merchant") % {"complaint": d.get("complaint", "")}
    if kind == ItemKind.ASSESSMENT_PAY:
        return _(
            "Assessment pay for %(points)s points (below 6: −50 a point; 6–10: +10 a point; above 10: +40 a point)"
        ) % {"points": d.get("of_points", "")}
    if kind in (ItemKind.POS_SHORTFALL, ItemKind.POS_EXEMPT):
        values = {
            "terminal": d.get("terminal", ""),
            "merchant": d.get("merchant", ""),
            "profit": d.get("profit", ""),
            "minimum": d.get("minimum", ""),
        }
        if kind == ItemKind.POS_EXEMPT and d.get("fee_credited"):
            # The month's fee was paid by the merchant redeeming credit points (SPEC.md §9
            # Decision, ``compensation.PosFeeCredit``): paid, not waived.
            return (
                _(
                    "Terminal %(terminal)s of %(merchant)s: profit %(profit)s under %(minimum)s, not charged "
                    "(the month's service fee was paid by a credit points redemption)"
                )
                % values
            )
        if kind == ItemKind.POS_EXEMPT:
            return (
                _(
                    "Terminal %(terminal)s of %(merchant)s: profit %(profit)s under %(minimum)s, not charged (service fee waived)"
                )
                % values
            )
        if not d.get("profit_recorded", True):
            return (
                _(
                    "Terminal %(terminal)s of %(merchant)s: no profit recorded (0.00), under %(minimum)s, merchant pays no service fee"
                )
                % values
            )
        return (
            _(
                "Terminal %(terminal)s of %(merchant)s: profit %(profit)s under %(minimum)s, merchant pays no service fee"
            )
            % values
        )
    if kind == ItemKind.COMPLAINT_PENALTY:
        role = _("as department head") if d.get("role") == "head" else _("as the responsible person")
        return _("Penalty for complaint %(complaint)s (%(role)s)") % {"complaint": d.get("complaint", ""), "role": role}
    if kind == ItemKind.BONUS_MERCHANT:
        if "share" in d:
            return _("%(merchant)s: profit %(profit)s, your share %(share)s %% (handover)") % {
                "merchant": d.get("merchant", ""),
                "profit": d.get("profit", ""),
                "share": d.get("share", ""),
            }
        return _("%(merchant)s: terminal profit %(profit)s") % {
            "merchant": d.get("merchant", ""),
            "profit": d.get("profit", ""),
        }
    if kind in (ItemKind.BONUS, ItemKind.NOT_PAID) and "merchant_months" in d:
        text = _(
            "Quarterly bonus: profit %(total)s over %(months)s merchant-months, average %(average)s → rate "
            "%(base_rate)s %%; churn %(churn)s %% (%(terminated)s of %(owned)s) takes %(deduction)s %% → "
            "%(rate)s %%"
        ) % {
            "total": d.get("total", ""),
            "months": d.get("merchant_months", ""),
            "average": d.get("average", ""),
            "base_rate": d.get("base_rate", ""),
            "churn": d.get("churn", ""),
            "terminated": d.get("terminated", ""),
            "owned": d.get("owned", ""),
            "deduction": d.get("churn_deduction", ""),
            "rate": d.get("rate", ""),
        }
        if kind == ItemKind.NOT_PAID:
            text += " " + _("— not paid: left on %(date)s, before the payout") % {"date": d.get("left_on", "")}
        return text
    if kind == ItemKind.POOL_SHARE:
        if d.get("deferred_from"):
            return _("Year-end bonus %(year)s share of %(department)s, deferred until now") % {
                "year": d.get("year", ""),
                "department": d.get("department", ""),
            }
        return _("Year-end bonus %(year)s: your share of the %(department)s pool of %(pool)s") % {
            "year": d.get("year", ""),
            "department": d.get("department", ""),
            "pool": d.get("pool", ""),
        }
    if kind == ItemKind.DEFERRED:
        return _(
            "Year-end share deferred to next year: fewer than %(months)s months of service at the year's end (hired %(hired)s)"
        ) % {
            "months": d.get("months", ""),
            "hired": d.get("hire_date", ""),
        }
    if kind == ItemKind.NOT_PAID:
        return _("Not paid: left on %(date)s") % {"date": d.get("left_on", "")}
    if kind == ItemKind.ADJUSTMENT:
        if d.get("corrects"):
            return _("Adjustment (correction of %(run)s): %(reason)s") % {
                "run": d["corrects"],
                "reason": d.get("reason", ""),
            }
        return _("Adjustment: %(reason)s") % {"reason": d.get("reason", "")}
    return str(ItemKind(kind).label) if kind in ItemKind.values else kind


# The line field each kind of item adds to ("points" for the items counted in points).
FIELD_OF_KIND = {
    ItemKind.BASE_SALARY: "base_salary",
    ItemKind.ALLOWANCE: "allowance",
    ItemKind.POSITION_ALLOWANCE: "position_allowance",
    ItemKind.SIGNING: "points",
    ItemKind.GOOD_REVIEW: "points",
    ItemKind.VALID_COMPLAINT: "points",
    ItemKind.ASSESSMENT_PAY: "assessment_pay",
    ItemKind.POS_SHORTFALL: "pos_shortfall",
    ItemKind.POS_EXEMPT: "pos_shortfall",
    ItemKind.COMPLAINT_PENALTY: "complaint_penalties",
    ItemKind.BONUS_MERCHANT: "bonus",
    ItemKind.BONUS: "bonus",
    ItemKind.POOL_SHARE: "bonus",
    ItemKind.DEFERRED: "bonus",
    ItemKind.NOT_PAID: "bonus",
    ItemKind.ADJUSTMENT: "adjustments",
}


def field_of(item: LineItem) -> str:
    """The line field ``item`` explains (an amount field, or ``points``)."""
    return FIELD_OF_KIND.get(item.kind, "")


def grouped(line) -> dict[str, list[dict]]:
    """``line``'s items (prefetched) as explanations, by the field they explain, in order."""
    groups: dict[str, list[dict]] = {}
    for item in line.items.all():
        groups.setdefault(field_of(item), []).append(explanation(item))
    return groups


def source_url(item: LineItem) -> str:
    name = _SOURCE_URLS.get(item.source_type)
    if not name or item.source_id is None:
        return ""
    try:
        return reverse(name, args=[item.source_id])
    except NoReverseMatch:
        return ""


def explanation(item: LineItem) -> dict:
    """The item as the API and the exports give it."""
    return {
        "what": describe(item),
        "kind": item.kind,
        "field": field_of(item),
        "amount": None if item.amount is None else f"{item.amount:.2f}",
        "points": None if item.points is None else f"{item.points:.2f}",
        "source": {"type": item.source_type, "id": item.source_id, "url": source_url(item)}
        if item.source_type
        else None,
    }
