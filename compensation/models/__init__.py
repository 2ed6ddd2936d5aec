"""Compensation's records (SPEC.md §5), by concern:

- ``pay``: what a person is paid monthly (``PayProfile``) and the dated pay rules
  (``CompensationRuleSet``);
- ``inputs``: what the runs read besides other apps' records: each POS terminal's monthly
  profit (``ProfitRecord``) and the handovers of merchants between recruiters
  (``Handover``, SPEC §5.5);
- ``credits``: months of a terminal's POS service fee counted as paid (``PosFeeCredit``,
  granted by the alliance's point redemptions, SPEC §9);
- ``runs``: the runs (``PayrollRun`` and its history), their lines and each line's
  explanation (``PayrollLine``, ``LineItem``), corrections (``Adjustment``) and the
  year-end pool with its allocation (``YearEndPool``, ``Allocation``, ``AllocationShare``).
"""

from .credits import PosFeeCredit
from .inputs import Handover, ProfitRecord, ProfitSource
from .pay import CompensationRuleSet, PayProfile
from .runs import (
    Adjustment,
    Allocation,
    AllocationShare,
    AllocationStatus,
    ItemKind,
    LineItem,
    PayrollLine,
    PayrollRun,
    PayrollRunStatusChange,
    RunKind,
    RunStatus,
    YearEndPool,
)

__all__ = [
    "Adjustment",
    "Allocation",
    "AllocationShare",
    "AllocationStatus",
    "CompensationRuleSet",
    "Handover",
    "ItemKind",
    "LineItem",
    "PayProfile",
    "PayrollLine",
    "PayrollRun",
    "PayrollRunStatusChange",
    "PosFeeCredit",
    "ProfitRecord",
    "ProfitSource",
    "RunKind",
    "RunStatus",
    "YearEndPool",
]
