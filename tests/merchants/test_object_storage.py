"""Uploads and generated PDFs on S3-compatible object storage (issue 13), against a local
S3 emulator in server mode (moto's ThreadedMotoServer, over HTTP like a real service):
what a merchant uploads lands in the bucket, is served back through the app's permission
checks, and is removed from the bucket when the upload is deleted or its save fails."""

import socket

import boto3
import pytest
from django.db import transaction

from merchants.models import Document
from merchants.samples import pdf_bytes, png_bytes
from tests.factories.merchants import APPLICATION_PROFILE

pytestmark = pytest.mark.django_db

BUCKET = "zhaoshang-test"
URL = "/api/v1/applications/"
PROFILE = APPLICATION_PROFILE


@pytest.fixture(scope="module")
def s3_endpoint():
    moto_server = pytest.importorskip("moto.server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "media",
                "default_acl": None,
                "file_overwrite": False,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_lands_in_the_bucket_and_is_served_back_by_the_app(
    bucket, client_for, merchant_user, other_merchant_user
):
    api = client_for(merchant_user)
    application_id = api.post(URL, PROFILE, format="json").json()["id"]
    response = api.post(
        f"{URL}{application_id}/documents/",
        {"kind": "business_licence", "file": _upload("licence.pdf", pdf_bytes())},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get()
    [key] = keys(bucket)
    assert key == f"media/{document.file.name}" and key.endswith(".pdf")
    head = bucket.head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == pdf_bytes()

    served = api.get(f"{URL}{application_id}/documents/{document.pk}/file/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == pdf_bytes()
    # Another merchant reaching for it gets nothing, the bucket is never exposed.
    assert (
        client_for(other_merchant_user).get(f"{URL}{application_id}/documents/{document.pk}/file/").status_code == 404
    )


def test_deleting_an_upload_removes_its_object_after_the_commit(
    bucket, client_for, merchant_user, django_capture_on_commit_callbacks
):
    api = client_for(merchant_user)
    application_id = api.post(URL, PROFILE, format="json").json()["id"]
    document_id = api.post(
        f"{URL}{application_id}/documents/",
        {"kind": "legal_rep_id", "file": _upload("id.png", png_bytes())},
        format="multipart",
    ).json()["id"]
    assert len(keys(bucket)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{application_id}/documents/{document_id}/").status_code == 204
    assert keys(bucket) == []


def test_a_save_that_fails_after_the_upload_leaves_no_object(bucket, merchant_user, monkeypatch, make_application):
    from merchants import services

    application = make_application()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Document, "save", broken_save)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_add(
            application=application, user=merchant_user, kind="legal_rep_id", file=_upload("id.png", png_bytes())
        )
    assert keys(bucket) == []


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
