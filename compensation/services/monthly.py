"""The monthly payroll of one month (SPEC.md §5.1–§5.3): base salary and allowances from
the pay profile in force, the recruiters' points and assessment pay, the POS shortfall
charged to the owning recruiter, complaint penalties, and the adjustments paid with it.

A fixed number of queries whatever the number of staff, merchants and terminals: every
input is one query over the month, and the POS shortfall is filtered in the database to
the terminals that can be charged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from commissions.selectors import merchants_with_pos_fee_waiver
from complaints.models import Penalty, PointEvent, PointKind
from merchants.models import Merchant, Terminal
from workplace.models import StaffProfile
from workplace.roles import Role, users_with_role

from .. import rules as pay_rules
from ..models import Adjustment, ItemKind, PayProfile, PosFeeCredit, ProfitRecord
from .lines import Lines
from .ownership import load_stints, owner_on
from .periods import Period, local_range


def staff_in_service(first: dt.date, last: dt.date) -> dict[int, int | None]:
    """``{user_id: department_id}`` of everyone employed on some day of the period."""
    profiles = StaffProfile.objects.filter(Q(hire_date__isnull=True) | Q(hire_date__lte=last)).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gte=first)
    )
    return dict(profiles.values_list("user_id", "department_id"))


def pay_profiles_on(day: dt.date) -> dict[int, PayProfile]:
    """The pay profile in force on ``day`` for each person who has one (one query)."""
    in_force = {}
    for profile in PayProfile.objects.filter(effective_from__lte=day).order_by("user_id", "-effective_from"):
        in_force.setdefault(profile.user_id, profile)
    return in_force


def compute_monthly(period: Period, rules) -> Lines:
    first, last = period.starts_on, period.ends_on
    staff = staff_in_service(first, last)
    lines = Lines(staff)

    # Base salary and allowances: everyone in service with a pay profile in force.
    for user_id, profile in pay_profiles_on(last).items():
        if user_id not in staff:
            continue
        line = lines[user_id]
        source = ("compensation.payprofile", profile.pk)
        line.add(
            "base_salary",
            ItemKind.BASE_SALARY,
            amount=profile.base_salary,
            source=source,
            since=str(profile.effective_from),
        )
        if profile.allowance:
            line.add("allowance", ItemKind.ALLOWANCE, amount=profile.allowance, source=source)
        if profile.position_allowance:
            line.add(
                "position_allowance", ItemKind.POSITION_ALLOWANCE, amount=profile.position_allowance, source=source
            )

    # §5.1 points: signings by class at signing, good reviews and valid complaints.
    start, end = local_range(first, last)
    signings = (
        Merchant.objects.filter(signed_at__gte=start, signed_at__lt=end, signing_recruiter__isnull=False)
        .order_by("signed_at", "pk")
        .values_list("pk", "name", "signing_recruiter_id", "signed_class")
    )
    for merchant_id, name, recruiter_id, merchant_class in signings:
        points = pay_rules.signing_points(merchant_class, rules)
        lines[recruiter_id].add(
            None,
            ItemKind.SIGNING,
            points=points,
            source=("merchants.merchant", merchant_id),
            merchant=name,
            merchant_class=merchant_class,
        )
    point_events = (
        PointEvent.objects.filter(month=first)
        .order_by("occurred_at", "pk")
        .values_list(
            "pk",
            "complaint_id",
            "complaint__number",
            "merchant_id",
            "merchant__name",
            "note",
            "recruiter_id",
            "kind",
            "points",
        )
    )
    for _event_id, complaint_id, number, merchant_id, merchant_name, note, recruiter_id, kind, points in point_events:
        item_kind = ItemKind.GOOD_REVIEW if kind == PointKind.GOOD_REVIEW else ItemKind.VALID_COMPLAINT
        if complaint_id is None:
            # Positive feedback logged by customer service, outside any complaint.
            lines[recruiter_id].add(
                None,
                item_kind,
                points=points,
                source=("merchants.merchant", merchant_id),
                merchant=merchant_name,
                note=note,
            )
            continue
        lines[recruiter_id].add(
            None, item_kind, points=points, source=("complaints.complaint", complaint_id), complaint=number
        )

    # §5.2 assessment pay: every recruiter in service, from their points (none → −300).
    recruiters = set(users_with_role(Role.RECRUITER).values_list("pk", flat=True))
    for recruiter_id in sorted(recruiters & set(staff)):
        line = lines[recruiter_id]
        line.set_amount(
            "assessment_pay",
            ItemKind.ASSESSMENT_PAY,
            pay_rules.assessment_pay(line.points, rules),
            of_points=str(line.points),
        )

    # §5.3 POS shortfall: terminals assessed this month whose merchant pays no service
    # fee, with a profit under the minimum (no record: no profit), not removed before the
    # month's end; charged to the merchant's owner on the month's last day unless a
    # waiver covers it or the month's fee is credited as paid (``PosFeeCredit``, e.g.
    # redeemed with the merchant's credit points, SPEC §9) — read in the same query.
    installed_by = pay_rules.add_months(first, -rules.pos_grace_months)
    profit = ProfitRecord.objects.filter(terminal=OuterRef("pk"), month=first).values("profit")[:1]
    money_field = DecimalField(max_digits=12, decimal_places=2)
    candidates = (
        Terminal.objects.filter(pays_service_fee=False, installed_on__lte=installed_by)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=last))
        .annotate(
            month_profit=Coalesce(Subquery(profit, output_field=money_field), Value(None, money_field)),
            fee_credited=Exists(PosFeeCredit.objects.filter(terminal=OuterRef("pk"), month=first)),
        )
        .filter(Q(month_profit__isnull=True) | Q(month_profit__lt=rules.pos_min_profit))
        .order_by("merchant_id", "serial")
        .values_list(
            "pk",
            "serial",
            "installed_on",
            "month_profit",
            "merchant_id",
            "merchant__name",
            "merchant__recruiter_id",
            "fee_credited",
        )
    )
    candidates = list(candidates)
    if candidates:
        merchant_ids = sorted({row[4] for row in candidates})
        waived = merchants_with_pos_fee_waiver(last, merchant_ids=merchant_ids)
        stints = load_stints({(row[4], row[6]) for row in candidates})
        for row in candidates:
            terminal_id, serial, installed_on, month_profit, merchant_id, merchant_name, _recruiter, credited = row
            if not pay_rules.is_assessed(installed_on, first, rules):
                continue
            owner = owner_on(stints[merchant_id], last)
            if owner is None:
                continue
            recorded = month_profit if month_profit is not None else Decimal("0.00")
            details = {
                "terminal": serial,
                "merchant": merchant_name,
                "profit": str(pay_rules.money(recorded)),
                "profit_recorded": month_profit is not None,
                "minimum": str(rules.pos_min_profit),
            }
            if merchant_id in waived or credited:
                lines[owner].add(
                    None,
                    ItemKind.POS_EXEMPT,
                    amount=Decimal(0),
                    source=("merchants.terminal", terminal_id),
                    waived=merchant_id in waived,
                    fee_credited=credited,
                    **details,
                )
                continue
            charge = pay_rules.pos_shortfall(recorded, rules, pays_service_fee=False, waived=False)
            lines[owner].add(
                "pos_shortfall",
                ItemKind.POS_SHORTFALL,
                amount=-charge,
                source=("merchants.terminal", terminal_id),
                **details,
            )

    # Complaint penalties recorded for this payroll month (SPEC.md §4).
    penalties = (
        Penalty.objects.filter(month=first)
        .order_by("complaint_id", "role")
        .values_list("complaint_id", "complaint__number", "person_id", "role", "amount")
    )
    for complaint_id, number, person_id, role, amount in penalties:
        lines[person_id].add(
            "complaint_penalties",
            ItemKind.COMPLAINT_PENALTY,
            amount=amount,
            source=("complaints.complaint", complaint_id),
            complaint=number,
            role=role,
        )

    add_adjustments(lines, first)
    return lines


def add_adjustments(lines: Lines, month: dt.date) -> None:
    """Corrections paid with this month's payroll, each its own item."""
    for adjustment in Adjustment.objects.filter(month=month).select_related("corrects").order_by("pk"):
        lines[adjustment.staff_id].add(
            "adjustments",
            ItemKind.ADJUSTMENT,
            amount=adjustment.amount,
            source=("compensation.adjustment", adjustment.pk),
            reason=adjustment.reason,
            corrects=str(adjustment.corrects) if adjustment.corrects_id else "",
            corrects_id=adjustment.corrects_id,
        )
