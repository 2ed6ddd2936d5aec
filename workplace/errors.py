"""Error pages: JSON under /api/, a page in the user's language elsewhere. Never a
stack trace."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _respond(request, status, message, code):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, _("The request was malformed."), "bad_request")


def permission_denied(request, exception=None):
    return _respond(request, 403, _("You do not have permission to perform this action."), "permission_denied")


def page_not_found(request, exception=None):
    return _respond(request, 404, _("Not found."), "not_found")


def server_error(request):
    return _respond(request, 500, _("Something went wrong on our side. It has been logged."), "server_error")
