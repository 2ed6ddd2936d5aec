"""What the shared app needs to know about the Celery broker, without importing the
project's Celery application (``config.celery`` sits above every app and imports them).

Importable before Django is set up: no models, no settings at import time.
"""

from __future__ import annotations

from pathlib import Path

FILE_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def ensure_file_broker_folders(options: dict) -> None:
    """The server-less file broker of the embedded default needs its folders."""
    for key in FILE_BROKER_FOLDERS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def uses_file_broker(broker_url) -> bool:
    return str(broker_url or "").startswith("filesystem")
