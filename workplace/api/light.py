"""Serializers whose fields are built afresh from their arguments instead of deep-copied.

DRF gives every serializer instance its own fields with ``copy.deepcopy`` of the declared
ones, and a field's deep copy deep-copies its arguments too (lazy translated labels,
choice lists): for the star calculator's nine fields about a tenth of a call. A field
whose arguments are immutable values (text, numbers, lazy text, the ``choices`` a
``ChoiceField`` copies into its own tables) is built again from them, which is what
DRF's ``Field.__deepcopy__`` does after copying them; any other field (a ``child``
field, validators, a list) is still deep-copied. The instance's fields are its own
either way, so nothing is shared between requests or threads.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django.utils.functional import Promise
from rest_framework import serializers

_IMMUTABLE = (str, int, float, bool, Decimal, dt.date, dt.time, dt.timedelta, Promise, type(None))


def _rebuildable(field) -> bool:
    if isinstance(field, serializers.BaseSerializer) or field._args:
        return False
    return all(
        isinstance(value, _IMMUTABLE)
        or (name == "choices" and isinstance(value, list | tuple) and isinstance(field, serializers.ChoiceField))
        for name, value in field._kwargs.items()
    )


def fresh_field(field):
    """A new, unbound copy of a declared field."""
    if _rebuildable(field):
        return field.__class__(**field._kwargs)
    return copy.deepcopy(field)


class LightFieldsMixin:
    """For a ``Serializer``: its fields without deep copies (see the module)."""

    def get_fields(self):
        return {name: fresh_field(field) for name, field in self._declared_fields.items()}
