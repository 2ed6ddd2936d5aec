"""Benchmarks on generated data at realistic scale. See bench/README.md."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhaoshang_bench")


def prepare_database():
    """A fresh database each run (dropped and created again), so runs are comparable."""
    import psycopg2
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if "postgresql" in db["ENGINE"]:
        connection = psycopg2.connect(
            dbname="postgres", user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        connection.close()
    elif Path(db["NAME"]).exists():
        Path(db["NAME"]).unlink()
    call_command("migrate", verbosity=0)


def generate(merchant_count: int, request_count: int):
    from django.contrib.auth.models import Group

    from merchants.models import Application, ApplicationStatus, Category, Merchant, MerchantStatus
    from workplace.services import user_create

    rng = random.Random(20261122)
    gm = user_create(username="gm", role="general_manager", password="x")
    director = user_create(username="director", role="ops_director", password="x", manager=gm)
    from workplace.models import Department

    departments, heads, recruiters = [], [], []
    for index in range(3):
        department = Department.objects.create(code=f"recruitment{index}", name=f"招商{index}部")
        head = user_create(
            username=f"head{index}", role="recruitment_head", password="x", department=department, manager=director
        )
        department.head = head
        department.save(update_fields=["head"])
        departments.append(department)
        heads.append(head)
        for number in range(4):
            recruiters.append(
                user_create(
                    username=f"recruiter{index}_{number}",
                    role="recruiter",
                    password="x",
                    department=department,
                    manager=head,
                )
            )
    assert Group.objects.filter(name="merchant").exists()
    districts = ["颍州区", "颍东区", "颍泉区", "太和县", "颍上县", "临泉县", "阜南县", "界首市"]
    categories = list(Category.values)
    merchants = []
    for number in range(merchant_count):
        recruiter = recruiters[number % len(recruiters)]
        merchants.append(
            Merchant(
                name=f"阜阳商户{number:05d}",
                category=rng.choice(categories),
                status=rng.choice([MerchantStatus.ACTIVE] * 3 + [MerchantStatus.PROSPECT]),
                district=rng.choice(districts),
                recruiter=recruiter,
                department=recruiter.staff_profile.department,
            )
        )
    Merchant.objects.bulk_create(merchants, batch_size=2000)
    merchants = list(Merchant.objects.all())
    statuses = [
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.NEEDS_CHANGES,
        ApplicationStatus.SIGNED,
        ApplicationStatus.DRAFT,
    ]
    Application.objects.bulk_create(
        [
            Application(
                merchant=merchant,
                status=rng.choice(statuses),
                company_name=merchant.name,
                category=merchant.category,
                district=merchant.district,
                assignee=merchant.recruiter,
            )
            for merchant in merchants
        ],
        batch_size=2000,
    )

    from commissions.services import rate_request_create

    for number in range(request_count):
        merchant = merchants[number % len(merchants)]
        rate = Decimal(rng.choice(["5.00", "6.90", "8.40", "9.00", "1.50"]))
        rate_request_create(user=merchant.recruiter, merchant=merchant, proposed_rate=rate, reason="benchmark")
    return {"gm": gm, "director": director, "head": heads[0], "recruiter": recruiters[0]}


def measure(name, fn, repeat):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    timings = []
    queries = 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(context.captured_queries)
    timings.sort()
    return {
        "name": name,
        "median_ms": round(statistics.median(timings), 2),
        "p90_ms": round(timings[int(len(timings) * 0.9) - 1], 2),
        "queries": queries,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--merchants", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # eager tasks and axes would drown the table
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.test import Client

    print(f"database: {settings.DATABASES['default']['ENGINE']} {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    prepare_database()
    people = generate(args.merchants, args.requests)
    print(
        f"generated {args.merchants} merchants, {args.requests} rate requests in {time.perf_counter() - started:.1f} s"
    )

    from workplace import calendar

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    head, recruiter, gm = client_for(people["head"]), client_for(people["recruiter"]), client_for(people["gm"])

    def get(client, url, expected=200):
        def run():
            response = client.get(url)
            assert response.status_code == expected, (url, response.status_code)

        return run

    cases = [
        ("calendar: 3 working days", lambda: calendar.add_working_days(dt.date(2026, 9, 30), 3)),
        ("calendar: 250 working days", lambda: calendar.add_working_days(dt.date(2026, 1, 1), 250)),
        ("API merchants list (GM, all)", get(gm, "/api/v1/merchants/")),
        ("API merchants list (head, department)", get(head, "/api/v1/merchants/?district=颍州区")),
        ("API merchants search (recruiter)", get(recruiter, "/api/v1/merchants/?search=0001")),
        ("API applications list (head)", get(head, "/api/v1/applications/")),
        ("API approvals pending (head)", get(head, "/api/v1/approvals/pending/")),
        ("API approvals pending (GM)", get(gm, "/api/v1/approvals/pending/")),
        ("API rate requests list (GM)", get(gm, "/api/v1/rate-requests/")),
        ("page approval queue (head)", get(head, "/commissions/queue/")),
        ("page review list (head)", get(head, "/portal/review/")),
        ("admin merchants changelist (GM)", get(gm, "/admin/merchants/merchant/")),
    ]
    results = []
    print(f"{'case':<44} {'median ms':>10} {'p90 ms':>10} {'queries':>8}")
    for name, fn in cases:
        try:
            result = measure(name, fn, args.repeat)
        except AssertionError as error:
            print(f"{name:<44} skipped: {error}")
            continue
        results.append(result)
        print(f"{name:<44} {result['median_ms']:>10} {result['p90_ms']:>10} {result['queries']:>8}")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
