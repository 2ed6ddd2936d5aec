"""Nothing personal in the logs (issue 13): the console handler masks ID, phone and card
numbers in every record, its arguments and its traceback."""

import io
import logging

import pytest

from tests.factories.merchants import VALID_ID_NUMBER
from workplace.log_redaction import RedactPersonalData, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"id {VALID_ID_NUMBER} here", f"id {'*' * 14}{VALID_ID_NUMBER[-4:]} here"),
        ("call 13800001111.", "call *******1111."),
        ("shop 0558-2212345", "shop ********2345"),
        ("card 6222021234567890123", "card " + "*" * 15 + "0123"),
        ("+86 139 0558 1234 called", "*" * 13 + "1234 called"),
        ("139-0558-1234", "*********1234"),
        ("card 6222 0212 3456 7890", "card " + "*" * 15 + "7890"),
        ("run 2026-12-04 02:56:19, merchant 1234, 200 OK", "run 2026-12-04 02:56:19, merchant 1234, 200 OK"),
    ],
)
def test_personal_numbers_are_masked_and_the_rest_left_alone(text, expected):
    assert redact(text) == expected


def console_handler():
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RedactPersonalData) for f in handler.filters):
            return handler
    raise AssertionError("no root handler carries the redaction filter (settings.LOGGING)")


def test_the_configured_console_handler_masks_messages_arguments_and_tracebacks():
    handler = console_handler()
    stream, saved = io.StringIO(), handler.stream
    handler.stream = stream
    logger = logging.getLogger("zhaoshang.test")
    try:
        logger.warning("application of %s (%s) refused", VALID_ID_NUMBER, "13800001111")
        try:
            raise ValueError(f"bad phone 13800002222 for {VALID_ID_NUMBER}")
        except ValueError:
            logger.exception("failed")
    finally:
        handler.stream = saved
    written = stream.getvalue()
    assert VALID_ID_NUMBER not in written and "13800001111" not in written and "13800002222" not in written
    assert VALID_ID_NUMBER[-4:] in written and "ValueError" in written
