"""Removing an upload: its file goes after the commit, and a storage failing then (a full
disk, object storage unreachable) is logged as an orphan, never a 500 for a saved change."""

import logging

import pytest
from django.core.files.storage import FileSystemStorage

from merchants.models import Document
from merchants.samples import png_bytes

from .conftest import upload

pytestmark = pytest.mark.django_db


def test_a_storage_failing_after_the_delete_is_logged_not_raised(
    make_application, client_for, merchant_user, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    application = make_application()
    api = client_for(merchant_user)
    created = api.post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"kind": "legal_rep_id", "file": upload("id.png", png_bytes())},
        format="multipart",
    )
    assert created.status_code == 201

    def unreachable(self, name):
        raise OSError("storage unreachable")

    monkeypatch.setattr(FileSystemStorage, "delete", unreachable)
    with caplog.at_level(logging.WARNING, logger="merchants.services.uploads"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.delete(f"/api/v1/applications/{application.pk}/documents/{created.json()['id']}/")
    assert response.status_code == 204
    assert not Document.objects.exists()
    assert "orphan" in caplog.text
