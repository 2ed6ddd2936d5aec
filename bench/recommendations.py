"""Recommendations at scale beside a floor (issue 12 §5, bench/README.md "Recommendations").

Generates, with a fixed random seed, Fuyang (the city, 3 urban districts and 5 counties),
a plan in force today (targets by segment and for dining & entertainment, a phase over
the urban districts, one per county) with a quota for each of 20 recruiters (2
departments of 10), 2 000 merchants signed in the plan, and 10 000 prospects: each with
an application (one in ten closed: rejected or withdrawn, so off the lists), three in
five with a star evaluation (one in ten of those re-evaluated), spread over the plan's
districts, segments and categories, last active over the past 90 days.

Two layouts of the same 10 000 prospects:

- **owned**: every prospect owned by a recruiter (500 each) — the 20 lists together rank
  the 10 000 prospects once; timed as all 20 lists in a row (the issue's "ranking 10 000
  prospects for 20 recruiters under 1 s": the total);
- **pool**: every prospect unassigned, in the plan's area — each recruiter's list is all
  10 000 (the worst case); timed per recruiter and for the 20 in a row.

Each beside its floor: one hand-written SQL statement that selects the same prospects
with the same columns (the latest evaluation's score, flag and class, the last activity),
and nothing else (no plan progress, no ranking). Also ``plans.recommendations.rank`` alone
on the rows of one list, and ``GET /api/v1/recommendations/`` (the Django test client:
routing, middleware, session authentication, the view, a page of 20 in JSON).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhaoshang_recommendations .venv/bin/python bench/recommendations.py

Options: --prospects N (default 10000), --repeat N (default 5), --json FILE. The
database is dropped and created again first: never point it at real data.
"""

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
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhaoshang_recommendations"
)

RECRUITERS = 20
DEPARTMENTS = 2
URBAN = ["颍州区", "颍东区", "颍泉区"]
COUNTIES = ["太和县", "颍上县", "临泉县", "阜南县", "界首市"]


def _at(day: dt.date, hour: float = 10) -> dt.datetime:
    from workplace.calendar import SHANGHAI

    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI) + dt.timedelta(hours=hour)


def people_create() -> dict:
    from workplace.models import Department
    from workplace.services import user_create

    gm = user_create(username="gm", role="general_manager", password="x")
    recruiters = []
    for index in range(DEPARTMENTS):
        department = Department.objects.create(code=f"recruitment{index:02d}", name=f"招商{index + 1}部")
        head = user_create(username=f"head{index:02d}", role="recruitment_head", password="x", department=department)
        for number in range(RECRUITERS // DEPARTMENTS):
            recruiters.append(
                user_create(
                    username=f"r{index:02d}_{number:02d}",
                    role="recruiter",
                    password="x",
                    department=department,
                    manager=head,
                )
            )
    return {"gm": gm, "recruiters": recruiters}


def plan_create(today: dt.date, recruiters) -> None:
    from plans.models import Phase, PhaseTarget, Plan, PlanTarget, Quota, Region, RegionKind

    city = Region.objects.create(name="阜阳市", code="B341200", kind=RegionKind.CITY)
    regions = {}
    for number, name in enumerate(URBAN + COUNTIES):
        kind = RegionKind.DISTRICT if name in URBAN else RegionKind.COUNTY
        regions[name] = Region.objects.create(name=name, code=f"B3412{number + 1:02d}", kind=kind, parent=city)
    plan = Plan.objects.create(
        name="阜阳招商计划",
        region=city,
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=30),
    )
    for segment, count in (("supermarket", 300), ("featured", 900), ("basic", 1800)):
        PlanTarget.objects.create(plan=plan, segment=segment, count=count)
    PlanTarget.objects.create(plan=plan, segment="featured", category="dining_entertainment", count=400)
    first = Phase.objects.create(
        plan=plan, name="市区", starts_on=plan.starts_on, ends_on=plan.starts_on + dt.timedelta(60)
    )
    first.regions.set([regions[name] for name in URBAN])
    PhaseTarget.objects.create(phase=first, segment="basic", count=900)
    for offset, name in enumerate(COUNTIES):
        phase = Phase.objects.create(
            plan=plan, name=name, starts_on=plan.starts_on + dt.timedelta(60 + 20 * offset), ends_on=plan.ends_on
        )
        phase.regions.set([regions[name]])
        PhaseTarget.objects.create(phase=phase, segment="basic", count=200 + 50 * offset)
    Quota.objects.bulk_create([Quota(plan=plan, recruiter=person, count=100) for person in recruiters])


