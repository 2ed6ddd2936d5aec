"""POST /api/v1/profit-records/ (API.md "Compensation"): the POS system's bulk upsert."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.utils import timezone

from compensation.models import ProfitRecord
from compensation.services import profits
from merchants.models import Terminal
from tests.factories.merchants import MerchantFactory, TerminalFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/profit-records/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def head_client(client_for, recruitment_head):
    return client_for(recruitment_head)


@pytest.fixture
def terminals(db):
    return [TerminalFactory(serial="POS-A", installed_on=dt.date(2026, 3, 15)), TerminalFactory(serial="POS-B")]


def post(client, body, **headers):
    return client.post(URL, body, format="json", **{**EN, **headers})


def row(serial="POS-A", month="2026-09", profit="62.50"):
    return {"terminal_serial": serial, "month": month, "profit": profit}


def fresh(user):
    """The same user as a new instance (no query), without what the old one cached."""
    return type(user)(**{f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields})


def stored():
    return {(r.terminal.serial, f"{r.month:%Y-%m}"): (r.profit, r.source) for r in ProfitRecord.objects.all()}


def test_it_creates_one_record_per_terminal_and_month(head_client, terminals):
    response = post(head_client, [row(), row("POS-B", profit="0"), row(month="2026-10", profit="12.3")])
    assert (response.status_code, response.json()) == (200, {"created": 3, "updated": 0})
    assert stored() == {
        ("POS-A", "2026-09"): (Decimal("62.50"), "api"),
        ("POS-B", "2026-09"): (Decimal("0.00"), "api"),
        ("POS-A", "2026-10"): (Decimal("12.30"), "api"),
    }
    assert ProfitRecord.objects.get(terminal__serial="POS-A", month=dt.date(2026, 9, 1)).month.day == 1


def test_posting_the_same_batch_again_changes_nothing(head_client, terminals):
    batch = [row(), row("POS-B", profit="49.99")]
    assert post(head_client, batch).json() == {"created": 2, "updated": 0}
    before = stored()
    response = post(head_client, batch)
    assert (response.status_code, response.json()) == (200, {"created": 0, "updated": 2})
    assert stored() == before
    assert ProfitRecord.objects.count() == 2


def test_a_new_figure_replaces_the_old_one(head_client, terminals):
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 9, 1), profit="10.00", source="import")
    response = post(head_client, [row(profit="20.00"), row("POS-B")])
    assert (response.status_code, response.json()) == (200, {"created": 1, "updated": 1})
    assert stored() == {
        ("POS-A", "2026-09"): (Decimal("20.00"), "api"),
        ("POS-B", "2026-09"): (Decimal("62.50"), "api"),
    }


def test_numbers_are_accepted_as_json_numbers_and_trailing_zeros(head_client, terminals):
    response = post(head_client, [row(profit=12.5), row("POS-B", profit="7.100")])
    assert response.status_code == 200
    assert stored()[("POS-A", "2026-09")][0] == Decimal("12.50")
    assert stored()[("POS-B", "2026-09")][0] == Decimal("7.10")


@pytest.mark.parametrize(
    "bad, field, message",
    [
        (row(serial="POS-NONE"), "terminal_serial", "No terminal has the serial number POS-NONE."),
        (row(serial=""), "terminal_serial", "This field may not be blank."),
        (row(serial=12), "terminal_serial", "Enter the serial number as text."),
        (row(serial="POS\x0001"), "terminal_serial", "Enter the serial number as text."),
        (row(serial="POS\n01"), "terminal_serial", "Enter the serial number as text."),
        (row(month="2026-9"), "month", "Enter a month as YYYY-MM, for example 2026-10."),
        (row(month="2026-13"), "month", "Enter a month as YYYY-MM, for example 2026-10."),
        (row(month="2026-09-01"), "month", "Enter a month as YYYY-MM, for example 2026-10."),
        (row(month=202609), "month", "Enter a month as YYYY-MM, for example 2026-10."),
        (row(month="2026-11"), "month", "2026-11 has not begun yet; profits are for the current or past months."),
        (
            row(month="2026-02"),
            "month",
            "Terminal POS-A was installed on 2026-03-15: it has no profit before 2026-03.",
        ),
        (row(profit="-0.01"), "profit", "A profit cannot be negative."),
        (row(profit="abc"), "profit", "Enter a number, for example 12.34."),
        (row(profit="1e3"), "profit", "Enter a number, for example 12.34."),
        (row(profit="NaN"), "profit", "Enter a number, for example 12.34."),
        (row(profit=True), "profit", "Enter a number, for example 12.34."),
        (row(profit="12.345"), "profit", "Enter at most 2 decimal places."),
        (row(profit="12345678901"), "profit", "Enter at most 10 digits before the decimal point."),
        (row(profit=None), "profit", "This field is required."),
        ({"terminal_serial": "POS-A", "month": "2026-09"}, "profit", "This field is required."),
        ({"month": "2026-09", "profit": "1"}, "terminal_serial", "This field is required."),
        ({"terminal_serial": "POS-A", "profit": "1"}, "month", "This field is required."),
        ("POS-A,2026-09,1", "non_field_errors", "Each row must be an object with terminal_serial, month and profit."),
    ],
)
def test_each_bad_row_is_named_with_its_error(head_client, terminals, bad, field, message):
    response = post(head_client, [row("POS-B"), bad])
    assert response.status_code == 400
    body = response.json()
    assert body["rows"] == [{"index": 1, "errors": {field: [message]}}]
    assert (body["code"], body["detail"]) == ("invalid_rows", "1 row is invalid; nothing was saved.")
    assert ProfitRecord.objects.count() == 0


def test_the_current_month_and_the_install_month_are_accepted(head_client, terminals):
    response = post(head_client, [row(month="2026-03"), row(month="2026-10")])
    assert (response.status_code, response.json()) == (200, {"created": 2, "updated": 0})


def test_every_field_at_fault_is_named(head_client, terminals):
    response = post(head_client, [{"terminal_serial": "POS-A", "month": "10/2026", "profit": "-1"}, {}])
    assert response.json()["rows"] == [
        {
            "index": 0,
            "errors": {
                "month": ["Enter a month as YYYY-MM, for example 2026-10."],
                "profit": ["A profit cannot be negative."],
            },
        },
        {
            "index": 1,
            "errors": {
                "terminal_serial": ["This field is required."],
                "month": ["This field is required."],
                "profit": ["This field is required."],
            },
        },
    ]
    assert response.json()["detail"] == "2 rows are invalid; nothing was saved."


def test_the_same_terminal_and_month_twice_in_a_batch_is_refused(head_client, terminals):
    response = post(head_client, [row(), row("POS-B"), row(profit="70.00")])
    assert response.status_code == 400
    assert response.json()["rows"] == [
        {"index": 2, "errors": {"non_field_errors": ["Row 0 already gives terminal POS-A for 2026-09."]}}
    ]
    assert ProfitRecord.objects.count() == 0


def test_one_bad_row_among_good_ones_saves_nothing(head_client, terminals):
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 8, 1), profit="10.00")
    audited = LogEntry.objects.count()
    good = [row(month="2026-08", profit="99.00"), row("POS-B"), row(month="2026-07")]
    response = post(head_client, [*good, row("POS-B", month="2026-11")])
    assert response.status_code == 400
    assert [r["index"] for r in response.json()["rows"]] == [3]
    assert stored() == {("POS-A", "2026-08"): (Decimal("10.00"), "api")}
    assert LogEntry.objects.count() == audited


@pytest.mark.parametrize(
    "body, code, detail",
    [
        (
            {"terminal_serial": "POS-A", "month": "2026-09", "profit": "1"},
            "not_a_list",
            'Send a JSON list of rows: [{"terminal_serial", "month", "profit"}, ...].',
        ),
        ("POS-A", "not_a_list", 'Send a JSON list of rows: [{"terminal_serial", "month", "profit"}, ...].'),
        ([], "empty", "The list is empty: send at least one row."),
    ],
)
def test_a_body_that_is_not_a_non_empty_list_is_refused(head_client, terminals, body, code, detail):
    response = post(head_client, body)
    assert (response.status_code, response.json()) == (400, {"detail": detail, "code": code})


def test_a_batch_over_the_limit_is_refused_naming_the_limit(head_client, terminals):
    response = post(head_client, [row(month=f"{2000 + i // 12}-{i % 12 + 1:02d}") for i in range(profits.MAX_ROWS + 1)])
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A batch holds at most 5000 rows; this one has 5001. Send it in parts.",
        "code": "too_many_rows",
        "max_rows": 5000,
    }
    assert ProfitRecord.objects.count() == 0


def test_a_body_that_is_not_json_is_refused(head_client, terminals):
    response = head_client.post(URL, "[{", content_type="application/json", **EN)
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_row_errors_are_in_chinese_by_default(head_client, terminals):
    response = head_client.post(URL, [row(serial="POS-NONE"), row(profit="-1")], format="json")
    assert response.status_code == 400
    assert response.json()["rows"] == [
        {"index": 0, "errors": {"terminal_serial": ["没有序列号为 POS-NONE 的终端。"]}},
        {"index": 1, "errors": {"profit": ["分润不能为负数。"]}},
    ]
    assert response.json()["detail"] == "2 行有误，未保存任何数据。"


def test_creations_and_changes_are_in_the_audit_trail(head_client, terminals, recruitment_head):
    ProfitRecord.objects.create(terminal=terminals[0], month=dt.date(2026, 9, 1), profit="10.00")
    content_type = ContentType.objects.get_for_model(ProfitRecord)
    LogEntry.objects.filter(content_type=content_type).delete()
    post(head_client, [row(profit="20.00"), row("POS-B", profit="5.00")])
    post(head_client, [row(profit="20.00")])  # unchanged: no entry
    entries = {
        e.object_repr.split(" ")[0]: (e.action, e.changes["profit"], e.actor)
        for e in LogEntry.objects.filter(content_type=content_type)
    }
    assert entries == {
        str(terminals[0].pk): (LogEntry.Action.UPDATE, ["10.00", "20.00"], recruitment_head),
        str(terminals[1].pk): (LogEntry.Action.CREATE, ["None", "5.00"], recruitment_head),
    }
    record = ProfitRecord.objects.get(terminal=terminals[1])
    assert LogEntry.objects.get(content_type=content_type, object_id=record.pk).action == LogEntry.Action.CREATE


@pytest.mark.parametrize("role", ["recruitment_head", "admin_user"])
def test_heads_and_admins_may_post(request, client_for, terminals, role):
    response = post(client_for(request.getfixturevalue(role)), [row()])
    assert (response.status_code, response.json()) == (200, {"created": 1, "updated": 0})


@pytest.mark.parametrize(
    "role",
    ["recruiter", "general_manager", "ops_director", "customer_service", "dept_head", "merchant_user"],
)
def test_everyone_else_is_refused(request, client_for, terminals, role):
    response = post(client_for(request.getfixturevalue(role)), [row()])
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not record terminal profits.", "code": "permission_denied"}
    assert ProfitRecord.objects.count() == 0


def test_anonymous_callers_are_refused(api_client, terminals):
    response = post(api_client, [row()])
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert ProfitRecord.objects.count() == 0


def test_the_service_refuses_those_without_the_permission(recruiter, terminals):
    with pytest.raises(profits.NotPermitted):
        profits.profit_records_upsert(user=recruiter, rows=[row()])


def test_the_number_of_queries_does_not_grow_with_the_rows(client_for, recruitment_head, queries):
    client = client_for(recruitment_head)
    merchant = MerchantFactory()
    batch = []
    ContentType.objects.get_for_model(ProfitRecord)  # the content-type cache, as in a running server

    def grow():
        start = len(batch)
        new = Terminal.objects.bulk_create(
            Terminal(merchant=merchant, serial=f"Q{start + i:05d}", installed_on=dt.date(2026, 1, 5)) for i in range(40)
        )
        # Half the new rows update a record that exists, half create one.
        ProfitRecord.objects.bulk_create(
            ProfitRecord(terminal=t, month=dt.date(2026, 9, 1), profit="1.00") for t in new[::2]
        )
        batch.extend(row(t.serial, "2026-09", f"{i}.25") for i, t in enumerate(new))

    grow()

    def upsert():
        # As a new request would: the caller without the roles and permissions cached.
        client.force_authenticate(fresh(recruitment_head))
        response = post(client, batch)
        assert response.status_code == 200, response.json()

    # The caller's groups (not a merchant), their own and their groups' permissions; the
    # savepoint, the terminals, their existing records, the upsert, the audit entries,
    # the savepoint's release.
    queries.assert_constant(upsert, grow, expected=9)


def test_a_full_batch_of_five_thousand_rows_takes_the_same_queries(client_for, recruitment_head, queries):
    merchant = MerchantFactory()
    terminals = Terminal.objects.bulk_create(
        Terminal(merchant=merchant, serial=f"F{i:05d}", installed_on=dt.date(2026, 1, 5))
        for i in range(profits.MAX_ROWS)
    )
    ProfitRecord.objects.bulk_create(
        ProfitRecord(terminal=t, month=dt.date(2026, 9, 1), profit="1") for t in terminals[:1000]
    )
    ContentType.objects.get_for_model(ProfitRecord)
    client = client_for(recruitment_head)
    batch = [row(t.serial, "2026-09", "51.00") for t in terminals]
    count, _sql = queries.count(lambda: post(client, batch))
    assert count == 9
    assert ProfitRecord.objects.filter(month=dt.date(2026, 9, 1), profit=Decimal("51.00")).count() == 5000
    assert post(client, batch).json() == {"created": 0, "updated": 5000}


def test_the_schema_documents_the_endpoint(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/profit-records/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "403"}
    request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert request_schema["type"] == "array"


def test_updated_at_moves_on_each_upsert(head_client, terminals):
    post(head_client, [row()])
    first = ProfitRecord.objects.get().updated_at
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        post(head_client, [row(profit="1.00")])
    assert ProfitRecord.objects.get().updated_at == first + dt.timedelta(hours=1)
    assert timezone.is_aware(first)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_identical_batches_at_once_make_one_record_each_and_count_right(recruitment_head):
    merchant = MerchantFactory()
    terminals = Terminal.objects.bulk_create(
        Terminal(merchant=merchant, serial=f"C{i:03d}", installed_on=dt.date(2026, 1, 5)) for i in range(50)
    )
    batch = [row(t.serial, "2026-09", "12.00") for t in terminals]
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(profits.profit_records_upsert(user=fresh(recruitment_head), rows=batch))
        except Exception as error:  # noqa: BLE001 — the test reports it
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted((r.created, r.updated) for r in results) == [(0, 50), (50, 0)]
    assert ProfitRecord.objects.count() == 50
