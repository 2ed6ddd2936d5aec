"""The dashboard's summary at scale beside its floors (issue 10 §5, bench/README.md
"Dashboards").

Generates, with a fixed random seed, 5 departments of a head and 10 recruiters and
10 000 merchants (2 000 a department) over 2026 up to November: every merchant has an
application that went submitted → system check → review, one in five was sent back for
changes and resubmitted, two in three of the decided were approved (the others
rejected) and most approved ones signed (≈ 60 000 status changes); merchants signed
before or during the year, 6 % of them terminated in it; a complaint for about every
four merchants (received through the year, most closed, some open and overdue); a rate
request for every five (pending, approved or rejected, with their decision times).

Then times, in this process, ``GET /api/v1/dashboards/summary/`` (the Django test client:
URL routing, the middleware, authentication, the view and its JSON — the server's time,
no network) for the general manager (everything) and a recruiter (their 200 merchants),
over November and over the year, beside two floors: a bare API view with the same
authentication and middleware (bench/urls.py), and one hand-written SQL statement that
computes the same counts (the funnel, complaints open, merchants active and terminated,
rate requests pending and decided). Also the page, the XLSX export and the PDF report.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhaoshang_dashboards .venv/bin/python bench/dashboards.py

Options: --merchants N (default 10000), --repeat N (default 15), --profile (cProfile of
the GM's summary), --json FILE. The summary cases are measured again with PostgreSQL's
JIT off on the connection (``SET jit = off``). The database is dropped and created again first: never
point it at real data.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhaoshang_dashboards"
)

YEAR = 2026
DEPARTMENTS = 5
RECRUITERS_PER_DEPARTMENT = 10
LAST_DAY = dt.date(YEAR, 11, 30)
NOVEMBER = (dt.date(YEAR, 11, 1), LAST_DAY)
THE_YEAR = (dt.date(YEAR, 1, 1), LAST_DAY)


def _at(day: dt.date, hour: float = 10) -> dt.datetime:
    from workplace.calendar import SHANGHAI

    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI) + dt.timedelta(hours=hour)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def people_create() -> dict:
    from workplace.models import Department
    from workplace.services import user_create

    gm = user_create(username="gm", role="general_manager", password="x")
    director = user_create(username="director", role="ops_director", password="x", manager=gm)
    cs = user_create(username="cs", role="customer_service", password="x", manager=director)
    departments, recruiters = [], []
    for index in range(DEPARTMENTS):
        department = Department.objects.create(code=f"recruitment{index:02d}", name=f"招商{index + 1}部")
        head = user_create(
            username=f"head{index:02d}", role="recruitment_head", password="x", department=department, manager=director
        )
        department.head = head
        department.save(update_fields=["head"])
        departments.append(department)
        for number in range(RECRUITERS_PER_DEPARTMENT):
            recruiters.append(
                user_create(
                    username=f"r{index:02d}_{number:02d}",
                    role="recruiter",
                    password="x",
                    department=department,
                    manager=head,
                )
            )
    return {"gm": gm, "director": director, "cs": cs, "recruiters": recruiters, "head": departments[0].head}


def generate(merchant_count: int, people: dict) -> dict:
    """Merchants with their applications and status changes, complaints and rate
    requests, written in bulk (a handful of statements per 2 000 rows)."""
    from django.db import connection

    from commissions.models import RateRequest, RequestStatus
    from complaints.models import Complaint, ComplaintRuleSet, ComplaintStatus
    from merchants.models import Application, ApplicationStatus, ApplicationStatusChange, Merchant, MerchantStatus

    rng = random.Random(20261203)
    recruiters = people["recruiters"]
    departments = {r.pk: r.staff_profile.department_id for r in recruiters}
    categories = ["supermarket", "dining_entertainment", "life_services", "beauty_hair"]
    districts = ["颍州区", "颍东区", "颍泉区", "太和县", "颍上县", "临泉县", "阜南县", "界首市"]
    merchants, plans = [], []
    for number in range(merchant_count):
        recruiter = recruiters[number % len(recruiters)]
        submitted = _day(rng, dt.date(YEAR - 1, 6, 1), LAST_DAY)
        resubmitted = rng.random() < 0.2
        decided = submitted + dt.timedelta(days=rng.randrange(1, 9) + (5 if resubmitted else 0))
        outcome = None
        if decided <= LAST_DAY and rng.random() < 0.9:
            outcome = ApplicationStatus.APPROVED if rng.random() < 2 / 3 else ApplicationStatus.REJECTED
        signed = None
        if outcome == ApplicationStatus.APPROVED and rng.random() < 0.9:
            signed = min(decided + dt.timedelta(days=rng.randrange(0, 6)), LAST_DAY)
        terminated = None
        if signed and rng.random() < 0.06:
            terminated = min(signed + dt.timedelta(days=rng.randrange(20, 200)), LAST_DAY)
        status = MerchantStatus.PROSPECT
        if signed:
            status = MerchantStatus.TERMINATED if terminated else MerchantStatus.ACTIVE
        merchants.append(
            Merchant(
                name=f"阜阳商户{number:05d}",
                category=rng.choice(categories),
                district=rng.choice(districts),
                status=status,
                recruiter=recruiter,
                signing_recruiter=recruiter if signed else None,
                department_id=departments[recruiter.pk],
                signed_at=_at(signed, 15) if signed else None,
                signed_class=rng.choice(["I", "II", "II", "III", "III"]) if signed else "",
                terminated_at=_at(terminated, 16) if terminated else None,
            )
        )
        plans.append((submitted, resubmitted, decided, outcome, signed))
    merchants = Merchant.objects.bulk_create(merchants, batch_size=2000)

    applications = []
    for merchant, (submitted, _resubmitted, _decided, outcome, signed) in zip(merchants, plans, strict=True):
        status = ApplicationStatus.SIGNED if signed else (outcome or ApplicationStatus.IN_REVIEW)
        applications.append(
            Application(
                merchant=merchant,
                status=status,
                company_name=merchant.name,
                category=merchant.category,
                district=merchant.district,
                assignee=merchant.recruiter,
                submitted_at=_at(submitted),
            )
        )
    applications = Application.objects.bulk_create(applications, batch_size=2000)

    changes = []
    for application, merchant, (submitted, resubmitted, decided, outcome, signed) in zip(
        applications, merchants, plans, strict=True
    ):
        by = merchant.recruiter
        moves = [
            (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, _at(submitted, 9)),
            (ApplicationStatus.SUBMITTED, ApplicationStatus.AUTO_CHECK, _at(submitted, 9.1)),
            (ApplicationStatus.AUTO_CHECK, ApplicationStatus.IN_REVIEW, _at(submitted, 11)),
        ]
        if resubmitted:
            back = submitted + dt.timedelta(days=2)
            moves += [
                (ApplicationStatus.IN_REVIEW, ApplicationStatus.NEEDS_CHANGES, _at(submitted + dt.timedelta(days=1))),
                (ApplicationStatus.NEEDS_CHANGES, ApplicationStatus.SUBMITTED, _at(back, 9)),
                (ApplicationStatus.SUBMITTED, ApplicationStatus.AUTO_CHECK, _at(back, 9.1)),
                (ApplicationStatus.AUTO_CHECK, ApplicationStatus.IN_REVIEW, _at(back, 11)),
            ]
        if outcome:
            moves.append((ApplicationStatus.IN_REVIEW, outcome, _at(decided, 14)))
        if signed:
            moves.append((ApplicationStatus.APPROVED, ApplicationStatus.SIGNED, _at(signed, 15)))
        changes += [
            ApplicationStatusChange(
                application=application, from_status=old, to_status=new, changed_at=when, changed_by=by
            )
            for old, new, when in moves
            if when.date() <= LAST_DAY
        ]
    ApplicationStatusChange.objects.bulk_create(changes, batch_size=5000)

    # Complaints: one for about every four merchants, on signed ones, received in 2026.
    rules = ComplaintRuleSet.objects.order_by("effective_from").first() or ComplaintRuleSet.objects.create(
        effective_from=dt.date(2020, 1, 1)
    )
    signed_merchants = [m for m in merchants if m.signed_at]
    complaints = []
    for number in range(merchant_count // 4):
        merchant = rng.choice(signed_merchants)
        received_on = _day(rng, max(merchant.signed_at.date(), dt.date(YEAR, 1, 1)), LAST_DAY)
        received = _at(received_on, rng.uniform(8, 20))
        answered = received + dt.timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.95 else None
        closed = None
        if rng.random() < 0.8:
            closed = received + dt.timedelta(days=rng.uniform(2, 15))
            if closed.date() > LAST_DAY:
                closed = None
        status = ComplaintStatus.RECEIVED
        if closed:
            status = ComplaintStatus.CLOSED if rng.random() < 0.85 else ComplaintStatus.CLOSED_INVALID
        elif answered:
            status = rng.choice([ComplaintStatus.INVESTIGATING, ComplaintStatus.AWAITING_SOLUTION])
        complaints.append(
            Complaint(
                number=f"TS{YEAR}{number:06d}",
                merchant=merchant,
                type="service_quality",
                description="收银员态度恶劣",
                status=status,
                received_at=received,
                received_by=people["cs"],
                rules=rules,
                first_response_at=answered,
                closed_at=closed,
                reply_due=received + dt.timedelta(days=3),
                solution_due=received + dt.timedelta(days=6) if status == ComplaintStatus.AWAITING_SOLUTION else None,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=2000)

    # Rate requests: one for every five merchants; ``created_at`` (auto_now_add) set after.
    requests, created = [], []
    for number in range(merchant_count // 5):
        merchant = merchants[(number * 5) % len(merchants)]
        made = _at(_day(rng, dt.date(YEAR, 1, 1), LAST_DAY), rng.uniform(8, 18))
        roll = rng.random()
        status, closed = RequestStatus.PENDING, None
        if roll < 0.15:
            status = RequestStatus.NOT_REQUIRED
        elif roll < 0.85:
            status = RequestStatus.APPROVED if rng.random() < 0.75 else RequestStatus.REJECTED
            closed = made + dt.timedelta(hours=rng.uniform(1, 120))
            if closed.date() > LAST_DAY:
                status, closed = RequestStatus.PENDING, None
        requests.append(
            RateRequest(
                kind="prepaid",
                merchant=merchant,
                department_id=merchant.department_id,
                category=merchant.category,
                required_role="recruitment_head",
                reason="benchmark",
                status=status,
                requested_by=merchant.recruiter,
                closed_at=closed,
            )
        )
        created.append(made)
    requests = RateRequest.objects.bulk_create(requests, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commissions_raterequest r SET created_at = v.created_at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created_at) WHERE r.id = v.id",
            [[r.pk for r in requests], created],
        )
        cursor.execute("ANALYZE")
    return {
        "merchants": len(merchants),
        "status_changes": len(changes),
        "complaints": len(complaints),
        "rate_requests": len(requests),
    }


# --- the floor: the same counts in one statement --------------------------------------------

FLOOR = """
WITH p AS (
    SELECT (%(first)s::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS since,
           ((%(last)s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS until,
           %(recruiter)s::bigint AS recruiter
)
SELECT
  (SELECT ARRAY[
      COUNT(DISTINCT c.application_id) FILTER (WHERE c.to_status = 'submitted'),
      COUNT(DISTINCT c.application_id) FILTER (WHERE c.to_status = 'in_review'),
      COUNT(DISTINCT c.application_id) FILTER (WHERE c.to_status = 'approved'),
      COUNT(DISTINCT c.application_id) FILTER (WHERE c.to_status = 'rejected'),
      COUNT(DISTINCT c.application_id) FILTER (WHERE c.to_status = 'signed')]
   FROM merchants_applicationstatuschange c
   JOIN merchants_application a ON a.id = c.application_id
   JOIN merchants_merchant m ON m.id = a.merchant_id, p
   WHERE c.changed_at >= p.since AND c.changed_at < p.until
     AND (p.recruiter IS NULL OR m.recruiter_id = p.recruiter)) AS funnel,
  (SELECT ARRAY[
      COUNT(*) FILTER (WHERE k.received_at < p.until AND (k.closed_at IS NULL OR k.closed_at >= p.until)),
      COUNT(*) FILTER (WHERE k.closed_at >= p.since AND k.closed_at < p.until)]
   FROM complaints_complaint k JOIN merchants_merchant m ON m.id = k.merchant_id, p
   WHERE p.recruiter IS NULL OR m.recruiter_id = p.recruiter) AS complaints,
  (SELECT ARRAY[
      COUNT(*) FILTER (WHERE m.signed_at < p.since AND (m.terminated_at IS NULL OR m.terminated_at >= p.since)),
      COUNT(*) FILTER (WHERE m.terminated_at >= p.since AND m.terminated_at < p.until)]
   FROM merchants_merchant m, p
   WHERE p.recruiter IS NULL OR m.recruiter_id = p.recruiter) AS churn,
  (SELECT ARRAY[
      COUNT(*) FILTER (WHERE r.status <> 'not_required' AND r.created_at < p.until
                       AND (r.closed_at IS NULL OR r.closed_at >= p.until)),
      COUNT(*) FILTER (WHERE r.status = 'approved' AND r.closed_at >= p.since AND r.closed_at < p.until),
      COUNT(*) FILTER (WHERE r.status = 'rejected' AND r.closed_at >= p.since AND r.closed_at < p.until)]
   FROM commissions_raterequest r JOIN merchants_merchant m ON m.id = r.merchant_id, p
   WHERE p.recruiter IS NULL OR m.recruiter_id = p.recruiter OR r.requested_by_id = p.recruiter) AS requests
"""


def floor(first: dt.date, last: dt.date, recruiter=None):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR, {"first": first, "last": last, "recruiter": recruiter.pk if recruiter else None})
            return cursor.fetchone()

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


def cross_check(body: dict, row) -> str:
    """Whether the summary API and the floor agree on the counts both compute."""
    funnel, complaints, churn, requests = row
    api = [body["funnel"][stage] for stage in ("submitted", "in_review", "approved", "rejected", "signed")]
    api_requests = [body["rate_requests"][key] for key in ("pending", "approved", "rejected")]
    good = api == list(funnel) and body["complaints"]["open"] == complaints[0] and api_requests == list(requests)
    return f"funnel {api} / {list(funnel)}, rate requests {api_requests} / {list(requests)}: " + (
        "agree" if good else "DIFFER"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--merchants", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="cProfile the GM's summary over the year")
    parser.add_argument("--json")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.test import Client
    from django.urls import clear_url_caches

    from bench.run import prepare_database

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"  # the product's routes plus the bare view
    clear_url_caches()

    print(f"database: {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    prepare_database()
    people = people_create()
    counts = generate(args.merchants, people)
    print(
        "generated "
        + ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
        + f" in {time.perf_counter() - started:.1f} s"
    )

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    gm, recruiter = people["gm"], people["recruiters"][0]
    clients = {"GM": client_for(gm), "recruiter": client_for(recruiter)}

    def get(who: str, url: str, params=None):
        client = clients[who]

        def run():
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code, response.content[:200])
            return response

        return run

    periods = {"November": NOVEMBER, "2026 to November": THE_YEAR}
    cases = [("bare API view (GM)", get("GM", "/api/v1/bench/bare/"))]
    checks = []
    for label, (first, last) in periods.items():
        params = {"from": first.isoformat(), "to": last.isoformat()}
        for who, user in (("GM", gm), ("recruiter", recruiter)):
            summary = get(who, "/api/v1/dashboards/summary/", params)
            cases.append((f"summary API ({who}, {label})", summary))
            sql = floor(first, last, None if who == "GM" else user)
            cases.append((f"SQL floor ({who}, {label})", sql))
            checks.append(f"{who}, {label}: " + cross_check(summary().json(), sql()))
    november = {"from": NOVEMBER[0].isoformat(), "to": NOVEMBER[1].isoformat()}
    cases += [
        ("page /dashboards/ (GM, November)", get("GM", "/dashboards/", november)),
        ("page /dashboards/ (recruiter, November)", get("recruiter", "/dashboards/", november)),
        ("XLSX export (GM, November)", get("GM", "/dashboards/export.xlsx", november)),
        ("PDF report (GM, November)", get("GM", "/dashboards/report.pdf", {"month": "2026-11"})),
    ]
    results = []
    print(f"{'case':<44} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for name, fn in cases:
        repeat = max(3, args.repeat // 3) if "PDF" in name else args.repeat
        result = {"case": name, **measure(fn, repeat)}
        results.append(result)
        print(f"{name:<44} {result['median_ms']:>10} {result['p90_ms']:>8} {result['queries']:>8}")
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: the
    # cycle time's correlated first-submission subquery does, and compiling costs more
    # than running it. The same summaries with JIT off on this connection:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    for name, fn in cases:
        if name.startswith("summary API"):
            result = {"case": name + " — jit off", **measure(fn, args.repeat)}
            results.append(result)
            print(f"{result['case']:<44} {result['median_ms']:>10} {result['p90_ms']:>8} {result['queries']:>8}")
    with connection.cursor() as cursor:
        cursor.execute("RESET jit")
    print("summary API against the floor:", *checks, sep="\n  ")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        year = {"from": THE_YEAR[0].isoformat(), "to": THE_YEAR[1].isoformat()}
        profiler.runcall(get("GM", "/api/v1/dashboards/summary/", year))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"args": vars(args), **counts, "results": results, "checks": checks}, indent=2, ensure_ascii=False
            )
        )


if __name__ == "__main__":
    main()
