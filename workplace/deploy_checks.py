"""Deployment checks (``manage.py check --deploy``): the keys that must not hang on
DJANGO_SECRET_KEY in production. Without them the personal data's encryption key and the
audit chain's key are derived from it, so rotating DJANGO_SECRET_KEY would make every
encrypted value unreadable and every seal unverifiable."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_own_keys(app_configs, **kwargs):
    problems = []
    if not [key for key in getattr(settings, "PII_KEYS", ()) if key]:
        problems.append(
            Warning(
                "PII_KEYS is not set: personal data is encrypted under a key derived from "
                "DJANGO_SECRET_KEY, which could then never be rotated without losing it.",
                hint="Set PII_KEYS (and PII_HASH_KEY) to base64 of 32 random bytes each; see .env.example.",
                id="workplace.W001",
            )
        )
    if not getattr(settings, "PII_HASH_KEY", ""):
        problems.append(
            Warning(
                "PII_HASH_KEY is not set: the lookup hashes of personal data are keyed from DJANGO_SECRET_KEY.",
                hint="Set PII_HASH_KEY to base64 of 32 random bytes; see .env.example.",
                id="workplace.W002",
            )
        )
    if not [key for key in getattr(settings, "AUDIT_CHAIN_KEYS", ()) if key]:
        problems.append(
            Warning(
                "AUDIT_CHAIN_KEYS is not set: the audit trail is sealed under a key derived from DJANGO_SECRET_KEY.",
                hint="Set AUDIT_CHAIN_KEYS to a long random secret kept outside the database.",
                id="workplace.W003",
            )
        )
    return problems
