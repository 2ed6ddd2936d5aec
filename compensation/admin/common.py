"""Pieces the compensation admin pages share: read-only pages, add forms written
by a service, inlines that follow their parent's view permission."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from workplace.exceptions import ApplicationError
from workplace.scoping import scope_queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the runs and the pages: read here, never added, edited or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _month(day) -> str:
    return f"{day:%Y-%m}" if day else ""


class ServiceAddForm(forms.ModelForm):
    """An add form whose record is written by a service: the form checks the input, then
    ``create`` runs the service, whose refusals go next to the field they name (in the
    reader's language, as the service words them). The admin's add view runs in one
    transaction, so nothing is left behind when a later step fails."""

    user = None  # set by the admin's get_form

    def create(self, data):  # pragma: no cover - each form says
        raise NotImplementedError

    def _post_clean(self):
        # The fields' own checks; uniqueness and the constraints are the service's, said
        # once in its own words.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)
        if self.errors:
            return
        try:
            self.instance = self.create(self.cleaned_data)
        except ApplicationError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))


def _in_department_of(user, people):
    """``people`` as far as ``user`` manages them: everyone for the whole company, their
    department's for a head."""
    return scope_queryset(people, user, department_path="staff_profile__department")


class ParentViewInline:
    """An inline shown to whoever may view its parent (the roles hold no permission on
    the history rows themselves)."""

    parent_permission = ""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.parent_permission)
