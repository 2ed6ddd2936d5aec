"""One serializer instance per thread and language, for a calculator's hot path.

DRF gives every serializer instance its own fields, deep-copied from the declared ones
(a field's deep copy runs its ``__init__`` again): for the star calculator that was a
third of its own work, on every call, for fields that are the same every time.
``validated`` and ``represented`` keep one instance of a serializer class per thread and
active language and call only DRF's steps that store nothing on the instance:
``run_validation`` (what ``is_valid`` runs: the validated data) and ``to_representation``
(what ``.data`` runs). The context is set for the call and cleared after. A refusal is
validated again by a fresh instance, so its 400 is DRF's word for word (``is_valid``
reshapes some errors), at a refusal's cost only.

- Per language: DRF formats a limit's message (min/max value) once and keeps the text.
- Per thread: a call must not see another's context; a reentrant call (a validator that
  validates with the same class) gets a fresh instance, as DRF would.
- Only for plain serializers: no ``create``/``save``, no nested serializer instance that
  keeps state, nothing that reads ``initial_data``.
"""

from __future__ import annotations

import threading

from django.db.models import QuerySet
from django.utils import translation
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import counts
from .pagination import LazyPagePagination

_instances = threading.local()


def _instance(serializer_class):
    table = getattr(_instances, "table", None)
    if table is None:
        table = _instances.table = {}
    key = (serializer_class, translation.get_language())
    instance = table.get(key)
    if instance is None:
        instance = table[key] = serializer_class()  # its fields built at the first call, then kept
    return instance


def validated(serializer_class, data, context=None):
    """``serializer_class(data=data, context=context)``'s ``validated_data``, or the
    ``ValidationError`` of ``is_valid(raise_exception=True)``."""
    instance = _instance(serializer_class)
    if not getattr(instance, "_busy", False):
        instance._context, instance._busy = context or {}, True
        try:
            return instance.run_validation(data)
        except ValidationError:
            pass  # refused: the answer comes from a fresh instance, word for word DRF's
        finally:
            instance._context, instance._busy = {}, False
    # A refusal, or a reentrant call: a fresh instance, as DRF does it.
    fresh = serializer_class(data=data, context=context or {})
    fresh.is_valid(raise_exception=True)
    return fresh.validated_data


def represented(serializer_class, value, context=None) -> dict:
    """``serializer_class(value, context=context).data`` (as a plain dict)."""
    instance = _instance(serializer_class)
    if getattr(instance, "_busy", False):  # reentrant: a fresh instance, as DRF would
        return serializer_class(value, context=context or {}).data
    instance._context, instance._busy = context or {}, True
    try:
        return instance.to_representation(value)
    finally:
        instance._context, instance._busy = {}, False


class ReusedListSerializerMixin:
    """For a list view: its rows are represented by the thread's one instance of the
    serializer (``represented``, with the view's serializer context) instead of a
    ``ListSerializer`` and a child built for every request - a model serializer builds its
    fields from the model's on each instance (a sixth of the merchant list's CPU). Same
    answer, same queries. Not for a serializer that keeps anything between rows."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer_class, context = self.get_serializer_class(), self.get_serializer_context()
        rows = [represented(serializer_class, row, context) for row in (page if page is not None else queryset)]
        if page is not None:
            return self.get_paginated_response(rows)
        return Response(rows)


class RememberedRowsMixin(ReusedListSerializerMixin):
    """For a list view read many times a second (the approval queue): its page of rows,
    as represented, is remembered in the shared cache while no table they come from has
    been written since (``workplace.counts.remember``, the count's rule: nobody is
    answered rows older than a commit).

    The key is the page's SQL and parameters (the caller's scope is in them), the
    serializer, the language and ``rows_depend_on(context)`` (what of the serializer
    context the representation reads); the tables are those of the page's SQL and
    ``remembered_tables`` (what a prefetch or the representation reads beyond it). A
    representation must depend on nothing else: no clock, no settings, no other query.
    Not for rows carrying personal data (``workplace.pii``: the phones, ID numbers, bank
    data kept encrypted at rest): the cache holds the rows as answered. A deep page
    (already read by its keys) and a query the count rule would not cache are
    represented as they are."""

    pagination_class = LazyPagePagination
    remembered_tables: tuple[str, ...] = ()

    def rows_depend_on(self, context: dict) -> tuple:
        return ()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer_class, context = self.get_serializer_class(), self.get_serializer_context()
        rows = page if page is not None else queryset

        def build():
            return [represented(serializer_class, row, context) for row in rows]

        remembered = isinstance(rows, QuerySet)
        answer = self._remembered(rows, serializer_class, context, build) if remembered else build()
        if page is not None:
            return self.get_paginated_response(answer)
        return Response(answer)

    def _remembered(self, rows, serializer_class, context, build):
        try:
            sql, params = rows.query.sql_with_params()
        except Exception:  # noqa: BLE001 - an empty page (LIMIT 0) compiles to nothing
            return build()
        tables = counts.read_tables(sql)
        if tables is None:
            return build()
        key = (
            "rows",
            f"{serializer_class.__module__}.{serializer_class.__qualname__}",
            translation.get_language(),
            self.rows_depend_on(context),
            sql,
            params,
        )
        return counts.remember(key, tables | set(self.remembered_tables), build, using=rows.db)
