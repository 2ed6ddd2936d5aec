"""The alerts' back office: thresholds are added as new sets (one in force is history),
breaches are read only; who may see and add what."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.test import Client

from dashboards.models import AlertBreach, AlertKind, AlertRuleSet, SubjectType
from workplace.calendar import SHANGHAI

pytestmark = pytest.mark.django_db

ADMIN = "/admin/dashboards"


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=SHANGHAI), tick=False):
        yield


def signed_in(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def thresholds(**values):
    fields = [f.name for f in AlertRuleSet._meta.fields if f.name not in {"id", "created_at", "effective_from"}]
    return {
        **{name: str(AlertRuleSet._meta.get_field(name).default) for name in fields},
        "effective_from": "2026-12-10",
        **values,
    }


@pytest.fixture
def breach(db):
    return AlertBreach.objects.create(
        kind=AlertKind.OVERDUE_COMPLAINTS,
        subject_type=SubjectType.COMPANY,
        subject_id=0,
        subject_name="全公司超期投诉",
        rules=AlertRuleSet.objects.get(),
        opened_at=dt.datetime(2026, 12, 3, 9, tzinfo=SHANGHAI),
        figures={"overdue": 7, "threshold": 5},
    )


@pytest.mark.parametrize(
    "role, read, add",
    [("admin_user", 200, 200), ("general_manager", 200, 403), ("ops_director", 200, 403), ("recruiter", 403, 403)],
)
def test_who_may_read_and_add(request, breach, role, read, add):
    client = signed_in(request.getfixturevalue(role))
    response = client.get(f"{ADMIN}/alertbreach/")
    assert response.status_code == read
    if read == 200:
        assert "全公司超期投诉" in response.content.decode()
        assert client.get(f"{ADMIN}/alertruleset/").status_code == 200
    assert client.get(f"{ADMIN}/alertruleset/add/").status_code == add
    assert client.get(f"{ADMIN}/alertbreach/add/").status_code == 403


def test_a_breach_is_read_only_even_for_an_admin(admin_user, breach):
    client = signed_in(admin_user)
    page = client.get(f"{ADMIN}/alertbreach/{breach.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "全公司超期投诉" in page
    assert client.post(f"{ADMIN}/alertbreach/{breach.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AlertBreach.objects.filter(pk=breach.pk).exists()


def test_an_admin_adds_thresholds_from_a_later_date_and_the_run_is_queued(admin_user):
    from dashboards import admin as alerts_admin

    with mock.patch.object(alerts_admin, "enqueue_on_commit") as enqueue:
        response = signed_in(admin_user).post(f"{ADMIN}/alertruleset/add/", thresholds(pace_percent="75"))
    assert response.status_code == 302
    assert AlertRuleSet.objects.get(effective_from=dt.date(2026, 12, 10)).pace_percent == Decimal("75.00")
    assert enqueue.call_args.args[0].name == "dashboards.tasks.evaluate_alerts"


@pytest.mark.parametrize(
    "values, field",
    [({"effective_from": "2026-12-01"}, "effective_from"), ({"pace_percent": "-1"}, "pace_percent")],
)
def test_a_set_from_the_past_or_out_of_range_is_refused_on_its_field(admin_user, values, field):
    response = signed_in(admin_user).post(f"{ADMIN}/alertruleset/add/", thresholds(**values))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert AlertRuleSet.objects.count() == 1


def test_the_set_in_force_is_history(admin_user):
    in_force = AlertRuleSet.objects.get()
    client = signed_in(admin_user)
    assert 'name="_save"' not in client.get(f"{ADMIN}/alertruleset/{in_force.pk}/change/").content.decode()
    data = thresholds(effective_from=str(in_force.effective_from), pace_percent="10")
    assert client.post(f"{ADMIN}/alertruleset/{in_force.pk}/change/", data).status_code == 403
    assert client.post(f"{ADMIN}/alertruleset/{in_force.pk}/delete/", {"post": "yes"}).status_code == 403
    in_force.refresh_from_db()
    assert in_force.pace_percent == Decimal("80.00")


def test_labels_are_chinese(admin_user):
    page = signed_in(admin_user).get("/admin/").content.decode()
    assert "预警阈值" in page and "预警记录" in page
