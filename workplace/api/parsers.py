"""The API's JSON parser: DRF's, refusing with a 4xx what Python's decoder lets through
and the rest of the stack cannot handle.

- A body nested deeper than ``MAX_DEPTH`` (the decoder itself recurses and would raise
  ``RecursionError`` at about a thousand levels; a few hundred levels already break
  whatever walks the data next) is a ``ParseError`` saying so.
- A lone UTF-16 surrogate (``"\\ud800"``) decodes to a string that cannot be encoded,
  stored or echoed: the field holding it is refused by name.
- A number beyond the range of a float (``1e309``) would become ``inf``, which integer
  and primary-key fields crash on (``OverflowError``); it is kept as its text, so the
  field it was sent to refuses it with its own message.
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32

# Only a body with a \uD800–\uDFFF escape can decode to a lone surrogate (raw surrogate
# bytes are invalid UTF-8 and refused by the decoder), so the walk is skipped otherwise.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

SURROGATE_MESSAGE = gettext_lazy("Contains a character that is not valid text (an unpaired surrogate).")


class TooDeep(ParseError):
    default_code = "too_deep"


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else text


def too_deep_error() -> TooDeep:
    return TooDeep(
        _("The request body is nested too deeply (more than %(depth)d levels).") % {"depth": MAX_DEPTH},
        code="too_deep",
    )


def _problem(data, *, check_depth: bool, check_text: bool):
    """Walk ``data`` without recursion: ``("depth", None)``, ``("text", top-level key)``
    or None."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, top = stack.pop()
        if isinstance(value, dict):
            if check_depth and depth > MAX_DEPTH:
                return "depth", None
            for key, item in value.items():
                where = key if depth == 1 else top
                if check_text and _LONE_SURROGATE.search(key):
                    return "text", None
                stack.append((item, depth + 1, where))
        elif isinstance(value, list):
            if check_depth and depth > MAX_DEPTH:
                return "depth", None
            stack.extend((item, depth + 1, top) for item in value)
        elif check_text and isinstance(value, str) and _LONE_SURROGATE.search(value):
            return "text", top
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            parse_constant = parsers.json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant, parse_float=_parse_float)
        except RecursionError:
            raise too_deep_error() from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_depth = text.count("[") + text.count("{") > MAX_DEPTH
        check_text = _SURROGATE_ESCAPE.search(text) is not None
        if check_depth or check_text:
            problem = _problem(data, check_depth=check_depth, check_text=check_text)
            if problem is not None:
                kind, field = problem
                if kind == "depth":
                    raise too_deep_error()
                raise ValidationError({field or "non_field_errors": [SURROGATE_MESSAGE]}, code="invalid")
        return data
