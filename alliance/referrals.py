"""Referrals and the referral share (按引流效果分成, SPEC.md §9): the import of referrals
(``POST /api/v1/referrals/``, idempotent on the customer reference, all-or-nothing with
every row's errors) and the monthly statement netting what a merchant owes and is owed
per counterpart. Modelled on ``compensation.services.profits``.

Who records: a merchant, referrals it made (``from_merchant`` its own); staff who
organise activities (recruiters, heads, managers), referrals in activities they see.
A referral is refused when its date is outside the activity's period, when either
merchant does not take part in the activity (accepted its invitation), or when both are
the same merchant. A customer reference already recorded with the same values is counted
as unchanged; with other values it is refused (a recorded referral is money owed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from workplace import batches, rules
from workplace.batches import RowError, RowsInvalid, parse_amount, required
from workplace.exceptions import ApplicationError, NotPermitted
from workplace.roles import Role, has_role

from . import points, selectors
from .models import Participation, Referral, ReferralShare

MAX_ROWS = 1000
FIELDS = ("activity", "from_merchant", "to_merchant", "customer_ref", "spend", "date")
_CENT = Decimal("0.01")
_MAX_WHOLE_DIGITS = 10
_MAX_ID = 2**31 - 1


# The batch's errors (workplace.batches), under this module's name.
ReferralRowsInvalid = RowsInvalid


# --- the rule -----------------------------------------------------------------------------


def referral_share(spend: Decimal, percent: Decimal) -> Decimal:
    """What the receiving merchant owes the referring one: ``percent`` % of the spend,
    rounded half up to the fen (0.10 at 5 % is 0.005 → 0.01)."""
    return (spend * percent / Decimal(100)).quantize(_CENT, rounding=ROUND_HALF_UP)


def share_percent_on(day: dt.date) -> Decimal:
    return rules.in_force(ReferralShare, day).percent


# --- one field at a time ------------------------------------------------------------------


def _required(value):
    if value == "":
        raise RowError(_("This field is required."))
    return required(value)


def parse_id(value) -> int:
    _required(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise RowError(_("Enter a whole number."))
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) <= _MAX_ID:
        raise RowError(_("Enter a whole number."))
    return int(text)


def parse_customer_ref(value) -> str:
    _required(value)
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise RowError(_("Enter the customer reference as text."))
    if len(value.strip()) > 100:
        raise RowError(_("Enter at most 100 characters."))
    return value.strip()


def parse_spend(value) -> Decimal:
    return parse_amount(
        value,
        negative=_("A spend cannot be negative."),
        not_a_number=_("Enter a number, for example 12.34."),
        whole_digits=_MAX_WHOLE_DIGITS,
    )


def parse_date(value) -> dt.date:
    _required(value)
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RowError(_("Enter a date as YYYY-MM-DD.")) from None


PARSERS = {
    "activity": parse_id,
    "from_merchant": parse_id,
    "to_merchant": parse_id,
    "customer_ref": parse_customer_ref,
    "spend": parse_spend,
    "date": parse_date,
}


# --- the batch ------------------------------------------------------------------------------


@dataclass
class Row:
    index: int
    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    existing: Referral | None = None

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


def check_batch(rows) -> None:
    batches.check_batch(rows, max_rows=MAX_ROWS, shape='[{"activity", "from_merchant", "to_merchant", ...}, ...]')


def check_may_record(user) -> None:
    if has_role(user, Role.MERCHANT) or selectors.may_organise(user):
        return
    raise NotPermitted(_("You may not record referrals."))


def _parse(rows: Sequence) -> list[Row]:
    parsed = []
    for index, raw in enumerate(rows):
        row = Row(index=index)
        if not isinstance(raw, dict):
            row.fail(
                "non_field_errors",
                _(
                    "Each row must be an object with activity, from_merchant, to_merchant, customer_ref, spend and date."
                ),
            )
            parsed.append(row)
            continue
        for name, parse in PARSERS.items():
            try:
                row.values[name] = parse(raw.get(name))
            except RowError as error:
                row.fail(name, error.message)
        parsed.append(row)
    return parsed


def _check(rows: list[Row], user) -> None:
    """The rules across rows and records: the activity seen, both merchants taking part,
    the date in the period, the reference new or the same, once per batch."""
    complete = [row for row in rows if not row.errors]
    activities = {
        activity.pk: activity
        for activity in selectors.activities_for_user(user).filter(pk__in={r.values["activity"] for r in complete})
    }
    taking_part = set(
        Participation.objects.filter(activity_id__in=activities, accepted_at__isnull=False).values_list(
            "activity_id", "merchant_id"
        )
    )
    own = None
    if has_role(user, Role.MERCHANT) and not selectors.may_organise(user):
        own = set(selectors.merchants_for_user(user).values_list("pk", flat=True))
    existing = {
        referral.customer_ref: referral
        for referral in Referral.objects.filter(customer_ref__in={r.values["customer_ref"] for r in complete})
    }
    first_of: dict[str, int] = {}
    for row in complete:
        values = row.values
        activity = activities.get(values["activity"])
        if activity is None:
            row.fail("activity", _("No such activity."))
            continue
        if own is not None and values["from_merchant"] not in own:
            row.fail("from_merchant", _("A merchant records only the customers it referred itself."))
        if values["from_merchant"] == values["to_merchant"]:
            row.fail("to_merchant", _("A merchant cannot refer a customer to itself."))
        for name in ("from_merchant", "to_merchant"):
            if (activity.pk, values[name]) not in taking_part and name not in row.errors:
                row.fail(name, _("This merchant does not take part in the activity."))
        if not activity.starts_on <= values["date"] <= activity.ends_on:
            row.fail(
                "date",
                _("The date is outside the activity's period (%(start)s to %(end)s).")
                % {"start": activity.starts_on.isoformat(), "end": activity.ends_on.isoformat()},
            )
        ref = values["customer_ref"]
        if ref in first_of:
            row.fail("customer_ref", _("This customer reference is also in row %(row)d.") % {"row": first_of[ref]})
        first_of.setdefault(ref, row.index)
        row.existing = existing.get(ref)
        if row.existing is not None and not _same(row.existing, values):
            row.fail("customer_ref", _("This customer reference is already recorded with other values."))


def _same(referral: Referral, values: dict) -> bool:
    return (
        referral.activity_id == values["activity"]
        and referral.from_merchant_id == values["from_merchant"]
        and referral.to_merchant_id == values["to_merchant"]
        and referral.spend == values["spend"]
        and referral.date == values["date"]
    )


@transaction.atomic
def referrals_import(*, user, rows) -> ImportResult:
    """Record a batch of referrals, all or nothing; the same batch again changes nothing."""
    check_may_record(user)
    check_batch(rows)
    parsed = _parse(rows)
    _check(parsed, user)
    errors = [{"index": row.index, "errors": row.errors} for row in parsed if row.errors]
    if errors:
        raise ReferralRowsInvalid(errors)
    new = []
    for row in parsed:
        if row.existing is not None:
            continue
        values = row.values
        percent = share_percent_on(values["date"])
        new.append(
            Referral(
                activity_id=values["activity"],
                from_merchant_id=values["from_merchant"],
                to_merchant_id=values["to_merchant"],
                customer_ref=values["customer_ref"],
                spend=values["spend"],
                date=values["date"],
                share_percent=percent,
                share=referral_share(values["spend"], percent),
                recorded_by=user,
            )
        )
    # Two batches with the same new reference at once: the unique index lets one in.
    Referral.objects.bulk_create(new)
    points.points_for_referrals(new)
    return ImportResult(created=len(new), unchanged=len(parsed) - len(new))


# --- the statement --------------------------------------------------------------------------


def parse_month(value) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ApplicationError(_("Enter a month as YYYY-MM, for example 2026-12."), field="month")
    try:
        return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        raise ApplicationError(_("Enter a month as YYYY-MM, for example 2026-12."), field="month") from None


def parse_merchant(value) -> int:
    try:
        return parse_id(value)
    except RowError as error:
        raise ApplicationError(error.message, field="merchant") from None


@dataclass
class CounterpartLine:
    merchant_id: int
    name: str
    referred_to_them: int = 0
    spend_referred_to_them: Decimal = Decimal("0.00")
    owed_to_merchant: Decimal = Decimal("0.00")
    referred_by_them: int = 0
    spend_referred_by_them: Decimal = Decimal("0.00")
    owed_by_merchant: Decimal = Decimal("0.00")

    @property
    def net(self) -> Decimal:
        """Positive: the counterpart pays the merchant; negative: the merchant pays."""
        return self.owed_to_merchant - self.owed_by_merchant


@dataclass
class Statement:
    merchant: object
    month: dt.date
    lines: list[CounterpartLine]

    @property
    def owed_to_merchant(self) -> Decimal:
        return sum((line.owed_to_merchant for line in self.lines), Decimal("0.00"))

    @property
    def owed_by_merchant(self) -> Decimal:
        return sum((line.owed_by_merchant for line in self.lines), Decimal("0.00"))

    @property
    def net(self) -> Decimal:
        return self.owed_to_merchant - self.owed_by_merchant


def statement_merchant(*, user, merchant):
    """The merchant whose statement is asked for, among those the user sees (a merchant
    only its own); ``None`` when not found (the API answers 404)."""
    return selectors.merchants_for_user(user).filter(pk=parse_merchant(merchant)).first()


def referral_statement(*, merchant, month) -> Statement:
    """The monthly statement of ``merchant``, netted per counterpart (one query)."""
    month_start = parse_month(month) if isinstance(month, str) else month
    merchant_id = merchant.pk
    following = (month_start + dt.timedelta(days=32)).replace(day=1)
    referrals = (
        Referral.objects.filter(date__gte=month_start, date__lt=following)
        .filter(Q(from_merchant_id=merchant_id) | Q(to_merchant_id=merchant_id))
        .select_related("from_merchant", "to_merchant")
        .order_by()
    )
    lines: dict[int, CounterpartLine] = {}
    for referral in referrals:
        if referral.from_merchant_id == merchant_id:
            other = referral.to_merchant
            line = lines.setdefault(other.pk, CounterpartLine(merchant_id=other.pk, name=other.name))
            line.referred_to_them += 1
            line.spend_referred_to_them += referral.spend
            line.owed_to_merchant += referral.share
        else:
            other = referral.from_merchant
            line = lines.setdefault(other.pk, CounterpartLine(merchant_id=other.pk, name=other.name))
            line.referred_by_them += 1
            line.spend_referred_by_them += referral.spend
            line.owed_by_merchant += referral.share
    ordered = sorted(lines.values(), key=lambda line: (line.name, line.merchant_id))
    return Statement(merchant=merchant, month=month_start, lines=ordered)
