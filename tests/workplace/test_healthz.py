import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_it_reports_every_part_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"db": "ok", "cache": "ok", "broker": "ok"}


def test_it_says_which_part_fails_with_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr("workplace.views._check_db", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["db"].startswith("error")
    assert body["cache"] == "ok"


def test_it_checks_a_real_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_it_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"db": "ok", "cache": "ok", "broker": "ok"}


def test_it_checks_the_file_broker_of_the_embedded_default(client, settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "processed_folder": str(tmp_path / "processed"),
        "control_folder": str(tmp_path / "control"),
    }
    response = client.get("/healthz")
    assert response.json()["broker"] == "ok"
    assert (tmp_path / "queue").is_dir()
