"""Settings of the load run (bench/load.py): the embedded default (config.settings.local,
as docker-compose runs it, here with DJANGO_DEBUG=0, DATABASE_URL and REDIS_URL set by the
script) with the bench URLconf that adds the floor view. Never used by a deployment."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
