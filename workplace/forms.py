"""The login forms of the pages and the admin."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class _UsernameLengthMixin:
    """Django's login form sets the username's ``max_length`` without enforcing it, so an
    over-long one reached ``authenticate()`` and the lockout's record of the failure
    overflowed its column (a 500). No such user can exist: refuse it before anything is
    recorded, as an error the login page shows."""

    def clean(self):
        username = self.cleaned_data.get("username")
        limit = self.fields["username"].max_length
        if username and limit and len(username) > limit:
            raise ValidationError(
                _("A username has at most %(limit)d characters."), code="username_too_long", params={"limit": limit}
            )
        return super().clean()


class LoginForm(_UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthMixin, AdminAuthenticationForm):
    pass
