"""The client's address, by one trusted-proxy rule for the login throttle, the lockout,
the audit trail and the contract signer's address."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    """How many reverse proxies we run in front of the application (``TRUSTED_PROXY_COUNT``;
    0 when it is reached directly)."""
    return max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0), 0)


def client_ip(request) -> str | None:
    """The address of whoever sent ``request``, as far as we can trust it.

    With no trusted proxy it is the connection's own address (``REMOTE_ADDR``):
    X-Forwarded-For is then written by the client alone and proves nothing. With N
    trusted proxies it is the Nth address from the right of X-Forwarded-For: each proxy
    appends the address it was reached from, so the right-most N entries are ours and
    everything to their left is whatever the client sent. A shorter header means the
    request skipped the outer proxies; its left-most entry was still written by one of
    ours. An entry that is not an address (or no header at all) falls back to
    ``REMOTE_ADDR``, so a malformed header never reaches a database address column.

    This is the rule of DRF's ``NUM_PROXIES`` and werkzeug's ``ProxyFix(x_for=N)``.
    django-ipware (installed with axes) counts proxies differently (the first proxy's own
    address is expected in the header too), which would misread one plain nginx.
    """
    remote_addr = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote_addr
    entries = [entry.strip() for entry in forwarded.split(",")]
    return _address(entries[-min(proxies, len(entries))]) or remote_addr


def _address(value: str) -> str | None:
    """``value`` as a canonical IP address, without a port; None if it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [IPv6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
