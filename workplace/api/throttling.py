"""Throttles that survive a cache outage.

DRF's throttles keep their request history in the cache. With the cache down (Redis
unreachable) a read or write of that history raises, and the request would answer 500.
The throttles of this project fail open instead: the history reads as empty, the write
is dropped and a warning is logged. That is safe because a throttle only limits request
rates; password guessing is stopped by django-axes, whose lockout is kept in the
database (``AxesDatabaseHandler``) and goes on working while the cache is down.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


class FailOpenCache:
    """The cache as a throttle sees it: an unreachable cache is an empty one."""

    def get(self, key, default=None):
        try:
            return cache.get(key, default)
        except Exception as error:  # any backend's connection error; a throttle never answers 500
            logger.warning("cache unavailable, throttle %s not applied: %r", key, error)
            return default

    def set(self, key, value, timeout=None):
        try:
            cache.set(key, value, timeout)
        except Exception as error:
            logger.warning("cache unavailable, throttle %s not recorded: %r", key, error)


fail_open_cache = FailOpenCache()
