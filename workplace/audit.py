"""The audit trail's request context (django-auditlog): who made a change, from where."""

from __future__ import annotations

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings

from .network import client_ip, trusted_proxy_count


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog's middleware with the client address by the project's trusted-proxy rule
    (``workplace.network.client_ip``): auditlog's own takes the left-most X-Forwarded-For
    entry, which any client can write."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        # X-Forwarded-Port is as client-written as X-Forwarded-For unless a proxy of ours sets it.
        if not trusted_proxy_count():
            return None
        return BaseAuditlogMiddleware._get_remote_port(request)


def audit_actor_set(user) -> None:
    """Name ``user`` as the actor of the changes the current request makes from now on.

    The middleware reads ``request.user`` before the view runs; an API token is only
    authenticated inside DRF, later, so without this token writes are audited with no
    actor. The request's audit context (the dict the middleware put in auditlog's context
    variable, read again at every log entry's save) gains the actor; an actor already
    named is kept. Outside a request (jobs, shell) there is no context and nothing changes.
    """
    context = auditlog_value.get(None)
    if context is not None and context.get("actor") is None:
        context["actor"] = user
