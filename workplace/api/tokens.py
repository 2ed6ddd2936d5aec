"""The API token's user and roles in one query.

DRF's token lookup is one ORM query (token joined with its user), and the first role
check of the request (``workplace.roles.roles_of``) a second one (the user's groups).
Every calculator call pays both, so ``token_user`` reads the token, its user and the
user's role names in a single statement written once from the models' metadata (no ORM
compilation per call) and leaves the roles where ``roles_of`` keeps them for the request.

Nothing is kept between requests: a deleted token or a deactivated user is refused by
the next call, and a changed group membership counts from the next call, as before.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authtoken.models import Token

from workplace.roles import Role


@cache
def _statement() -> str:
    """One row per group the user is in (one row with NULL when in none)."""
    User = get_user_model()
    membership = User.groups.through._meta
    group = User.groups.field.related_model._meta
    name = connections[router.db_for_read(Token)].ops.quote_name

    user_columns = ", ".join(f"u.{name(field.column)}" for field in User._meta.concrete_fields)
    sql = (
        f"SELECT {user_columns}, g.{name(group.get_field('name').column)} AS {name('role_name')} "
        f"FROM {name(Token._meta.db_table)} t "
        f"INNER JOIN {name(User._meta.db_table)} u "
        f"ON u.{name(User._meta.pk.column)} = t.{name(Token._meta.get_field('user').column)} "
        f"LEFT OUTER JOIN {name(membership.db_table)} m "
        f"ON m.{name(membership.get_field('user').column)} = u.{name(User._meta.pk.column)} "
        f"LEFT OUTER JOIN {name(group.db_table)} g "
        f"ON g.{name(group.pk.column)} = m.{name(membership.get_field('group').column)} "
        f"WHERE t.{name(Token._meta.pk.column)} = %s"
    )
    return sql


def token_user(key: str):
    """``(user, token)`` for an API token key, as DRF's ``authenticate_credentials``
    answers it (same refusals, same messages), with ``roles_of(user)`` already known."""
    sql = _statement()
    User = get_user_model()
    rows = list(User._default_manager.db_manager(router.db_for_read(Token)).raw(sql, [key]))
    if not rows:
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    user = rows[0]
    if not user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    # roles_of's per-request cache (workplace.roles): the role slugs among the group names.
    user._role_slugs = frozenset(row.role_name for row in rows if row.role_name) & frozenset(Role.values)
    # The token as loaded from the database, its creation time deferred (read on use).
    token = Token.from_db(user._state.db, ["key", "user_id"], [key, user.pk])
    token.user = user
    return user, token
