"""One mapping from errors to the API's error body (API.md).

Field errors keep DRF's shape, ``{"field": ["message", ...]}``; everything else is
``{"detail": "message", "code": "..."}``. Messages are in the request's language.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workplace.exceptions import ApplicationError

from .parsers import TooDeep, too_deep_error

logger = logging.getLogger(__name__)


def _django_validation_error_body(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def _raised_while_parsing(exc: BaseException) -> bool:
    """Whether ``exc`` escaped from DRF reading the request body (whatever the parser)."""
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code is Request._parse.__code__:
            return True
        traceback = traceback.tb_next
    return False


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value):
    """An error body may echo the input; a lone surrogate in it cannot be encoded as UTF-8."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    return value


def exception_handler(exc, context):
    response = _exception_response(exc, context)
    if response is not None and response.data is not None:
        response.data = _without_surrogates(response.data)
    return response


def _exception_response(exc, context):
    if isinstance(exc, RecursionError) and _raised_while_parsing(exc):
        # A view that lists DRF's own JSON parser: its decoder recursed on a deep body.
        exc = too_deep_error()
    if isinstance(exc, ApplicationError):
        if exc.field:
            body = {exc.field: [str(exc.message)], "code": exc.code}
        else:
            body = {"detail": str(exc.message), "code": exc.code}
        body.update(exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooDeep):
        return Response({"detail": str(exc.detail), "code": "too_deep"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        # DRF's parse errors carry the parser's English text; say it in the user's language.
        return Response(
            {"detail": _("The request body could not be read: it is not well-formed."), "code": "parse_error"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A validation error not tied to a field: still a body with a named key.
        response.data = {"non_field_errors": response.data}
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(response.data["detail"], "code", None)
        if code:
            response.data["code"] = code
    return response