def generate(prospect_count: int, people: dict, today: dt.date) -> dict:
    """Signed merchants, prospects with their applications and evaluations, in bulk."""
    from django.db import connection

    from merchants.models import Application, ApplicationStatus, Merchant, MerchantStatus
    from scoring.models import Evaluation, ScoringRuleSet
    from scoring.rules import merchant_class

    rng = random.Random(20261204)
    recruiters = people["recruiters"]
    departments = {r.pk: r.staff_profile.department_id for r in recruiters}
    districts = URBAN + COUNTIES
    segments = [("supermarket", "supermarket"), ("featured", "dining_entertainment"), ("featured", "leisure_fitness")]
    segments += [("basic", "life_services"), ("basic", "beauty_hair"), ("basic", "dining_entertainment")]
    signed = []
    for number in range(2000):
        recruiter = recruiters[number % len(recruiters)]
        segment, category = rng.choice(segments)
        signed.append(
            Merchant(
                name=f"已签约{number:05d}",
                category=category,
                segment=segment,
                # Two counties have no merchant yet: coverage gaps.
                district=rng.choice(districts[:-2]),
                status=MerchantStatus.ACTIVE,
                recruiter=recruiter,
                signing_recruiter=recruiter,
                department_id=departments[recruiter.pk],
                signed_at=_at(today - dt.timedelta(days=rng.randrange(1, 190)), 15),
            )
        )
    Merchant.objects.bulk_create(signed, batch_size=2000)

    prospects = []
    for number in range(prospect_count):
        recruiter = recruiters[number % len(recruiters)]
        segment, category = rng.choice(segments)
        prospects.append(
            Merchant(
                name=f"意向商户{number:05d}",
                category=category,
                segment=segment,
                district=rng.choice(districts),
                recruiter=recruiter,
                department_id=departments[recruiter.pk],
            )
        )
    prospects = Merchant.objects.bulk_create(prospects, batch_size=2000)
    active = [_at(today - dt.timedelta(days=rng.randrange(0, 90)), rng.uniform(8, 20)) for _ in prospects]
    closed = [ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]
    open_ = [ApplicationStatus.DRAFT, ApplicationStatus.IN_REVIEW, ApplicationStatus.APPROVED]
    applications = [
        Application(
            merchant=merchant,
            status=rng.choice(closed) if rng.random() < 0.1 else rng.choice(open_),
            company_name=merchant.name,
            category=merchant.category,
            segment=merchant.segment,
            district=merchant.district,
        )
        for merchant in prospects
    ]
    applications = Application.objects.bulk_create(applications, batch_size=2000)

    rule_set = ScoringRuleSet.objects.order_by("effective_from").first()
    rules = rule_set.table
    evaluations, evaluated_at = [], []
    for merchant, last in zip(prospects, active, strict=True):
        if rng.random() >= 0.6:
            continue
        for version in range(2 if rng.random() < 0.1 else 1):
            score = Decimal(rng.randrange(600, 1700)) / 100
            large = merchant.category == "supermarket" and rng.random() < 0.3
            evaluations.append(
                Evaluation(
                    merchant=merchant,
                    evaluator=merchant.recruiter,
                    rule_set=rule_set,
                    category=merchant.category,
                    brand=3,
                    decoration="standard",
                    area_sqm=Decimal(200),
                    registered_capital=Decimal(500000),
                    staff_count=12,
                    years_in_business=Decimal(5),
                    frequency="average",
                    large_or_chain=large,
                    score=score,
                    merchant_class=merchant_class(score, merchant.category, large, rules),
                    items={},
                )
            )
            evaluated_at.append(last - dt.timedelta(days=3 * (1 - version)))
    evaluations = Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    with connection.cursor() as cursor:
        # The generated moments: auto_now(_add) wrote today on every row.
        cursor.execute(
            "UPDATE merchants_merchant m SET updated_at = v.at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE m.id = v.id",
            [[m.pk for m in prospects], active],
        )
        cursor.execute(
            "UPDATE merchants_application a SET updated_at = v.at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE a.id = v.id",
            [[a.pk for a in applications], [at - dt.timedelta(hours=2) for at in active]],
        )
        cursor.execute(
            "UPDATE scoring_evaluation e SET created_at = v.at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE e.id = v.id",
            [[e.pk for e in evaluations], evaluated_at],
        )
        cursor.execute("ANALYZE")
    return {"signed merchants": len(signed), "prospects": len(prospects), "evaluations": len(evaluations)}


