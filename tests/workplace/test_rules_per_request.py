"""workplace.rules in a request: the generations of every rule table are read from the
shared cache once per request - one small read of the epoch while no table changed, one
round trip for all of them when one did; the next request sees another process's new
rule set; outside a request every read compares."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache

from commissions.models import CommissionStandard
from workplace import rules

pytestmark = pytest.mark.django_db

QUOTE = "/api/v1/commissions/quote/"


class CountingCache:
    """The shared cache, counting the calls workplace.rules makes to it."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(cache, name)


@pytest.fixture
def counted(monkeypatch):
    counting = CountingCache()
    monkeypatch.setattr(rules, "cache", counting)
    return counting


def quote(client):
    response = client.post(QUOTE, {"category": "dining_entertainment", "prepaid_rate": "6.00"}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def another_process_adds_a_standard():
    """What another process's new dining standard (12 %) leaves: the row, and the table's
    generation bumped in the shared cache (bulk_create sends no signal here), not yet the
    epoch."""
    CommissionStandard.objects.bulk_create(
        [
            CommissionStandard(
                category="dining_entertainment",
                effective_from=dt.date(2026, 1, 1),
                bank_card_fee=Decimal("0.60"),
                prepaid_commission=Decimal("12.00"),
            )
        ]
    )
    cache.set("rules:generation:commissions.commissionstandard", "another-process", None)


def test_a_request_reads_the_generations_once_in_one_round_trip(client_for, recruiter, counted):
    client = client_for(recruiter)
    quote(client)  # fills the rows and the generations
    counted.calls.clear()
    assert quote(client)["standard_rate"] == "10.00"  # the standard and the authority table: two tables
    assert counted.calls == ["get"]  # the epoch alone: no table changed since


def test_after_another_process_changed_a_table_a_request_reads_every_generation_once(client_for, recruiter, counted):
    client = client_for(recruiter)
    quote(client)
    cache.set("rules:generation:workplace.calendaroverride", "another-process", None)
    cache.set("rules:epoch", uuid.uuid4().hex, None)
    counted.calls.clear()
    quote(client)
    assert counted.calls == ["get", "get_many"]  # the epoch, then every table's generation with it
    counted.calls.clear()
    quote(client)
    assert counted.calls == ["get"]


def test_a_generation_is_believed_once_the_epoch_after_it_is_seen(client_for, recruiter):
    """A bump writes the table's generation, then the epoch: a reader between the two
    still has the old rules, as if it had read before the bump; after the epoch, the new."""
    client = client_for(recruiter)
    assert quote(client)["standard_rate"] == "10.00"
    another_process_adds_a_standard()
    assert quote(client)["standard_rate"] == "10.00"
    cache.set("rules:epoch", uuid.uuid4().hex, None)
    assert quote(client)["standard_rate"] == "12.00"


def test_a_lost_epoch_reads_every_generation_again(client_for, recruiter, counted):
    """The cache emptied (a Redis restart without persistence): the epoch is created
    again and every table's generation read, new ones created, the rows reloaded."""
    client = client_for(recruiter)
    quote(client)
    cache.clear()
    counted.calls.clear()
    assert quote(client)["standard_rate"] == "10.00"
    assert counted.calls[:2] == ["get", "get_many"] and "add" in counted.calls


def test_outside_a_request_every_read_compares(counted):
    rules.in_force(CommissionStandard, category="supermarket")
    counted.calls.clear()
    rules.in_force(CommissionStandard, category="supermarket")
    rules.in_force(CommissionStandard, category="supermarket")
    assert counted.calls == ["get_many", "get_many"]


def test_the_next_request_sees_a_rule_set_another_process_added(client_for, recruiter):
    client = client_for(recruiter)
    assert quote(client)["standard_rate"] == "10.00"
    # Another process adds a standard in force today and bumps the generation: this
    # process's signals never ran (bulk_create sends none), only the shared cache knows.
    another_process_adds_a_standard()
    cache.set("rules:epoch", uuid.uuid4().hex, None)  # what its bump does after the generation
    assert quote(client) == {
        "standard_rate": "12.00",
        "ratio": "50.00",
        "required_role": "general_manager",
        "chain": ["recruitment_head", "ops_director", "general_manager"],
    }


def test_within_a_request_the_rules_read_are_one_consistent_set():
    rules._request_begins()  # what request_started does for workplace.rules
    try:
        before = rules.in_force(CommissionStandard, category="supermarket")
        cache.set("rules:generation:commissions.commissionstandard", "changed-meanwhile", None)
        with_same_generation = rules.in_force(CommissionStandard, category="supermarket")
        assert with_same_generation is before
    finally:
        rules._request_ends()
    assert rules._request_memo() is None
