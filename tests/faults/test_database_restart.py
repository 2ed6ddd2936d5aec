"""PostgreSQL restarted (issue 13): the app under gunicorn, holding persistent connections
(CONN_MAX_AGE), answers every request once the server is back, with no restart of its own
— each worker notices its dead connection before using it (CONN_HEALTH_CHECKS).

The test restarts this machine's PostgreSQL for real (pg_ctlcluster, as root); where it
cannot, it is skipped with the reason."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
import requests
from django.db import connection, connections

from merchants.models import Merchant
from tests.factories.merchants import MerchantFactory
from workplace.api.tokens import issue_token

from .conftest import wait_for

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]


def restart_postgresql():
    versions = sorted(Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").exists() else []
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not versions:
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster (Debian's postgresql-common)")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    db = connection.settings_dict
    wait_for(
        lambda: (
            psycopg2.connect(
                dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
            ).close()
            or True
        ),
        timeout=60,
        what="PostgreSQL accepting connections again",
    )


def test_the_app_answers_after_a_database_restart_without_restarting(app_server, recruiter):
    MerchantFactory(recruiter=recruiter, name="重启前")
    headers = {"Authorization": f"Token {issue_token(recruiter)[0]}"}
    url = f"{app_server.url}/api/v1/merchants/"
    # Both gunicorn workers hold a connection now.
    for _n in range(6):
        assert requests.get(url, headers=headers, timeout=15).status_code == 200

    restart_postgresql()
    connections.close_all()  # this test's own connection died with the server too

    answers = [requests.get(url, headers=headers, timeout=15) for _n in range(10)]
    assert [answer.status_code for answer in answers] == [200] * 10
    assert answers[-1].json()["results"][0]["name"] == "重启前"
    assert Merchant.objects.count() == 1
    assert requests.get(f"{app_server.url}/healthz", timeout=15).json()["db"] == "ok"
