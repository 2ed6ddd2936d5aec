"""The complaint pages (SPEC.md §4), by concern:

- ``common``: who you are (staff, customer service, merchant), the complaint through its
  selector, the posted data and the seven steps' labels;
- ``lists``: each role's entry point, customer service's work queue, the
  responsible head's queue, every complaint one may see, the service-level panel;
- ``filing``: customer service's intake form and the filing shared with the portal;
- ``portal``: the merchant's list and filing form in the portal;
- ``complaint``: the complaint page with its rounds and the forms of the step at hand,
  and each step posted;
- ``files``: the attachments and the four paper forms as PDFs (``pdf_response``, shared
  with the API).

Views are adapters: the record comes through ``complaints.selectors`` (a complaint one may
not see is a 404), each step calls its service in ``complaints.services`` and shows the
service's refusal next to the field it names (400), as a page error (403, 409)."""

from .common import STEPS
from .complaint import ACTION_FORMS, ACTION_SERVICES, DONE_MESSAGES, act, actions_now, detail
from .files import attachment_file, form_pdf, pdf_response
from .filing import intake
from .lists import PANEL_ROLES, complaint_list, head_queue, index, queue, service_level
from .portal import file_complaint, mine

__all__ = [
    "STEPS",
    "PANEL_ROLES",
    "index",
    "queue",
    "head_queue",
    "complaint_list",
    "service_level",
    "intake",
    "mine",
    "file_complaint",
    "actions_now",
    "ACTION_FORMS",
    "ACTION_SERVICES",
    "DONE_MESSAGES",
    "detail",
    "act",
    "attachment_file",
    "form_pdf",
    "pdf_response",
]