def to_pool() -> None:
    """Every prospect unassigned (no recruiter, no department), in the plan's area."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE merchants_merchant SET recruiter_id = NULL, department_id = NULL WHERE status = 'prospect'"
        )
        cursor.execute("ANALYZE")


# --- the floor: the same prospects and columns in one statement -----------------------------

FLOOR = """
SELECT m.id, m.name, m.district, m.segment, m.category, m.recruiter_id,
       e.score, e.large_or_chain, e.merchant_class,
       GREATEST(m.updated_at, a.at, e.created_at) AS last_activity
FROM merchants_merchant m
LEFT JOIN LATERAL (
    SELECT score, large_or_chain, merchant_class, created_at FROM scoring_evaluation
    WHERE merchant_id = m.id ORDER BY created_at DESC, id DESC LIMIT 1
) e ON TRUE
LEFT JOIN LATERAL (
    SELECT MAX(updated_at) AS at,
           bool_or(status NOT IN ('expired', 'rejected', 'withdrawn', 'signed')) AS open,
           bool_or(status IN ('expired', 'rejected', 'withdrawn', 'signed')) AS closed
    FROM merchants_application WHERE merchant_id = m.id
) a ON TRUE
WHERE m.status = 'prospect'
  AND (m.recruiter_id = %(recruiter)s
       OR (m.recruiter_id IS NULL AND m.district = ANY(%(area)s)
           AND (m.department_id IS NULL OR m.department_id = %(department)s)))
  AND NOT (COALESCE(a.closed, FALSE) AND NOT COALESCE(a.open, FALSE))
"""


def floor_for(recruiter, area):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                FLOOR,
                {"recruiter": recruiter.pk, "area": area, "department": recruiter.staff_profile.department_id},
            )
            return cursor.fetchall()

    return run


def measure(fn, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(context.captured_queries)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(timings[max(int(len(timings) * 0.9) - 1, 0)], 1),
        "queries": queries,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prospects", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from bench.run import prepare_database
    from plans import recommendations as r
    from plans.models import Plan

    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    prepare_database()
    today = timezone.localdate()
    people = people_create()
    plan_create(today, people["recruiters"])
    counts = generate(args.prospects, people, today)
    print(
        "generated " + ", ".join(f"{v} {k}" for k, v in counts.items()) + f" in {time.perf_counter() - started:.1f} s"
    )
    recruiters = people["recruiters"]
    area = r.area_names(Plan.objects.get())

    def all_lists():
        return sum(len(r.recommendations_for(person, reader=person).results) for person in recruiters)

    def one_list(person):
        return lambda: r.recommendations_for(person, reader=person)

    def all_floors():
        return sum(len(floor_for(person, area)()) for person in recruiters)

    client = Client()
    client.force_login(recruiters[0])

    def api():
        response = client.get("/api/v1/recommendations/")
        assert response.status_code == 200, response.content[:200]

    def rank_only(person):
        found = r.recommendations_for(person, reader=person)
        prospects = [item.prospect for item in found.results]
        rules = r.in_force_or_none(r.ScoringRuleSet, today).table
        gaps = r.open_gaps(r.plan_progress(found.plan, person))
        return lambda: r.rank(prospects, gaps=gaps, rules=rules, today=today)

    results = []

    def run(name, fn, repeat=args.repeat):
        result = {"case": name, **measure(fn, repeat)}
        results.append(result)
        print(f"{name:<58} {result['median_ms']:>10} {result['p90_ms']:>8} {result['queries']:>8}")

    print(f"{'case':<58} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    listed = all_lists()
    floored = all_floors()
    print(f"owned: the 20 lists hold {listed} prospects (floor: {floored})")
    run("owned: 20 lists (recommendations_for), total", all_lists)
    run("owned: SQL floor, 20 lists, total", all_floors)
    run("owned: one list (500)", one_list(recruiters[0]))
    run("owned: SQL floor, one list", floor_for(recruiters[0], area))
    run("owned: GET /api/v1/recommendations/ (page of 20)", api)

    to_pool()
    listed = len(r.recommendations_for(recruiters[0], reader=recruiters[0]).results)
    print(f"pool: each list holds {listed} prospects (floor: {len(floor_for(recruiters[0], area)())})")
    run("pool: one list (recommendations_for)", one_list(recruiters[0]))
    run("pool: SQL floor, one list", floor_for(recruiters[0], area))
    run("pool: rank() alone, one list", rank_only(recruiters[0]))
    run("pool: GET /api/v1/recommendations/ (page of 20)", api)
    run("pool: 20 lists, total", all_lists, repeat=max(1, args.repeat // 2))
    run("pool: SQL floor, 20 lists, total", all_floors, repeat=max(1, args.repeat // 2))
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"counts": counts, "results": results, "load": load}, indent=2))


if __name__ == "__main__":
    main()
