"""Celery application: every task module of the installed apps is discovered."""

import os

from celery import Celery
from celery.signals import worker_init

from workplace.broker import ensure_file_broker_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("zhaoshang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _prepare_file_broker(sender=None, **kwargs):
    ensure_file_broker_folders(app.conf.broker_transport_options or {})
