"""Redis down, for tests: the broker and the cache pointed at a port nothing listens on.

Test settings run tasks eagerly on an in-memory broker and cache in process memory, so
neither can fail by itself; these switch the real clients to a closed port, and the
error each raises is the one a stopped Redis gives (connection refused).
"""

from contextlib import contextmanager

from django.test import override_settings

from config.celery import app as celery_app

CLOSED = "redis://127.0.0.1:1/0"


@contextmanager
def broker_down():
    """Tasks are published for real (not run eagerly) to a Redis that is not there."""
    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    saved_pools = celery_app._pool, celery_app.amqp._producer_pool
    celery_app._pool = celery_app.amqp._producer_pool = None
    conf.broker_url, conf.task_always_eager = CLOSED, False
    try:
        yield
    finally:
        # The pools to the closed port hold no connection (none ever opened); kombu keeps
        # them registered by URL, so they are left open for the next outage to reuse.
        celery_app._pool, celery_app.amqp._producer_pool = saved_pools
        conf.broker_url, conf.task_always_eager = saved["broker_url"], saved["task_always_eager"]


def cache_down():
    """The default cache is a Redis that is not there (the deployment's backend)."""
    return override_settings(CACHES={"default": {"BACKEND": "workplace.cache.RedisCache", "LOCATION": CLOSED}})


@contextmanager
def redis_down():
    """Both at once, as when the one Redis of a deployment stops."""
    with broker_down(), cache_down():
        yield
