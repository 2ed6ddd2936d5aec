"""The star-rating rules (商家加盟星级评估标准, SPEC.md §2), one pure function per rule.

The numbers (band edges, points, the class-II threshold) are data: they come from the
``ScoringRuleSet`` in force (``ScoringRuleSet.table``) as a ``RuleTable``. The functions
here only read that table, so the API, the pages, the admin and the tests all share them.
Everything is ``Decimal``; the score is rounded ROUND_HALF_UP to 2 places at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# One definition of the classes, shared with merchants (the class recorded at signing).
from merchants.models import Category, MerchantClass
from workplace.exceptions import ApplicationError

CENT = Decimal("0.01")


class Decoration(models.TextChoices):
    """Shop decoration (形象装修)."""

    NONE = "none", gettext_lazy("None")
    SIMPLE = "simple", gettext_lazy("Simple")
    STANDARD = "standard", gettext_lazy("Standard")
    LUXURY = "luxury", gettext_lazy("Luxury")
    CHAIN_STYLE = "chain_style", gettext_lazy("Chain-store style")


class Frequency(models.TextChoices):
    """How often customers buy there (消费频次)."""

    OCCASIONAL = "occasional", gettext_lazy("Occasional")
    RARE = "rare", gettext_lazy("Rare")
    AVERAGE = "average", gettext_lazy("Average")
    HIGH = "high", gettext_lazy("High")
    VERY_HIGH = "very_high", gettext_lazy("Very high")


# The seven items, in the order of the source table; also the keys of ``items``.
ITEMS = (
    "brand",
    "decoration",
    "area_sqm",
    "registered_capital",
    "staff_count",
    "years_in_business",
    "frequency",
)
ITEM_LABELS = {
    "brand": gettext_lazy("Brand recognition & local influence"),
    "decoration": gettext_lazy("Decoration"),
    "area_sqm": gettext_lazy("Business area (m²)"),
    "registered_capital": gettext_lazy("Registered capital (yuan)"),
    "staff_count": gettext_lazy("Staff count"),
    "years_in_business": gettext_lazy("Years in business"),
    "frequency": gettext_lazy("Consumption frequency"),
}
# The items whose points come from numeric bands.
BANDED_ITEMS = ("area_sqm", "registered_capital", "staff_count", "years_in_business")


@dataclass(frozen=True)
class Band:
    """Values up to ``limit`` score ``points``; ``inclusive`` says whether the limit itself
    belongs to the band (≤) or not (<). The last band has no limit."""

    limit: Decimal | None
    inclusive: bool
    points: Decimal

    def holds(self, value: Decimal) -> bool:
        if self.limit is None:
            return True
        return value <= self.limit if self.inclusive else value < self.limit


@dataclass(frozen=True)
class RuleTable:
    """The parameters of one rule set, as plain values."""

    bands: Mapping[str, tuple[Band, ...]]
    decoration: Mapping[str, Decimal]
    frequency: Mapping[str, Decimal]
    brand_min: int
    brand_max: int
    class_two_threshold: Decimal


def _band_points(value: Decimal, bands: tuple[Band, ...], field: str) -> Decimal:
    if value < 0:
        raise ApplicationError(_("Ensure this value is not negative."), field=field, code="min_value")
    for band in bands:
        if band.holds(value):
            return band.points
    # A validated table ends with an open band; reaching here means a broken table.
    raise ApplicationError(_("The rule set has no band for this value."), field=field, code="no_band")


def _number(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite():
        raise ApplicationError(_("A valid number is required."), field=field, code="invalid")
    return number


def brand_points(brand: int, rules: RuleTable) -> Decimal:
    """Brand recognition and local influence: an integer judged by the evaluator (1–5)."""
    if isinstance(brand, bool) or not isinstance(brand, int) or not rules.brand_min <= brand <= rules.brand_max:
        raise ApplicationError(
            _("Brand must be a whole number from %(min)s to %(max)s.")
            % {"min": rules.brand_min, "max": rules.brand_max},
            field="brand",
            code="out_of_range",
        )
    return Decimal(brand)


def decoration_points(decoration: str, rules: RuleTable) -> Decimal:
    """Decoration (形象装修): none 0.1 · simple 0.2 · standard 0.3 · luxury 0.4 · chain style 0.5."""
    try:
        return rules.decoration[decoration]
    except (KeyError, TypeError):
        raise ApplicationError(_("Unknown decoration."), field="decoration", code="invalid_choice") from None


def area_points(area, rules: RuleTable) -> Decimal:
    """Business area in m²: ≤50 → 0.5 · ≤100 → 0.6 · ≤300 → 0.7 · ≤800 → 0.8 · >800 → 1.0."""
    return _band_points(_number(area, "area_sqm"), rules.bands["area_sqm"], "area_sqm")


def capital_points(capital, rules: RuleTable) -> Decimal:
    """Registered capital in yuan: <100 000 → 0.1 · ≤300 000 → 0.2 · ≤1 000 000 → 0.3 ·
    ≤5 000 000 → 0.4 · >5 000 000 → 0.5."""
    return _band_points(_number(capital, "registered_capital"), rules.bands["registered_capital"], "registered_capital")


def staff_points(staff_count, rules: RuleTable) -> Decimal:
    """Staff count: <4 → 0.1 · ≤10 → 0.2 · ≤30 → 0.3 · ≤80 → 0.4 · >80 → 0.5."""
    return _band_points(_number(staff_count, "staff_count"), rules.bands["staff_count"], "staff_count")


def years_points(years, rules: RuleTable) -> Decimal:
    """Years in business: <2 → 0.1 · <4 → 0.2 · <8 → 0.3 · <10 → 0.4 · ≥10 → 0.5."""
    return _band_points(_number(years, "years_in_business"), rules.bands["years_in_business"], "years_in_business")


def frequency_points(frequency: str, rules: RuleTable) -> Decimal:
    """Consumption frequency: occasional 1 · rare 4 · average 6 · high 8 · very high 10."""
    try:
        return rules.frequency[frequency]
    except (KeyError, TypeError):
        raise ApplicationError(_("Unknown consumption frequency."), field="frequency", code="invalid_choice") from None


def item_points(inputs: Mapping, rules: RuleTable) -> dict[str, Decimal]:
    """The points of each of the seven items, keyed as ``ITEMS``."""
    return {
        "brand": brand_points(inputs["brand"], rules),
        "decoration": decoration_points(inputs["decoration"], rules),
        "area_sqm": area_points(inputs["area_sqm"], rules),
        "registered_capital": capital_points(inputs["registered_capital"], rules),
        "staff_count": staff_points(inputs["staff_count"], rules),
        "years_in_business": years_points(inputs["years_in_business"], rules),
        "frequency": frequency_points(inputs["frequency"], rules),
    }


def star_score(items: Mapping[str, Decimal]) -> Decimal:
    """Score = the sum of the seven items' points, rounded half up to 2 places."""
    return sum(items.values(), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def merchant_class(score: Decimal, category: str, large_or_chain: bool, rules: RuleTable) -> str:
    """Class I only for large or chain supermarkets, whatever the score; otherwise class II
    from the threshold (12) up, class III below it."""
    if category == Category.SUPERMARKET and large_or_chain:
        return MerchantClass.I
    return MerchantClass.II if score >= rules.class_two_threshold else MerchantClass.III


@dataclass(frozen=True)
class Rating:
    score: Decimal
    merchant_class: str
    items: dict[str, Decimal]

    def as_json(self) -> dict:
        """The API's shape: decimals as strings with 2 places."""
        return {
            "score": f"{self.score:.2f}",
            "merchant_class": str(self.merchant_class),
            "items": {
                item: f"{points.quantize(CENT, rounding=ROUND_HALF_UP):.2f}" for item, points in self.items.items()
            },
        }


def rate(inputs: Mapping, rules: RuleTable) -> Rating:
    """The whole evaluation of one set of calculator inputs under ``rules``."""
    items = item_points(inputs, rules)
    score = star_score(items)
    return Rating(
        score=score,
        merchant_class=merchant_class(score, inputs["category"], bool(inputs.get("large_or_chain", False)), rules),
        items=items,
    )


# --- the rule table as stored data -------------------------------------------------------


def _decimal(value, where: str, field: str = "bands") -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ApplicationError(
            _("%(where)s: “%(value)s” is not a number of zero or more.") % {"where": where, "value": value}, field=field
        )
    return number


def rule_table_from_data(*, bands, class_two_threshold, brand_min: int, brand_max: int) -> RuleTable:
    """Check the stored shape of a rule set and turn it into a ``RuleTable``.

    ``bands`` is JSON: for each banded item a list of ``{"below": edge, "points": p}``
    (value < edge), ``{"up_to": edge, "points": p}`` (value ≤ edge) or, last, ``{"points": p}``
    (everything above), edges ascending; and ``decoration`` / ``frequency`` mappings from
    each choice to its points.
    """
    if not isinstance(bands, dict):
        raise ApplicationError(_("The bands must be a JSON object."), field="bands")
    parsed: dict[str, tuple[Band, ...]] = {}
    for item in BANDED_ITEMS:
        rows = bands.get(item)
        if not isinstance(rows, list) or not rows:
            raise ApplicationError(_("%(item)s: a list of bands is required.") % {"item": item}, field="bands")
        item_bands = []
        previous = None
        for position, row in enumerate(rows):
            where = f"{item}[{position}]"
            if not isinstance(row, dict) or "points" not in row:
                raise ApplicationError(_("%(where)s: each band needs “points”.") % {"where": where}, field="bands")
            last = position == len(rows) - 1
            edges = [key for key in ("below", "up_to") if key in row]
            if last and edges:
                raise ApplicationError(
                    _("%(where)s: the last band must be open (points only).") % {"where": where}, field="bands"
                )
            if not last and len(edges) != 1:
                raise ApplicationError(
                    _("%(where)s: give exactly one of “below” or “up_to”.") % {"where": where}, field="bands"
                )
            points = _decimal(row["points"], where)
            if last:
                item_bands.append(Band(None, False, points))
                continue
            limit = _decimal(row[edges[0]], where)
            if previous is not None and limit <= previous:
                raise ApplicationError(_("%(where)s: edges must go up.") % {"where": where}, field="bands")
            previous = limit
            item_bands.append(Band(limit, edges[0] == "up_to", points))
        parsed[item] = tuple(item_bands)
    choices = {}
    for item, enum in (("decoration", Decoration), ("frequency", Frequency)):
        mapping = bands.get(item)
        if not isinstance(mapping, dict) or set(mapping) != set(enum.values):
            raise ApplicationError(
                _("%(item)s: give points for exactly these choices: %(choices)s.")
                % {"item": item, "choices": ", ".join(enum.values)},
                field="bands",
            )
        choices[item] = {key: _decimal(mapping[key], f"{item}.{key}") for key in enum.values}
    unknown = set(bands) - set(BANDED_ITEMS) - {"decoration", "frequency"}
    if unknown:
        raise ApplicationError(_("Unknown items: %(items)s.") % {"items": ", ".join(sorted(unknown))}, field="bands")
    if brand_min is None or brand_max is None or not 0 <= brand_min <= brand_max:
        raise ApplicationError(_("The brand range must go from a lower to a higher number."), field="brand_max")
    return RuleTable(
        bands=parsed,
        decoration=choices["decoration"],
        frequency=choices["frequency"],
        brand_min=brand_min,
        brand_max=brand_max,
        class_two_threshold=_decimal(class_two_threshold, "class_two_threshold", "class_two_threshold"),
    )
