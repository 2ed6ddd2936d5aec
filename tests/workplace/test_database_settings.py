"""Connection settings the figures in bench/README.md rely on."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_runs_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_status_changes_are_indexed_for_the_dashboards():
    from merchants.models import ApplicationStatusChange

    names = {index.name for index in ApplicationStatusChange._meta.indexes}
    assert "app_change_to_status_at" in names
