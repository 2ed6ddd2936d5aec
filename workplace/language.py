"""The language menu: switches the pages' language and remembers it as the user's own,
so what the product writes to them later (notifications, e-mail) is in it too."""

from __future__ import annotations

from django.conf import settings
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
