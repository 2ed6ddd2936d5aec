"""The system check (系统智能审核, SPEC.md §1 step 2): one pure function per rule.

Each rule takes plain values and returns a list of ``Finding`` tuples (code, blocking,
params). Messages are not stored: ``finding_message`` renders them from the code when
read, so a finding reads in the language of whoever looks at it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import filetype
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_EXPIRY_WARNING_DAYS, DEFAULT_MAX_DOCUMENT_MB, DocumentKind, EntityType

# SPEC.md §1 defaults; the rule set in force (merchants.models.OnboardingRuleSet) is
# passed in by the services.
MAX_FILE_SIZE = DEFAULT_MAX_DOCUMENT_MB * 1024 * 1024  # inclusive
EXPIRY_WARNING_DAYS = DEFAULT_EXPIRY_WARNING_DAYS
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}

# GB 32100-2015: 31 characters, the Latin alphabet without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11643-1999 / ISO 7064 MOD 11-2.
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK = "10X98765432"


@dataclass(frozen=True)
class Finding:
    code: str
    blocking: bool
    params: dict = field(default_factory=dict)
    document_id: int | None = None

    @property
    def message(self) -> str:
        return finding_message(self.code, self.params)

    @property
    def field(self) -> str:
        return finding_field(self.code)


# Stable codes and their messages (English source, translated in locale/).
MESSAGES = {
    "missing_document": _("Missing document: %(kind)s."),
    "uscc_missing": _("The unified social credit code is missing."),
    "uscc_invalid": _(
        "The unified social credit code “%(value)s” is not valid (wrong length, characters or check character)."
    ),
    "id_number_missing": _("The legal representative's ID number is missing."),
    "id_number_invalid": _("The ID number “%(value)s” is not valid (wrong length, format or check digit)."),
    "id_birth_date_invalid": _("The ID number “%(value)s” does not contain a real past date of birth."),
    "id_region_unverified": _(
        "The region code %(region)s of the ID number could not be verified for the year of birth; please check it."
    ),
    "document_expired": _("%(kind)s expired on %(valid_until)s."),
    "document_expiring": _("%(kind)s expires on %(valid_until)s, within %(days)s days; please renew it soon."),
    "file_type_invalid": _("%(kind)s: the file is not a PDF, JPEG or PNG file."),
    "file_too_large": _("%(kind)s: the file is larger than %(max_mb)s MB."),
    "file_missing": _("%(kind)s: the file cannot be read; please upload it again."),
    "address_missing": _("The business address is missing."),
    "district_missing": _("The district of the business address is missing."),
    "legal_rep_name_missing": _("The name of the legal representative is missing."),
}


# The input each finding is about: a field of the application's profile, or its
# certificates ("documents", the API's ``/documents/``). A refused submit names them.
DOCUMENTS_FIELD = "documents"
FINDING_FIELDS = {
    "missing_document": DOCUMENTS_FIELD,
    "uscc_missing": "uscc",
    "uscc_invalid": "uscc",
    "id_number_missing": "legal_rep_id_number",
    "id_number_invalid": "legal_rep_id_number",
    "id_birth_date_invalid": "legal_rep_id_number",
    "id_region_unverified": "legal_rep_id_number",
    "document_expired": DOCUMENTS_FIELD,
    "document_expiring": DOCUMENTS_FIELD,
    "file_type_invalid": DOCUMENTS_FIELD,
    "file_too_large": DOCUMENTS_FIELD,
    "file_missing": DOCUMENTS_FIELD,
    "address_missing": "address",
    "district_missing": "district",
    "legal_rep_name_missing": "legal_rep_name",
}


def finding_field(code: str) -> str:
    """The input a finding is about (``documents`` for anything about a certificate)."""
    return FINDING_FIELDS.get(code, DOCUMENTS_FIELD)


def field_label(name: str) -> str:
    """The field's name in the reader's language, as the profile form labels it."""
    from .models import Application

    if name == DOCUMENTS_FIELD:
        return str(_("Certificates"))
    return str(Application._meta.get_field(name).verbose_name)


def finding_message(code: str, params: dict | None = None) -> str:
    params = dict(params or {})
    # Findings stored before the limit was recorded with them date from the only limit
    # then in force, SPEC.md's default.
    params.setdefault("max_mb", DEFAULT_MAX_DOCUMENT_MB)
    if params.get("kind") in DocumentKind.values:
        params["kind"] = str(DocumentKind(params["kind"]).label)
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


# --- identifiers -------------------------------------------------------------------


def uscc_check_character(first17: str) -> str:
    """The 18th character of a USCC for its first 17 (GB 32100-2015 §5)."""
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """GB 32100-2015: 18 characters of the code alphabet, a 6-digit region code in
    positions 3–8, and the check character. The registration-authority character may be a
    letter (``Y`` for some organisations), which python-stdnum wrongly refuses."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(char not in USCC_ALPHABET for char in code):
        return False
    if not code[2:8].isdigit():
        return False
    return code[17] == uscc_check_character(code[:17])


def ric_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number (ISO 7064 MOD 11-2)."""
    total = sum(int(char) * weight for char, weight in zip(first17, RIC_WEIGHTS, strict=False))
    return RIC_CHECK[total % 11]


def ric_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def ric_region_known(value: str) -> bool:
    """Whether python-stdnum knows the region code for the year of birth. Its table
    lags reality (codes renamed or created later), so an unknown one is only a doubt."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        ric.get_birth_place(value)
    except (ValidationError, KeyError, ValueError):
        return False
    return True


