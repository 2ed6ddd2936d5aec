"""Redis down (broker and cache): a committed action answers as usual, its queued work is
done by the sweep that reads the database, and no request reads the cache into a 500."""

import ast
import logging
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from config.celery import app as celery_app
from tests.outages import broker_down, cache_down
from workplace.models import Notification
from workplace.notifications import notify
from workplace.tasks import deliver_email, deliver_pending_email, enqueue_on_commit

ROOT = Path(__file__).resolve().parents[2]
TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.django_db(transaction=True)
def test_a_notice_made_while_the_broker_is_down_is_kept_and_emailed_by_the_sweep(recruiter, caplog):
    with broker_down(), caplog.at_level(logging.WARNING, logger="workplace.tasks"):
        notification = notify(recruiter, kind="test", title="提醒")
    assert Notification.objects.get().pk == notification.pk
    assert notification.emailed_at is None and mail.outbox == []
    assert "workplace.tasks.deliver_pending_email will pick it up" in caplog.text
    # The broker is back: the next run of the sweep sends what the lost task would have.
    assert deliver_pending_email() == 1
    assert [message.to for message in mail.outbox] == [[recruiter.email]]


@pytest.mark.django_db(transaction=True)
def test_a_file_broker_that_cannot_write_is_an_outage_too(recruiter):
    with mock.patch.object(deliver_email, "apply_async", side_effect=PermissionError("var/celery/queue")):
        assert notify(recruiter, kind="test", title="提醒") is not None
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_only_a_broker_outage_is_swallowed(recruiter):
    with mock.patch.object(deliver_email, "apply_async", side_effect=TypeError("wrong arguments")):
        with pytest.raises(TypeError):
            notify(recruiter, kind="test", title="提醒")


@pytest.mark.django_db(transaction=True)
def test_it_queues_after_the_commit_not_before(recruiter):
    from django.db import transaction

    with mock.patch.object(deliver_email, "apply_async") as apply_async:
        with transaction.atomic():
            enqueue_on_commit(deliver_email, 7)
            assert not apply_async.called
        apply_async.assert_called_once_with(args=(7,), kwargs={})
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(deliver_email, 8)
            raise RuntimeError("rolled back")
        assert apply_async.call_count == 1  # nothing queued for a write that was not kept


def test_a_task_without_a_sweep_is_refused_before_anything_is_written():
    with pytest.raises(ImproperlyConfigured, match="recovered_by"):
        enqueue_on_commit(SimpleNamespace(name="somewhere.tasks.lost_forever", apply_async=None), 1)


def test_every_task_queued_on_commit_names_a_scheduled_sweep():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    recovered = {
        name: task.recovered_by for name, task in celery_app.tasks.items() if getattr(task, "recovered_by", None)
    }
    assert recovered == {
        "workplace.tasks.deliver_email": "workplace.tasks.deliver_pending_email",
        "merchants.tasks.run_system_check": "merchants.tasks.run_stalled_system_checks",
        "compensation.tasks.compute_payroll_run": "compensation.tasks.compute_pending_payroll_runs",
        # A beat job without arguments is its own sweep: the next run does a lost one.
        "dashboards.tasks.evaluate_alerts": "dashboards.tasks.evaluate_alerts",
    }
    assert set(recovered.values()) <= scheduled


def _queueing_calls():
    """(file, line, method) for every call of ``.delay``, ``.apply_async`` or
    ``.send_task`` in the apps' code (every folder with an ``apps.py``)."""
    found = []
    for app in sorted(path.parent for path in ROOT.glob("*/apps.py")):
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr in {"delay", "apply_async", "send_task"}:
                        found.append((str(path.relative_to(ROOT)), node.lineno, node.func.attr))
    return found


def test_no_app_queues_a_task_but_through_enqueue_on_commit():
    assert _queueing_calls() == [("workplace/tasks.py", _helper_line(), "apply_async")]


def _helper_line():
    source = (ROOT / "workplace" / "tasks.py").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(source, 1) if "task.apply_async(" in line)


# --- the cache ---------------------------------------------------------------------


@pytest.fixture
def _no_throttle_history():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_token_endpoint_answers_as_usual_with_the_cache_down(
    api_client, recruiter, password, caplog, _no_throttle_history
):
    with cache_down(), caplog.at_level(logging.WARNING, logger="workplace.api.throttling"):
        issued = api_client.post(TOKEN_URL, {"username": recruiter.username, "password": password}, format="json")
        refused = api_client.post(TOKEN_URL, {"username": recruiter.username, "password": "nope"}, format="json")
    assert issued.status_code == 200, issued.content
    assert set(issued.json()) == {"token", "expires_at"} and len(issued.json()["token"]) == 64
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_credentials"
    assert "cache unavailable, throttle" in caplog.text


def test_the_lockout_holds_while_the_cache_is_down(api_client, recruiter, password, settings, _no_throttle_history):
    # The throttle fails open; axes keeps its failures in the database and still locks out.
    with cache_down():
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            api_client.post(TOKEN_URL, {"username": recruiter.username, "password": "wrong"}, format="json")
        response = api_client.post(TOKEN_URL, {"username": recruiter.username, "password": password}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_the_throttle_still_counts_when_the_cache_is_up(api_client, recruiter, settings, _no_throttle_history):
    from workplace.api.views import LoginThrottle

    with mock.patch.object(LoginThrottle, "THROTTLE_RATES", {"login": "2/min"}):
        responses = [
            api_client.post(TOKEN_URL, {"username": f"nobody{n}", "password": "x"}, format="json") for n in range(3)
        ]
    assert [response.status_code for response in responses] == [400, 400, 429]
    assert [response.json()["code"] for response in responses] == [
        "invalid_credentials",
        "invalid_credentials",
        "throttled",
    ]
    assert not any("token" in response.json() for response in responses)


@pytest.mark.django_db
def test_dated_rules_are_read_from_the_database_with_the_cache_down():
    from merchants.models import OnboardingRuleSet
    from workplace import rules

    with cache_down():
        first = rules.in_force(OnboardingRuleSet)
        again = rules.in_force(OnboardingRuleSet)
    assert first.pk == again.pk == OnboardingRuleSet.objects.order_by("-effective_from").first().pk


# --- a Redis that accepts connections and never answers ------------------------------

_HUNG_REDIS = """
import json, sys, time
import django
django.setup()
from django.core.cache import cache
from workplace.tasks import deliver_email
waited = {}
for name, call in {"cache": lambda: cache.get("x"), "broker": lambda: deliver_email.apply_async(args=(1,))}.items():
    started = time.monotonic()
    try:
        call()
        waited[name] = "answered"
    except Exception as error:
        waited[name] = [type(error).__name__, time.monotonic() - started]
print(json.dumps(waited))
"""


def test_a_redis_that_never_answers_fails_fast_with_the_deployment_settings():
    """Without socket timeouts both clients wait for ever; the settings bound the wait."""
    import json
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)  # the kernel completes the handshake; nothing ever reads or answers
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "REDIS_URL": f"redis://127.0.0.1:{hung.getsockname()[1]}/0",
        }
        result = subprocess.run(
            [sys.executable, "-c", _HUNG_REDIS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    waited = json.loads(result.stdout.strip().splitlines()[-1])
    assert waited["cache"][0] == "TimeoutError" and waited["cache"][1] < 2.5, waited
    assert waited["broker"][0] == "OperationalError" and waited["broker"][1] < 8, waited
