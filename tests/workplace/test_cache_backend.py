"""The project's Redis cache backend (workplace.cache) is Django's, reusing one Redis
client per connection pool instead of building one per call; an unreachable Redis
still raises on every call, as Django's does (callers such as workplace.rules and the
throttles fall back on that)."""

import os

import pytest
import redis

from workplace.cache import RedisCache

CLOSED = "redis://127.0.0.1:1/0"


def test_it_builds_one_client_and_reuses_it():
    cache = RedisCache(CLOSED, {})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: one pool
    assert first.connection_pool is cache._cache._get_connection_pool(write=False)


def test_an_unreachable_redis_raises_on_every_call():
    cache = RedisCache(CLOSED, {})
    for _ in range(2):
        with pytest.raises(redis.exceptions.ConnectionError):
            cache.get("key")
        with pytest.raises(redis.exceptions.ConnectionError):
            cache.get_many(["key", "other"])


def test_it_reads_and_writes_like_djangos_backend():
    cache = RedisCache(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14"), {})
    try:
        cache.delete("workplace-cache-test")
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis to talk to (TEST_REDIS_URL)")
    assert cache.add("workplace-cache-test", {"n": 1}, 30) is True
    assert cache.get_many(["workplace-cache-test", "absent"]) == {"workplace-cache-test": {"n": 1}}
    cache.set("workplace-cache-test", 2, 30)
    assert cache.get("workplace-cache-test") == 2
    cache.delete("workplace-cache-test")