def check_uscc(entity_type: str, uscc: str) -> list[Finding]:
    value = (uscc or "").strip().upper()
    if not value:
        # Enterprises have a USCC since the three-in-one reform; some old non-enterprise
        # registrations show only the certificate number.
        return [Finding("uscc_missing", blocking=True)] if entity_type == EntityType.ENTERPRISE else []
    if not is_valid_uscc(value):
        return [Finding("uscc_invalid", True, {"value": value})]
    return []


def check_id_number(id_number: str, *, today: dt.date) -> list[Finding]:
    value = (id_number or "").strip().upper()
    if not value:
        return [Finding("id_number_missing", blocking=True)]
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in RIC_CHECK:
        return [Finding("id_number_invalid", True, {"value": value})]
    if ric_check_digit(value[:17]) != value[17]:
        return [Finding("id_number_invalid", True, {"value": value})]
    born = ric_birth_date(value)
    if born is None or born >= today or born.year < 1900:
        return [Finding("id_birth_date_invalid", True, {"value": value})]
    if not ric_region_known(value):
        return [Finding("id_region_unverified", False, {"region": value[:6]})]
    return []


# --- documents ---------------------------------------------------------------------


def required_document_kinds(entity_type: str, uscc: str) -> list[str]:
    """The certificates an applicant must supply (SPEC.md §1 eligibility). An enterprise
    whose licence shows a valid USCC (three-in-one) needs no separate tax certificate."""
    if entity_type == EntityType.NON_ENTERPRISE:
        return [DocumentKind.ORG_REGISTRATION, DocumentKind.LEGAL_REP_ID]
    kinds = [DocumentKind.BUSINESS_LICENCE, DocumentKind.LEGAL_REP_ID]
    if not is_valid_uscc(uscc):
        kinds.insert(1, DocumentKind.TAX_REGISTRATION)
    return kinds


def check_completeness(entity_type: str, uscc: str, present_kinds: Iterable[str]) -> list[Finding]:
    present = set(present_kinds)
    return [
        Finding("missing_document", True, {"kind": str(kind)})
        for kind in required_document_kinds(entity_type, uscc)
        if kind not in present
    ]


def check_expiry(
    kind: str,
    valid_until: dt.date | None,
    *,
    today: dt.date,
    document_id=None,
    warning_days: int = EXPIRY_WARNING_DAYS,
) -> list[Finding]:
    """Expired (valid until before today) blocks; expiring within ``warning_days`` (30)
    warns. A certificate valid until today is still valid today."""
    if valid_until is None:
        return []
    params = {"kind": kind, "valid_until": valid_until.isoformat()}
    if valid_until < today:
        return [Finding("document_expired", True, params, document_id)]
    if valid_until <= today + dt.timedelta(days=warning_days):
        return [Finding("document_expiring", False, {**params, "days": warning_days}, document_id)]
    return []


def detect_content_type(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes (never its name)."""
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_file(
    kind: str, *, size: int, content_type: str | None, document_id=None, max_size: int = MAX_FILE_SIZE
) -> list[Finding]:
    findings = []
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        findings.append(Finding("file_type_invalid", True, {"kind": kind}, document_id))
    if size > max_size:
        findings.append(
            Finding("file_too_large", True, {"kind": kind, "max_mb": max_size // (1024 * 1024)}, document_id)
        )
    return findings


def check_address(address: str, district: str) -> list[Finding]:
    findings = []
    if not (address or "").strip():
        findings.append(Finding("address_missing", blocking=True))
    if not (district or "").strip():
        findings.append(Finding("district_missing", blocking=True))
    return findings


def check_legal_rep_name(name: str) -> list[Finding]:
    return [] if (name or "").strip() else [Finding("legal_rep_name_missing", blocking=True)]


@dataclass(frozen=True)
class DocumentFacts:
    """What the check needs to know about one uploaded document."""

    id: int | None
    kind: str
    valid_until: dt.date | None
    size: int
    content_type: str | None


def run_checks(
    *,
    entity_type: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_number: str,
    address: str,
    district: str,
    documents: list[DocumentFacts],
    today: dt.date,
    expiry_warning_days: int = EXPIRY_WARNING_DAYS,
    max_file_size: int = MAX_FILE_SIZE,
) -> list[Finding]:
    """All rules over one application's data, in a stable order."""
    findings = check_completeness(entity_type, uscc, (document.kind for document in documents))
    findings += check_uscc(entity_type, uscc)
    findings += check_legal_rep_name(legal_rep_name)
    findings += check_id_number(legal_rep_id_number, today=today)
    for document in documents:
        findings += check_file(
            document.kind,
            size=document.size,
            content_type=document.content_type,
            document_id=document.id,
            max_size=max_file_size,
        )
        findings += check_expiry(
            document.kind, document.valid_until, today=today, document_id=document.id, warning_days=expiry_warning_days
        )
    findings += check_address(address, district)
    return findings


def complete_uscc(first17: str) -> str:
    """A full USCC from its first 17 characters (demo data and tests)."""
    return first17 + uscc_check_character(first17)


def complete_ric(first17: str) -> str:
    """A full resident ID number from its first 17 digits (demo data and tests)."""
    return first17 + ric_check_digit(first17)
