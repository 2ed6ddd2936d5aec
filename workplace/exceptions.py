"""Domain errors. Services raise these; the API maps them once to a 4xx body
(workplace.api.errors) and the pages show their message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A rule refused the operation. ``field`` names the input at fault, if any."""

    status_code = 400
    default_message = _("The request could not be carried out.")
    default_code = "invalid"

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None, extra=None):
        self.message = message or self.default_message
        self.field = field
        self.code = code or self.default_code
        self.extra = extra or {}
        super().__init__(str(self.message))


class InvalidTransition(ApplicationError):
    """The record is not in a state that allows this action (409)."""

    status_code = 409
    default_message = _("This action is not allowed in the record's current state.")
    default_code = "invalid_state"


class NotPermitted(ApplicationError):
    """The user's role may not do this (403)."""

    status_code = 403
    default_message = _("You do not have permission to perform this action.")
    default_code = "permission_denied"


class Conflict(ApplicationError):
    """Someone else changed the record first (409)."""

    status_code = 409
    default_message = _("The record was changed by someone else; reload and try again.")
    default_code = "conflict"
