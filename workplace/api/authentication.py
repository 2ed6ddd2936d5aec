"""API authentication: DRF's token scheme, with the audit trail told who the caller is."""

from __future__ import annotations

from rest_framework import authentication

from workplace.audit import audit_actor_set

from .tokens import token_user


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``. A write made with a token is audited with its user
    as the actor, as a session's is (the audit middleware runs before DRF knows the user)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            audit_actor_set(result[0])
        return result

    def authenticate_credentials(self, key):
        # DRF's lookup and refusals, with the user's roles in the same query
        # (workplace.api.tokens): one query per call instead of two.
        return token_user(key)
