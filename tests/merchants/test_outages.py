"""Redis down at submit: the application is submitted and the answer is the usual one; the
system check its lost task would have run is run by the stalled-check sweep."""

import datetime as dt
import logging

import pytest
import time_machine

from merchants.models import Application, ApplicationStatus
from merchants.tasks import run_stalled_system_checks
from tests.outages import redis_down

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)


def test_a_submit_answers_as_usual_while_redis_is_down_and_the_sweep_checks_it_later(
    client_for, make_application, caplog
):
    application = make_application("documents")
    client = client_for(application.merchant.user)
    with time_machine.travel(MONDAY, tick=False):
        with redis_down(), caplog.at_level(logging.WARNING, logger="workplace.tasks"):
            response = client.post(f"/api/v1/applications/{application.pk}/submit/")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["status"]) == (application.pk, "submitted")
        assert "merchants.tasks.run_stalled_system_checks will pick it up" in caplog.text
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert not application.check_runs.exists()
    # Redis is back; the sweep's next run (every 10 minutes) finds the unchecked submission.
    with time_machine.travel(MONDAY + dt.timedelta(minutes=11), tick=False):
        assert run_stalled_system_checks.delay().get() == 1
    application = Application.objects.get(pk=application.pk)
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.check_runs.count() == 1


def test_the_submit_page_answers_as_usual_while_redis_is_down(client, make_application):
    application = make_application("documents")
    client.force_login(application.merchant.user)
    with redis_down():
        response = client.post(f"/portal/application/{application.pk}/submit/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/portal/application/{application.pk}/", 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["success"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
