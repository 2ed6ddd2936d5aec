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

    def assert_constant(self, fn, grow, *, times: int = 3):
        """Run ``fn``, grow the data with ``grow()`` ``times`` times, run ``fn`` again:
        the number of queries must not change."""
        before, before_sql = self.count(fn)
        for _ in range(times):
            grow()
        after, after_sql = self.count(fn)
        assert before == after, (
            f"query count grew from {before} to {after} as data grew:\n" + "\n".join(after_sql)
        )
        return after


@pytest.fixture
def queries():
    return QueryCounter()


def pytest_collection_modifyitems(config, items):
    """Transactional tests (browser, concurrency) end with a flush that also empties the
    rows data migrations seeded (rule tables, standards, groups). Serialized rollback
    restores them, so later tests see the database as migrated."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or {"live_server", "transactional_db"} & set(
            getattr(item, "fixturenames", ())
        )
        if transactional and "serialized_rollback" not in kwargs:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
