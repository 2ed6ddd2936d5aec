"""How people are named on screen: one rule for pages, admin, PDFs and messages."""

from __future__ import annotations

from django.contrib import admin


def display_name(user) -> str:
    """A person's full name, or their username when no name is on file; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def person_column(field: str, description, *, ordering: str | None = None):
    """An admin column showing the user in ``field`` by ``display_name``: put it in
    ``list_display`` / ``readonly_fields``, or assign it as a ModelAdmin/inline attribute
    and name that (it then works as a method). Select ``field`` with ``list_select_related``."""

    @admin.display(description=description, ordering=ordering or field)
    def column(*args):
        return display_name(getattr(args[-1], field)) or None

    column.__name__ = f"{field}_name"
    return column
