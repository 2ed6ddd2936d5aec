"""The compensation back office, one module per concern: ``inputs`` (pay profiles,
terminal profits and their import, handovers), ``rules`` (the pay rule sets), ``runs``
(runs, adjustments, year-end pools and allocations), ``credits`` (POS service fees
counted as paid, read only). Importing the package registers
them all."""

from .credits import PosFeeCreditAdmin
from .inputs import HandoverAdmin, PayProfileAdmin, ProfitRecordAdmin
from .rules import CompensationRuleSetAdmin
from .runs import AdjustmentAdmin, AllocationAdmin, PayrollRunAdmin, YearEndPoolAdmin, run_page_url

__all__ = [
    "AdjustmentAdmin",
    "AllocationAdmin",
    "CompensationRuleSetAdmin",
    "HandoverAdmin",
    "PayProfileAdmin",
    "PayrollRunAdmin",
    "PosFeeCreditAdmin",
    "ProfitRecordAdmin",
    "YearEndPoolAdmin",
    "run_page_url",
]
