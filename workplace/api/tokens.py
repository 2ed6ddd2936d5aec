"""API tokens: issued with a lifetime, stored as a digest, looked up with the user's roles
in one query, revoked by their user, by a logout and by a password change.

Why not DRF's ``authtoken`` (what this replaced) or django-rest-knox: DRF's keeps the key
itself in the database, one per user, forever. Knox hashes and expires, but finds a token
by its 8-character prefix and compares digests in Python, then loads the user, then the
roles: three queries on every call, where the calculators' budget (bench/README.md) is one.
Here the key is 32 random bytes, so its SHA-256 is the lookup key itself (no salt is needed
for a secret with 256 bits of entropy) and one statement reads the token, its user and the
user's role names, written once from the models' metadata (no ORM compilation per call).
``roles_of`` finds the roles where it keeps them for the request.

Nothing is kept between requests: a revoked or expired token, or a deactivated user, is
refused by the next call, and a changed group membership counts from the next call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from workplace.models import ApiToken
from workplace.roles import Role

DEFAULT_LIFETIME = dt.timedelta(days=30)
DEFAULT_PER_USER = 10


def lifetime() -> dt.timedelta:
    """How long a new token lives (``API_TOKEN_LIFETIME``, 30 days unless configured)."""
    return getattr(settings, "API_TOKEN_LIFETIME", DEFAULT_LIFETIME)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def issue_token(user) -> tuple[str, ApiToken]:
    """A new token for ``user``: the key (shown once, never stored) and its row. A user keeps
    at most ``API_TOKENS_PER_USER`` (10): the oldest beyond that are revoked, so a client
    that logs in on every run does not pile up live credentials."""
    key = secrets.token_hex(32)
    token = ApiToken.objects.create(
        digest=digest_of(key), user=user, prefix=key[:8], expires_at=timezone.now() + lifetime()
    )
    keep = getattr(settings, "API_TOKENS_PER_USER", DEFAULT_PER_USER)
    stale = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id").values_list("pk", flat=True)[keep:])
    if stale:
        ApiToken.objects.filter(pk__in=stale).delete()
    return key, token


def revoke_all(user) -> int:
    """Revoke every token of ``user`` (their password changed); how many there were."""
    count, _by_model = ApiToken.objects.filter(user=user).delete()
    return count


def revoke_on_password_change(sender, instance, created, **kwargs) -> None:
    """``post_save`` of the user model: ``set_password()`` leaves the raw password on the
    instance until the save completes (Django's own ``password_changed`` hook reads it
    there), so a save without a new password costs nothing here."""
    if not created and getattr(instance, "_password", None) is not None:
        revoke_all(instance)


@cache
def _statement() -> str:
    """One row per group the user is in (one row with NULL when in none)."""
    User = get_user_model()
    membership = User.groups.through._meta
    group = User.groups.field.related_model._meta
    token = ApiToken._meta
    name = connections[router.db_for_read(ApiToken)].ops.quote_name

    user_columns = ", ".join(f"u.{name(field.column)}" for field in User._meta.concrete_fields)
    sql = (
        f"SELECT {user_columns}, g.{name(group.get_field('name').column)} AS {name('role_name')}, "
        f"t.{name(token.pk.column)} AS {name('token_id')}, "
        f"t.{name(token.get_field('expires_at').column)} AS {name('token_expires_at')} "
        f"FROM {name(token.db_table)} t "
        f"INNER JOIN {name(User._meta.db_table)} u "
        f"ON u.{name(User._meta.pk.column)} = t.{name(token.get_field('user').column)} "
        f"LEFT OUTER JOIN {name(membership.db_table)} m "
        f"ON m.{name(membership.get_field('user').column)} = u.{name(User._meta.pk.column)} "
        f"LEFT OUTER JOIN {name(group.db_table)} g "
        f"ON g.{name(group.pk.column)} = m.{name(membership.get_field('group').column)} "
        f"WHERE t.{name(token.get_field('digest').column)} = %s"
    )
    return sql


def token_user(key: str):
    """``(user, token)`` for an API token key, as DRF's ``authenticate_credentials`` answers
    it (same refusals), with ``roles_of(user)`` already known. An expired token is refused
    with its own message, so the client knows to log in again."""
    User = get_user_model()
    rows = list(User._default_manager.db_manager(router.db_for_read(ApiToken)).raw(_statement(), [digest_of(key)]))
    if not rows:
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    user = rows[0]
    expires_at = user.token_expires_at
    if isinstance(expires_at, str):  # SQLite hands a raw column back as text
        expires_at = dt.datetime.fromisoformat(expires_at)
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, dt.UTC)
    if expires_at <= timezone.now():
        raise exceptions.AuthenticationFailed(_("The token has expired. Log in again for a new one."))
    if not user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    # roles_of's per-request cache (workplace.roles): the role slugs among the group names.
    user._role_slugs = frozenset(row.role_name for row in rows if row.role_name) & frozenset(Role.values)
    token = ApiToken.from_db(user._state.db, ["id", "user_id", "expires_at"], [user.token_id, user.pk, expires_at])
    token.user = user
    return user, token
