"""Celery application: every task module of the installed apps is discovered."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("zhaoshang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_file_broker_folders(options: dict) -> None:
    """The server-less file broker of the embedded default needs its folders."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _prepare_file_broker(sender=None, **kwargs):
    ensure_file_broker_folders(app.conf.broker_transport_options or {})
