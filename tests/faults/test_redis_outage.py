"""Redis down for a minute (issue 13): the app under gunicorn keeps answering its pages
and API, an application submitted meanwhile is saved, and once Redis is back the job it
queued is done by a real worker, from the database state (the sweep beat runs), not lost.
"""

import datetime as dt
import time

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

from merchants.models import Application, ApplicationStatus
from merchants.samples import pdf_bytes, png_bytes
from tests.factories.merchants import APPLICATION_PROFILE
from workplace.api.tokens import issue_token

from .conftest import send_task, wait_for

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 60
PROFILE = APPLICATION_PROFILE


def session_cookie(user) -> dict:
    """A signed-in session of ``user`` (in the shared database, so gunicorn honours it)."""
    web = Client()
    web.force_login(user)
    return {settings.SESSION_COOKIE_NAME: web.cookies[settings.SESSION_COOKIE_NAME].value}


def prepared_application(url, token) -> int:
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    created = api.post(f"{url}/api/v1/applications/", json=PROFILE, timeout=10)
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    for kind, name, content in (("business_licence", "l.pdf", pdf_bytes()), ("legal_rep_id", "id.png", png_bytes())):
        uploaded = api.post(
            f"{url}/api/v1/applications/{application_id}/documents/",
            data={"kind": kind, "number": "123", "valid_until": "2030-01-01"},
            files={"file": (name, content)},
            timeout=10,
        )
        assert uploaded.status_code == 201, uploaded.text
    return application_id


def test_a_minute_without_redis_loses_no_page_and_no_job(
    app_server, redis_server, start_worker, merchant_user, recruiter
):
    url = app_server.url
    merchant_token = issue_token(merchant_user)[0]
    staff_token = issue_token(recruiter)[0]
    application_id = prepared_application(url, merchant_token)
    cookies = session_cookie(merchant_user)

    redis_server.stop()
    outage_started = time.monotonic()
    answers = []
    submitted = None
    while time.monotonic() - outage_started < OUTAGE_SECONDS:
        began = time.monotonic()
        portal = requests.get(f"{url}/portal/", cookies=cookies, timeout=15)
        merchants = requests.get(
            f"{url}/api/v1/merchants/", headers={"Authorization": f"Token {staff_token}"}, timeout=15
        )
        health = requests.get(f"{url}/healthz", timeout=15)
        answers.append((portal.status_code, merchants.status_code, health.status_code, time.monotonic() - began))
        if submitted is None:
            submitted = requests.post(
                f"{url}/api/v1/applications/{application_id}/submit/",
                headers={"Authorization": f"Token {merchant_token}"},
                timeout=15,
            )
        time.sleep(2)

    assert submitted.status_code == 200, submitted.text
    assert all(portal == 200 and api == 200 for portal, api, _health, _took in answers), answers
    # The health check says what is down (503 naming the broker and cache), quickly.
    assert all(health == 503 for _portal, _api, health, _took in answers), answers
    assert max(took for *_codes, took in answers) < 10, answers
    assert len(answers) >= OUTAGE_SECONDS // 6
    application = Application.objects.get(pk=application_id)
    assert application.status == ApplicationStatus.SUBMITTED  # saved, its check still to run

    # Redis is back; a worker starts. The queued check was lost with the broker: the sweep
    # that beat sends every few minutes finds it in the database once it is 10 minutes old.
    redis_server.start()
    start_worker()
    Application.objects.filter(pk=application_id).update(submitted_at=timezone.now() - dt.timedelta(minutes=11))
    send_task(redis_server.url, "merchants.tasks.run_stalled_system_checks")
    wait_for(
        lambda: Application.objects.get(pk=application_id).status != ApplicationStatus.SUBMITTED,
        timeout=60,
        what="the system check run by the worker",
    )
    assert requests.get(f"{url}/healthz", timeout=15).status_code == 200
