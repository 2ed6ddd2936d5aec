"""A payslip line while a run computes it: its amounts and the explanation items that
produced each, written in one go by ``runs``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..models import ItemKind
from ..rules import money

# The line's amounts, each signed as it adds to the total.
AMOUNT_FIELDS = (
    "base_salary",
    "allowance",
    "position_allowance",
    "assessment_pay",
    "pos_shortfall",
    "complaint_penalties",
    "bonus",
    "adjustments",
)


@dataclass
class Item:
    kind: str
    amount: Decimal | None = None
    points: Decimal | None = None
    source_type: str = ""
    source_id: int | None = None
    data: dict = field(default_factory=dict)


@dataclass
class LineDraft:
    staff_id: int
    department_id: int | None = None
    points: Decimal = Decimal(0)
    amounts: dict = field(default_factory=lambda: dict.fromkeys(AMOUNT_FIELDS, Decimal("0.00")))
    items: list[Item] = field(default_factory=list)

    def add(self, amount_field: str | None, kind: str, *, amount=None, points=None, source=("", None), **data) -> None:
        """Record an item; its amount adds to ``amount_field``, its points to the points."""
        if amount is not None:
            amount = money(amount)
            if amount_field:
                self.amounts[amount_field] += amount
        if points is not None:
            self.points += points
        self.items.append(
            Item(kind=kind, amount=amount, points=points, source_type=source[0], source_id=source[1], data=data)
        )

    def set_amount(self, amount_field: str, kind: str, amount, **data) -> None:
        """An amount computed from the items before it (assessment pay, the bonus)."""
        self.add(amount_field, kind, amount=amount, **data)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))

    @property
    def is_empty(self) -> bool:
        return not self.items


class Lines(dict):
    """``{staff_id: LineDraft}``, creating a line on first use."""

    def __init__(self, departments: dict[int, int | None] | None = None):
        super().__init__()
        self._departments = departments or {}

    def __missing__(self, staff_id: int) -> LineDraft:
        line = LineDraft(staff_id=staff_id, department_id=self._departments.get(staff_id))
        self[staff_id] = line
        return line


__all__ = ["AMOUNT_FIELDS", "Item", "ItemKind", "LineDraft", "Lines"]
