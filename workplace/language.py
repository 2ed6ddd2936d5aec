"""The language menu: switches the pages' language and remembers it as the user's own,
so what the product writes to them later (notifications, e-mail) is in it too."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ObjectDoesNotExist
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .services import user_language_set


@require_POST
def set_language(request):
    """Django's ``set_language`` (cookie and redirect), and for a signed-in user their
    stored preference (``workplace.notifications.language_of``)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response


class LoginView(auth_views.LoginView):
    """Django's login page; signing in puts the pages back in the language the user chose
    last time (their stored preference), on whatever browser they sign in from. A user who
    never chose keeps the language the login page was shown in."""

    def form_valid(self, form):
        response = super().form_valid(form)
        try:
            language = form.get_user().preference.language
        except ObjectDoesNotExist:
            return response
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
