"""Writes of the complaints app (SPEC.md §4): keyword-only, atomic, one per step."""

from .attachments import attachment_add, attachments_check
from .deadlines import complaint_deadlines_process, current_deadline_of
from .disputes import arbitration_decide, can_escalate, complaint_escalate, external_arbitration_record
from .feedback import positive_feedback_check, positive_feedback_log
from .outcomes import complaint_penalty
from .steps import (
    check_received_at,
    complaint_close,
    complaint_investigate,
    complaint_mark_implemented,
    complaint_propose_solution,
    complaint_receive,
    complaint_record_opinion,
    complaint_record_visit,
)
from .workflow import (
    FLOW,
    PANEL_ROLES,
    complaint_action_check,
    complaint_allowed_actions,
    complaint_receive_check,
    is_customer_service,
    is_responsible,
    panel_candidates,
)

__all__ = [
    "FLOW",
    "PANEL_ROLES",
    "arbitration_decide",
    "attachment_add",
    "attachments_check",
    "can_escalate",
    "check_received_at",
    "complaint_action_check",
    "panel_candidates",
    "complaint_allowed_actions",
    "complaint_close",
    "complaint_deadlines_process",
    "complaint_escalate",
    "complaint_investigate",
    "complaint_mark_implemented",
    "complaint_penalty",
    "complaint_propose_solution",
    "complaint_receive",
    "complaint_record_opinion",
    "complaint_receive_check",
    "complaint_record_visit",
    "current_deadline_of",
    "external_arbitration_record",
    "is_customer_service",
    "is_responsible",
    "positive_feedback_check",
    "positive_feedback_log",
]
