"""Every operation of the OpenAPI schema, as each role, with generated data (valid and
invalid): never a 5xx, errors are JSON that say what is wrong, never a stack trace, and
what the schema promises is what comes back (API.md).

Bounded and deterministic: a fixed number of examples per operation and role, derandomized
Hypothesis, no example database. Path parameters and ids in bodies and queries are drawn
from the records of the fuzz world half of the time, so the requests reach real rows.
"""

import json
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from .schema import OPERATIONS

ROLES = (
    "anonymous",
    "merchant_user",
    "recruiter",
    "recruitment_head",
    "ops_director",
    "customer_service",
    "dept_head",
    "general_manager",
    "finance",
    "admin_user",
)
# Generated examples per operation and role; an anonymous caller is turned away at the door.
MAX_EXAMPLES = {"anonymous": 8}
DEFAULT_MAX_EXAMPLES = 20

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

# Which records a path parameter names, by the collection in the path.
_PATH_IDS = {
    "activities": "activities",
    "applications": "applications",
    "complaints": "complaints",
    "deposits": "deposits",
    "merchants": "merchants",
    "payroll-runs": "payroll_runs",
    "plans": "plans",
    "rate-requests": "rate_requests",
    "regions": "regions",
    "settlement-disputes": "settlement_disputes",
    "settlements": "settlements",
    "terminals": "terminals",
}
_NAMED_IDS = {
    "document_id": "documents",
    "media_id": "media",
    "attachment_id": "attachments",
    "username": "usernames",
}
# Fields (body or query) that name another record.
_FIELD_IDS = {
    "activity": "activities",
    "from_merchant": "merchants",
    "to_merchant": "merchants",
    "merchant": "merchants",
    "recruiter": "users",
    "assignee": "users",
    "staff": "usernames",
}

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/")


def _path_ids(operation, ids):
    collection = operation.path.split("/")[3]
    known = {}
    for parameter in re.findall(r"{(\w+)}", operation.path):
        kind = _NAMED_IDS.get(parameter) or _PATH_IDS.get(collection)
        if kind and ids[kind]:
            known[parameter] = ids[kind]
    return known


def case_strategy(operation, ids):
    """Cases of ``operation``, valid and invalid, with real ids in the path half the time."""
    known = _path_ids(operation, ids)
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(mode))
        if known:
            fixed = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
            strategies.append(fixed.flatmap(lambda path, mode=mode: operation.as_strategy(mode, path_parameters=path)))
    return st.one_of(strategies)


def _with_real_ids(data, container, ids):
    if not isinstance(container, dict):
        return
    for field, kind in _FIELD_IDS.items():
        if field in container and data.draw(st.booleans(), label=f"real {field}"):
            container[field] = data.draw(st.sampled_from(ids[kind]), label=field)


def _assert_error_contract(response, label, role):
    """API.md: errors are 4xx with a JSON body saying what is wrong, never a stack trace."""
    if response.status_code < 400:
        return
    text = response.content.decode("utf-8", "replace")
    assert not _TRACEBACK.search(text), f"{label} as {role}: a stack trace in the {response.status_code} body"
    content_type = response.headers.get("content-type", [""])[0]
    assert "json" in content_type, f"{label} as {role}: {response.status_code} error is {content_type!r}, not JSON"
    body = json.loads(text)
    assert isinstance(body, (dict, list)) and body, f"{label} as {role}: empty error body {text!r}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation(label, role, fuzz_world, db, wsgi_isolation):
    operation = OPERATIONS[label]
    ids = fuzz_world["ids"]
    headers = fuzz_world["headers"][role]

    @settings(
        max_examples=MAX_EXAMPLES.get(role, DEFAULT_MAX_EXAMPLES),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(data=st.data())
    def run(data):
        case = data.draw(case_strategy(operation, ids), label="case")
        _with_real_ids(data, case.body, ids)
        _with_real_ids(data, case.query, ids)
        wsgi_isolation.clear()
        # Each request in a savepoint of its own, rolled back: examples stay independent.
        with transaction.atomic():
            try:
                response = case.call(headers=headers)
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                    _assert_error_contract(response, label, role)
                except (AssertionError, BaseExceptionGroup) as error:  # schemathesis: a FailureGroup
                    if wsgi_isolation:
                        error.add_note("Server traceback:\n" + wsgi_isolation[-1])
                    raise
            finally:
                transaction.set_rollback(True)

    run()
