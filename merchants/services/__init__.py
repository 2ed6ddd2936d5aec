"""Writes of the merchants app (SPEC.md §1), one module per concern.

Every function is keyword-only and atomic. Callers fetch records through the selectors
(so a record the user may not see is a 404 before it gets here); these functions check
the role (``NotPermitted`` → 403), the state (``InvalidTransition`` → 409) and the input
(``ApplicationError(field=...)`` → 400). Only ``application_transition`` and
``merchant_transition`` change a status.

This package re-exports the public names, so
``from merchants import services; services.application_submit(...)`` keeps working.
"""

from .applications import (  # noqa: F401
    PROFILE_FIELDS,
    application_create,
    application_create_check,
    application_submit,
    application_update,
    application_withdraw,
)
from .contracts import (  # noqa: F401
    contract_number,
    contract_render,
    contract_sign,
)
from .deadlines import (  # noqa: F401
    DEADLINE_RULES,
    DEADLINE_TABLE,
    DeadlineRule,
    application_deadline,
    application_expire,
    deadline_compute,
    deadline_fields,
    deadline_statuses,
    escalation_chain,
    escalation_level_due,
    onboarding_deadlines_process,
)
from .lifecycle import (  # noqa: F401
    merchant_reactivate,
    merchant_suspend,
    merchant_terminate,
)
from .review import (  # noqa: F401
    application_approve,
    application_assign,
    application_reject,
    application_request_changes,
    approval_blockers,
    site_visit_record,
)
from .system_check import (  # noqa: F401
    application_checks,
    application_run_system_check,
    document_facts,
    stalled_system_checks_run,
)
from .terminals import (  # noqa: F401
    terminal_create,
    terminal_remove,
)
from .uploads import (  # noqa: F401
    ALLOWED_MEDIA_TYPES,
    document_add,
    document_delete,
    files_removed_on_failure,
    inspect_upload,
)
from .workflow import (  # noqa: F401
    ACTIONS,
    APPLICATION_FLOW,
    MERCHANT_FLOW,
    RoleDirectory,
    application_action_check,
    application_allowed_actions,
    application_transition,
    department_head,
    lock_and_check,
    merchant_transition,
    review_assignees,
    review_url,
)
