"""The role × endpoint × object matrix (issue 13), generated from the OpenAPI schema over
the fuzz world: for every operation on a record, as every role (and a second merchant),
an id the caller may not see answers exactly as an id that does not exist — same status,
same code — so no answer reveals whether a record exists outside one's scope.

The oracle of "may see" is the record's own GET: where it is a 404 for the caller, every
other operation on that id (reads and actions, with an empty body) must be the answer a
missing id gets. Actions run in a savepoint rolled back, so nothing is changed.
"""

import json
import re

import pytest
from django.db import transaction
from django.test import Client

from .schema import OPERATIONS
from .test_fuzz import _PATH_IDS

ROLES = (
    "anonymous",
    "merchant_user",
    "other_merchant_user",
    "recruiter",
    "outside_recruiter",
    "recruitment_head",
    "outside_head",
    "ops_director",
    "customer_service",
    "dept_head",
    "general_manager",
    "finance",
    "admin_user",
)
MISSING = 10**9


def _record_operations():
    """{collection path: {"detail": GET label, "others": [labels]}} for single-id paths."""
    by_record: dict = {}
    for label, operation in OPERATIONS.items():
        parameters = re.findall(r"{(\w+)}", operation.path)
        if parameters != ["id"]:
            continue
        collection = operation.path.split("/")[3]
        if collection not in _PATH_IDS:
            continue
        record = operation.path.split("{id}")[0] + "{id}/"
        entry = by_record.setdefault(record, {"detail": None, "others": [], "kind": _PATH_IDS[collection]})
        if operation.method.upper() == "GET" and operation.path == record:
            entry["detail"] = label
        else:
            entry["others"].append(label)
    return {record: entry for record, entry in by_record.items() if entry["detail"]}


RECORDS = _record_operations()


def _call(client, method, path, headers):
    with transaction.atomic():
        try:
            if method == "GET":
                return client.get(path, **headers)
            return client.generic(method, path, data=json.dumps({}), content_type="application/json", **headers)
        finally:
            transaction.set_rollback(True)


def _answer(response):
    try:
        code = response.json().get("code") if response.status_code >= 400 else None
    except (ValueError, AttributeError):
        code = None
    return response.status_code, code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", sorted(RECORDS))
def test_an_out_of_scope_id_answers_as_a_missing_one(record, role, fuzz_world, db, wsgi_isolation):
    entry = RECORDS[record]
    ids = fuzz_world["ids"][entry["kind"]]
    if not ids:
        pytest.skip(f"the fuzz world has no {entry['kind']}")
    token = fuzz_world["headers"].get(role)
    if token is None:
        token = _token_for(fuzz_world, role)
    headers = {"HTTP_AUTHORIZATION": token["Authorization"]} if token else {}
    client = Client()
    operations = [OPERATIONS[entry["detail"]], *(OPERATIONS[label] for label in entry["others"])]
    missing = {op.label: _answer(_call(client, op.method.upper(), _path(op, MISSING), headers)) for op in operations}
    for label, (status, _code) in missing.items():
        # Mostly 404 (or 401/403 before any lookup); an action that checks its body first
        # may refuse the empty body with a 400 — as long as every id gets that same answer.
        assert 400 <= status < 500, f"{label} as {role}: a missing id answered {status}"
    leaks = []
    for record_id in ids:
        seen = _call(client, "GET", record.replace("{id}", str(record_id)), headers)
        assert seen.status_code < 500
        if seen.status_code == 200:
            continue
        for op in operations:
            answer = _answer(_call(client, op.method.upper(), _path(op, record_id), headers))
            if answer != missing[op.label]:
                leaks.append(f"{op.label} id={record_id}: {answer} where a missing id gets {missing[op.label]}")
    assert leaks == [], f"as {role}: " + "; ".join(leaks)


def _path(operation, record_id) -> str:
    return operation.path.replace("{id}", str(record_id))


def _token_for(fuzz_world, role):
    from workplace.api.tokens import issue_token

    user = fuzz_world["users"].get(role)
    if user is None:
        pytest.skip(f"the fuzz world has no {role}")
    header = {"Authorization": f"Token {issue_token(user)[0]}"}
    fuzz_world["headers"][role] = header
    return header


# Who must see the fuzz world's money records (all the signed merchant's, merchant_a's):
# the matrix above proves a hidden record looks missing; this proves the right ones are
# hidden and shown, so the matrix cannot pass by everybody seeing everything.
MONEY = {
    "settlements": "/api/v1/settlements/{id}/",
    "deposits": "/api/v1/deposits/{id}/",
    "settlement_disputes": "/api/v1/settlement-disputes/{id}/",
}
SEES_MONEY = {"merchant_user": True, "finance": True, "general_manager": True, "recruiter": True}
HIDDEN_MONEY = ("other_merchant_user", "outside_recruiter", "outside_head", "customer_service")


@pytest.mark.parametrize("kind", sorted(MONEY))
def test_the_money_records_are_shown_to_their_readers_and_hidden_from_the_others(kind, fuzz_world, db, wsgi_isolation):
    ids = fuzz_world["ids"][kind]
    assert ids, f"the fuzz world has no {kind}"
    for role in (*SEES_MONEY, *HIDDEN_MONEY):
        token = fuzz_world["headers"].get(role) or _token_for(fuzz_world, role)
        client = Client(HTTP_AUTHORIZATION=token["Authorization"])
        statuses = {_call(client, "GET", MONEY[kind].replace("{id}", str(pk)), {}).status_code for pk in ids}
        if role in SEES_MONEY:
            assert statuses == {200}, f"{role} should see every {kind}: {statuses}"
        else:
            assert statuses <= {403, 404}, f"{role} must not see {kind}: {statuses}"
