"""Two approvers deciding the same step at once: exactly one decision (row lock on the
request). Real concurrent transactions, so PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections

from commissions import services
from commissions.models import ApprovalStep, RateRequest
from tests.commissions.conftest import ensure_default_rules
from tests.factories.commissions import make_request
from tests.factories.workplace import make_user
from workplace.exceptions import ApplicationError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture(autouse=True)
def _rules(transactional_db):
    ensure_default_rules()


def race(deciders):
    """Run each ``decide()`` in its own thread and connection, released together."""
    barrier = threading.Barrier(len(deciders))
    outcomes = [None] * len(deciders)

    def run(index, decide):
        try:
            barrier.wait()
            decide()
            outcomes[index] = "ok"
        except ApplicationError as error:
            outcomes[index] = error.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(deciders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes, key=str)


def test_two_heads_approving_at_once_make_one_decision(recruiter, recruitment_head, department, ops_director):
    deputy = make_user("recruitment_head", username="deputy_head", department=department, manager=ops_director)
    rate_request = make_request(recruiter, "6.90")

    outcomes = race(
        [
            lambda: services.rate_request_approve(user=recruitment_head, rate_request=rate_request, comment="A"),
            lambda: services.rate_request_approve(user=deputy, rate_request=rate_request, comment="B"),
        ]
    )

    assert outcomes == [409, "ok"]
    decided = ApprovalStep.objects.filter(request=rate_request).exclude(decision="")
    assert decided.count() == 1
    assert RateRequest.objects.get(pk=rate_request.pk).current_step.role == "ops_director"


def test_an_approval_and_a_rejection_at_once_make_one_decision(recruiter, recruitment_head, ops_director):
    rate_request = make_request(recruiter, "8.00")

    outcomes = race(
        [
            lambda: services.rate_request_approve(user=recruitment_head, rate_request=rate_request),
            lambda: services.rate_request_reject(
                user=ops_director, rate_request=rate_request, reason="不同意", step_role="recruitment_head"
            ),
        ]
    )

    assert outcomes == [409, "ok"]
    step = ApprovalStep.objects.get(request=rate_request)
    status = RateRequest.objects.get(pk=rate_request.pk).status
    assert (step.decision, status) in {("approved", "approved"), ("rejected", "rejected")}
