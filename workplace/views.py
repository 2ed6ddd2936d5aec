import json
import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from kombu import Connection

from .api.tokens import lifetime
from .broker import ensure_file_broker_folders, uses_file_broker
from .models import ApiToken
from .navigation import navigation_for
from .notifications import mark_read
from .roles import Role, has_role


@login_required
def home(request):
    """Send each user to their surface: merchants to the portal, staff to the dashboard."""
    items = navigation_for(request.user)
    if has_role(request.user, Role.MERCHANT) and items:
        return redirect(items[0]["url"])
    notifications = request.user.notifications.all()[:10]
    return render(request, "workplace/home.html", {"items": items, "notifications": notifications})


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    return render(request, "workplace/notifications.html", {"notifications": items})


@login_required
@require_POST
def notifications_mark_read(request):
    mark_read(request.user)
    return redirect("notifications")


@login_required
def api_tokens(request):
    """The user's own API tokens (issued by POST /api/v1/auth/token/): when each was issued
    and expires, each revocable; never a key, which is not stored."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    context = {"tokens": tokens, "now": timezone.now(), "lifetime_days": lifetime().days}
    return render(request, "workplace/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk):
    """Revoke one of the user's own tokens; another user's is not found (404)."""
    deleted, _by_model = ApiToken.objects.filter(user=request.user, pk=pk).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("The token is revoked: it no longer opens the API."))
    return redirect("api_tokens")


def lockout_response(request, credentials=None, *args, **kwargs):
    """What django-axes answers to a locked-out login: JSON for the API, a page otherwise."""
    message = _("Too many failed login attempts. Try again later.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def _check(fn) -> str:
    try:
        fn()
    except Exception as error:  # a health check reports any failure instead of raising
        return f"error: {error.__class__.__name__}"
    return "ok"


def _check_db():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache read-back failed")


def _check_broker():
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if uses_file_broker(settings.CELERY_BROKER_URL):
        # The file broker "connects" without its folder; check the folder itself.
        ensure_file_broker_folders(options)
        if not os.access(options["data_folder_in"], os.W_OK):
            raise RuntimeError("broker folder not writable")
        return
    with Connection(settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.5, timeout=2)


@never_cache
def healthz(request):
    parts = {"db": _check(_check_db), "cache": _check(_check_cache), "broker": _check(_check_broker)}
    healthy = all(value == "ok" for value in parts.values())
    return HttpResponse(json.dumps(parts), status=200 if healthy else 503, content_type="application/json")
