"""Merchant complaints (商户投诉处理流程, SPEC.md §4).

A complaint walks seven steps, recorded as its ``status`` (the step is derived from it):

    1 received → 2 investigating → 3 awaiting_solution → 4 awaiting_opinion →
    5 implementing → 6 follow_up → 7 closed          (invalid: → closed_invalid)

The allowed moves are the data in ``COMPLAINT_TRANSITIONS``; only
``complaints.services`` changes a status (through ``complaints.services.FLOW``, the
house's ``Workflow``). Every step writes an append-only ``ComplaintEvent`` (the history
API.md shows) besides the ``ComplaintStatusChange`` row of the move, and its own record
(``Investigation``, ``Solution``, ``Opinion``, ``Implementation``, ``FollowUpVisit``,
``Arbitration``). Nothing is overwritten: a new round (an unsatisfied visit sends the
complaint back to investigation) or a new attempt (a rejected solution) adds rows.

Disputes (三级纠纷处理): ``dispute_level`` 1 is the seven steps; a merchant that rejects a
solution may escalate to 2 (the platform's arbitration panel) and then 3 (external
arbitration). The status list stays the same while escalated: a level-2 complaint waits
in ``awaiting_solution`` until the panel decides; the decision is the solution the
merchant then accepts (→ implementing) or rejects (→ may escalate to level 3, whose
recorded outcome is carried out → implementing).

Outcomes read by compensation (it imports complaints, never the reverse): ``Penalty``
rows (SPEC.md §4, deducted in the closing month's payroll) and ``PointEvent`` rows
(SPEC.md §5.1: −0.5 per valid complaint against the merchant's recruiter, +0.5 per
satisfied-or-better survey).
"""

from .choices import (
    CLOSED_STATUSES,
    COMPLAINT_TRANSITIONS,
    DEFAULT_FOLLOW_UP_WORKING_DAYS,
    DEFAULT_PANEL_WORKING_DAYS,
    DEFAULT_REPLY_WORKING_DAYS,
    DEFAULT_SOLUTION_WORKING_DAYS,
    OPEN_STATUSES,
    SATISFIED_ANSWERS,
    STEP_OF_STATUS,
    ComplaintStatus,
    ComplaintType,
    DisputeLevel,
    Satisfaction,
    attachment_upload_to,
)
from .complaint import (
    STEP_OF_ACTION,
    Complaint,
    ComplaintEvent,
    ComplaintRuleSet,
    ComplaintStatusChange,
    EventAction,
)
from .records import (
    Arbitration,
    Attachment,
    AttachmentSide,
    FollowUpVisit,
    Implementation,
    Investigation,
    Opinion,
    Penalty,
    PenaltyRole,
    PointEvent,
    PointKind,
    Solution,
)

__all__ = [
    "ComplaintType",
    "ComplaintStatus",
    "Satisfaction",
    "SATISFIED_ANSWERS",
    "DisputeLevel",
    "COMPLAINT_TRANSITIONS",
    "STEP_OF_STATUS",
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "attachment_upload_to",
    "DEFAULT_REPLY_WORKING_DAYS",
    "DEFAULT_SOLUTION_WORKING_DAYS",
    "DEFAULT_FOLLOW_UP_WORKING_DAYS",
    "DEFAULT_PANEL_WORKING_DAYS",
    "ComplaintRuleSet",
    "Complaint",
    "ComplaintStatusChange",
    "EventAction",
    "STEP_OF_ACTION",
    "ComplaintEvent",
    "Investigation",
    "Solution",
    "Opinion",
    "Implementation",
    "FollowUpVisit",
    "Arbitration",
    "AttachmentSide",
    "Attachment",
    "PenaltyRole",
    "Penalty",
    "PointKind",
    "PointEvent",
]
