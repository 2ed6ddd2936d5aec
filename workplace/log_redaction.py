"""Nothing personal in the logs: a logging filter on every handler that masks what looks
like a resident ID number, a mobile or landline phone number or a bank card number in a
record's message and arguments, whatever logged it (our code, Django's request warnings,
a library's exception text). Masked as the audit trail masks: the last four kept."""

from __future__ import annotations

import logging
import re

# An 18-character resident ID (GB 11643) or a 15-digit old one; a mainland mobile; a
# landline with its area code; a 16–19 digit bank card. Digits not inside a longer number.
_PERSONAL = re.compile(
    r"(?<![\dA-Za-z])(?:"
    r"\d{17}[\dXx]|\d{15}"  # resident ID, 18 or the old 15
    r"|(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}"  # mobile, also +86 and grouped
    r"|0\d{2,3}-?\d{7,8}"  # landline with its area code
    r"|\d{4}(?:[\s-]?\d{4}){3}(?:[\s-]?\d{1,3})?"  # bank card, 16-19 digits, grouped or not
    r")(?![\dA-Za-z])"
)


def _mask(match) -> str:
    digits = match.group(0)
    return "*" * (len(digits) - 4) + digits[-4:]


def redact(text: str) -> str:
    return _PERSONAL.sub(_mask, text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
