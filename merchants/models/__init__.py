"""Merchants and their onboarding (SPEC.md §1).

A merchant record exists from the moment its application is created (a prospect); the
application carries the onboarding workflow, whose allowed moves are the data in
``APPLICATION_TRANSITIONS``. Only ``merchants.services`` changes a status.

The records, by concern:

- ``choices``: the choices (categories, segments, statuses, certificate kinds), the
  merchant's and the application's workflows as data (``MERCHANT_TRANSITIONS``,
  ``APPLICATION_TRANSITIONS`` and the status groups the rules read) and the storage
  names of the private files (``*_upload_to``, named by migrations as
  ``merchants.models.<function>``);
- ``merchant``: the merchant (``Merchant``) and its status history;
- ``application``: the application (``Application``) with its status history, its
  certificates (``Document``) and the system check's runs and findings (``CheckRun``,
  ``Finding``);
- ``visits``: the site visits (``SiteVisit``) and their photos and videos;
- ``contracts``: the contract (``Contract``);
- ``terminals``: the POS terminals (``Terminal``) and their history;
- ``rules``: the dated onboarding rules (``OnboardingRuleSet``), their SPEC.md §1
  defaults and how a dated rule set reads (``in_force_label``).
"""

from .application import Application, ApplicationStatusChange, CheckRun, Document, Finding
from .choices import (
    APPLICATION_TRANSITIONS,
    CHECK_STATUSES,
    CLOSED_STATUSES,
    EDITABLE_STATUSES,
    MERCHANT_TRANSITIONS,
    REVIEW_STATUSES,
    ApplicationStatus,
    Category,
    DocumentKind,
    EntityType,
    MerchantClass,
    MerchantStatus,
    Segment,
    TerminalStatus,
    contract_upload_to,
    document_upload_to,
    visit_media_upload_to,
)
from .contracts import Contract
from .merchant import Merchant, MerchantStatusChange
from .rules import (
    DEFAULT_CHECK_WORKING_DAYS,
    DEFAULT_DIRECTOR_ESCALATION_WORKING_DAYS,
    DEFAULT_EXPIRY_WARNING_DAYS,
    DEFAULT_HEAD_ESCALATION_WORKING_DAYS,
    DEFAULT_MAX_DOCUMENT_MB,
    DEFAULT_MAX_MEDIA_MB,
    DEFAULT_RESUBMIT_CALENDAR_DAYS,
    DEFAULT_REVIEW_WORKING_DAYS,
    INITIAL_EFFECTIVE_FROM,
    OnboardingRuleSet,
    in_force_label,
)
from .terminals import Terminal, TerminalStatusChange
from .visits import SiteVisit, SiteVisitMedia

__all__ = [
    "Category",
    "Segment",
    "EntityType",
    "MerchantStatus",
    "MERCHANT_TRANSITIONS",
    "MerchantClass",
    "ApplicationStatus",
    "APPLICATION_TRANSITIONS",
    "EDITABLE_STATUSES",
    "CHECK_STATUSES",
    "REVIEW_STATUSES",
    "CLOSED_STATUSES",
    "DocumentKind",
    "TerminalStatus",
    "document_upload_to",
    "visit_media_upload_to",
    "contract_upload_to",
    "Merchant",
    "MerchantStatusChange",
    "Application",
    "ApplicationStatusChange",
    "Document",
    "CheckRun",
    "Finding",
    "SiteVisit",
    "SiteVisitMedia",
    "Contract",
    "Terminal",
    "TerminalStatusChange",
    "INITIAL_EFFECTIVE_FROM",
    "in_force_label",
    "DEFAULT_CHECK_WORKING_DAYS",
    "DEFAULT_REVIEW_WORKING_DAYS",
    "DEFAULT_RESUBMIT_CALENDAR_DAYS",
    "DEFAULT_EXPIRY_WARNING_DAYS",
    "DEFAULT_MAX_DOCUMENT_MB",
    "DEFAULT_MAX_MEDIA_MB",
    "DEFAULT_HEAD_ESCALATION_WORKING_DAYS",
    "DEFAULT_DIRECTOR_ESCALATION_WORKING_DAYS",
    "OnboardingRuleSet",
]
