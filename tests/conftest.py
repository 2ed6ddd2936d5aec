"""Shared fixtures: one user per role in one department, an outsider department with its
own recruiter and head, API clients, and a query-count helper."""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories.workplace import PASSWORD, DepartmentFactory, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse
# to run there otherwise. Only the browser tests are affected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """Each test reads rule tables as its own database holds them (a flushed database
    replays the data migrations with new ids)."""
    from workplace import counts, rules

    rules.clear()
    counts.clear()
    yield
    rules.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def department(db):
    return DepartmentFactory(code="recruitment", name="招商部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="recruitment_east", name="招商二部")


@pytest.fixture
def general_manager(db):
    return make_user("general_manager", username="gm")


@pytest.fixture
def ops_director(db, general_manager):
    return make_user("ops_director", username="director", manager=general_manager)


@pytest.fixture
def recruitment_head(db, department, ops_director):
    head = make_user("recruitment_head", username="head", department=department, manager=ops_director)
    department.head = head
    department.save(update_fields=["head"])
    return head


@pytest.fixture
def recruiter(db, department, recruitment_head):
    return make_user("recruiter", username="recruiter", department=department, manager=recruitment_head)


@pytest.fixture
def second_recruiter(db, department, recruitment_head):
    return make_user("recruiter", username="recruiter_b", department=department, manager=recruitment_head)


@pytest.fixture
def outside_head(db, other_department, ops_director):
    head = make_user("recruitment_head", username="head_east", department=other_department, manager=ops_director)
    other_department.head = head
    other_department.save(update_fields=["head"])
    return head


@pytest.fixture
def outside_recruiter(db, other_department, outside_head):
    return make_user("recruiter", username="recruiter_east", department=other_department, manager=outside_head)


@pytest.fixture
def customer_service(db):
    return make_user("customer_service", username="service")


@pytest.fixture
def dept_head(db):
    return make_user("dept_head", username="quality_head", department=DepartmentFactory(code="quality"))


@pytest.fixture
def admin_user(db):
    return make_user("admin", username="admin_user")


@pytest.fixture
def merchant_user(db):
    return make_user("merchant", username="merchant_a")


@pytest.fixture
def other_merchant_user(db):
    return make_user("merchant", username="merchant_b")


@pytest.fixture
def api_client():
    """An API client; ``api_client.force_authenticate(user)`` to sign in."""
    return APIClient()


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client authenticated as ``user``."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


class QueryCounter:
    """Counts the queries a callable issues, printing them when an assertion fails."""

    def count(self, fn):
        with CaptureQueriesContext(connection) as context:
            fn()
        return len(context.captured_queries), [q["sql"] for q in context.captured_queries]

    def assert_constant(self, fn, grow, *, expected: int | None = None, times: int = 3):
        """Run ``fn``, grow the data with ``grow()`` ``times`` times, run ``fn`` again:
        the number of queries must not change, and must be ``expected`` exactly."""
        before, before_sql = self.count(fn)
        if expected is not None:
            assert before == expected, f"expected {expected} queries, got {before}:\n" + "\n".join(before_sql)
        for _ in range(times):
            grow()
        after, after_sql = self.count(fn)
        assert before == after, f"query count grew from {before} to {after} as data grew:\n" + "\n".join(after_sql)
        return after


@pytest.fixture
def queries():
    return QueryCounter()


_OUR_APPS = (
    "workplace",
    "merchants",
    "scoring",
    "commissions",
    "complaints",
    "compensation",
    "plans",
    "settlement",
    "alliance",
    "dashboards",
)
_database_flushed = False


def _replay_data_migrations():
    """Run our apps' data migrations again (they are idempotent), as on a new database."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    for key in loader.graph.leaf_nodes():
        for app_label, name in loader.graph.forwards_plan(key):
            if app_label not in _OUR_APPS:
                continue
            for operation in loader.graph.nodes[(app_label, name)].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Transactional tests (browser, concurrency) end with a flush, which also empties the
    # rows data migrations made (rule tables, standards). Put them back as soon as the
    # test's fixtures are torn down (the flush is one of them), committed and outside any
    # test's transaction: a fixture doing it at the next test's start could run inside
    # that test's transaction (pytest-django's own autouse fixtures come first) and be
    # rolled back with it.
    global _database_flushed
    yield
    marker = item.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"live_server", "transactional_db"} & set(
        getattr(item, "fixturenames", ())
    ):
        _database_flushed = True
        from django.db import transaction
        from pytest_django.plugin import blocking_manager_key

        try:
            with item.config.stash[blocking_manager_key].unblock(), transaction.atomic():
                _replay_data_migrations()
        except Exception:  # no test database (yet): the next test's fixture replays them
            return
        _database_flushed = False


@pytest.fixture(autouse=True)
def _migrated_rows(request):
    global _database_flushed
    # Autouse fixtures run before ``db``: the rows are restored outside the test's
    # transaction, so they stay for the tests after it too.
    if _database_flushed and "django_db_setup" in request.fixturenames:
        from django.db import transaction

        with request.getfixturevalue("django_db_blocker").unblock(), transaction.atomic():
            _replay_data_migrations()
        _database_flushed = False
