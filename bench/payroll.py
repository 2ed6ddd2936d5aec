"""The payroll runs at scale beside their SQL floor (issue 9 §8, bench/README.md "Payroll").

Generates, with a fixed random seed, departments of one head and 19 recruiters, each with
1 000 signed merchants (a third signed during the year, some terminated in it), 1 500
terminals (a third of them on merchants that pay no service fee) and a year of monthly
terminal profit; pay profiles for everyone and a few handovers. Then times, in this
process, the monthly payroll (December), the quarterly bonus (Q4) and the year-end pool
(the year) through ``compensation.services.runs`` (``payroll_run_start`` once, then
``payroll_run_compute(force=True)``: the whole computation and the writing of the lines),
each beside its floor — one hand-written SQL statement that computes the same sums
(profit per owner and month, signings by class, shortfalls, merchant-months, churn).

The monthly run's query count is measured at two sizes (2 departments, then 10) and must
not change.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhaoshang_payroll .venv/bin/python bench/payroll.py

Options: --departments N (default 10: 10 000 merchants, 15 000 terminals, 200 staff),
--small N (default 2), --repeat N (default 7), --json FILE. The database is dropped and
created again first: never point it at real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhaoshang_payroll"
)

YEAR = 2025
MERCHANTS_PER_DEPARTMENT = 1000
SECOND_TERMINALS_PER_DEPARTMENT = 500
RECRUITERS_PER_DEPARTMENT = 19
HANDOVERS_PER_DEPARTMENT = 10
MONTH, QUARTER = f"{YEAR}-12", f"{YEAR}-Q4"


def prepare_database():
    from bench.run import prepare_database as prepare

    prepare()


def _month_starts():
    return [dt.date(YEAR, month, 1) for month in range(1, 13)]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


def generate(first: int, last: int, people: dict) -> dict:
    """Departments ``first`` .. ``last - 1``, each generated from its own seed (adding
    departments later gives the same data as generating them all at once)."""
    from decimal import Decimal

    from django.db import connection

    from compensation.models import Handover, PayProfile
    from merchants.models import Merchant, MerchantStatus, Terminal
    from workplace.models import Department
    from workplace.services import user_create

    counts = {"merchants": 0, "terminals": 0, "profits": 0, "staff": 0}
    for index in range(first, last):
        rng = random.Random(20261203 + index)
        department = Department.objects.create(code=f"recruitment{index:02d}", name=f"招商{index + 1}部")
        head = user_create(
            username=f"head{index:02d}",
            role="recruitment_head",
            password="x",
            department=department,
            manager=people["director"],
            hire_date=dt.date(YEAR - 3, 3, 1),
        )
        department.head = head
        department.save(update_fields=["head"])
        recruiters = [
            user_create(
                username=f"r{index:02d}_{number:02d}",
                role="recruiter",
                password="x",
                department=department,
                manager=head,
                # A few hired during the year (under 3 months' service at its end for two).
                hire_date=dt.date(YEAR, 11, 1) if number == 0 else dt.date(YEAR - 2, 1 + number % 12, 1),
            )
            for number in range(RECRUITERS_PER_DEPARTMENT)
        ]
        staff = [head, *recruiters]
        PayProfile.objects.bulk_create(
            [
                PayProfile(
                    user=user,
                    effective_from=dt.date(YEAR - 3, 1, 1),
                    base_salary=Decimal("8000.00" if user is head else rng.choice(["3800.00", "4000.00", "4500.00"])),
                    allowance=Decimal("500.00"),
                    position_allowance=Decimal("1500.00" if user is head else "0.00"),
                )
                for user in staff
            ]
        )
        counts["staff"] += len(staff)

        merchants = []
        for number in range(MERCHANTS_PER_DEPARTMENT):
            recruiter = recruiters[number % len(recruiters)]
            if rng.random() < 0.33:
                signed_on = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
            else:
                signed_on = dt.date(YEAR - 2, 1, 1) + dt.timedelta(days=rng.randrange(730))
            terminated_on = None
            if rng.random() < 0.06:
                terminated_on = max(signed_on, dt.date(YEAR, 1, 1)) + dt.timedelta(days=rng.randrange(60))
                terminated_on = min(terminated_on, dt.date(YEAR, 12, 31))
            merchants.append(
                Merchant(
                    name=f"阜阳商户{index:02d}{number:04d}",
                    category=rng.choice(["supermarket", "dining_entertainment", "life_services", "beauty_hair"]),
                    status=MerchantStatus.TERMINATED if terminated_on else MerchantStatus.ACTIVE,
                    recruiter=recruiter,
                    signing_recruiter=recruiter,
                    department=department,
                    signed_at=_at(signed_on),
                    signed_class=rng.choice(["I", "II", "II", "III", "III"]),
                    terminated_at=_at(terminated_on, 16) if terminated_on else None,
                )
            )
        merchants = Merchant.objects.bulk_create(merchants, batch_size=2000)
        counts["merchants"] += len(merchants)

        terminals = []
        second = set(rng.sample(range(len(merchants)), SECOND_TERMINALS_PER_DEPARTMENT))
        for number, merchant in enumerate(merchants):
            signed_on = merchant.signed_at.date()
            terminated_on = merchant.terminated_at.date() if merchant.terminated_at else None
            pays_fee = rng.random() >= 0.33
            for copy in range(2 if number in second else 1):
                installed_on = min(signed_on + dt.timedelta(days=rng.randrange(1, 20)), dt.date(YEAR, 12, 31))
                if terminated_on:
                    installed_on = min(installed_on, terminated_on)
                terminals.append(
                    Terminal(
                        merchant=merchant,
                        serial=f"B{index:02d}{number:04d}{copy}",
                        installed_on=installed_on,
                        removed_on=terminated_on,
                        pays_service_fee=pays_fee,
                    )
                )
        terminals = Terminal.objects.bulk_create(terminals, batch_size=2000)
        counts["terminals"] += len(terminals)

        # A year of profit, one row per terminal and month from its installation to its
        # removal; one in six under the POS minimum of 50. COPY: 18 000 rows a department.
        buffer = io.StringIO()
        now = dt.datetime.now(dt.UTC).isoformat()
        rows = 0
        for terminal in terminals:
            for month in _month_starts():
                if month < terminal.installed_on.replace(day=1):
                    continue
                if terminal.removed_on and terminal.removed_on < month:
                    continue
                low = rng.random() < 1 / 6
                profit = rng.uniform(0, 49.99) if low else rng.uniform(50, 420)
                buffer.write(f"{terminal.pk}\t{month.isoformat()}\t{profit:.2f}\tapi\t{now}\t{now}\n")
                rows += 1
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY compensation_profitrecord (terminal_id, month, profit, source, created_at, updated_at) "
                "FROM STDIN",
                buffer,
            )
        counts["profits"] += rows

        # Handovers in the middle of Q4 between recruiters of the department.
        movable = [m for m in merchants if m.terminated_at is None and m.signed_at.date() < dt.date(YEAR, 11, 1)]
        moved = rng.sample(movable, HANDOVERS_PER_DEPARTMENT)
        handovers = []
        ids = [recruiter.pk for recruiter in recruiters]
        for number, merchant in enumerate(moved):
            successor = recruiters[(ids.index(merchant.recruiter_id) + 1) % len(recruiters)]
            handovers.append(
                Handover(
                    merchant=merchant,
                    leaver_id=merchant.recruiter_id,
                    successor=successor,
                    effective_on=dt.date(YEAR, 11, 15),
                    keeps_maintaining=number % 5 == 0,
                    reason="benchmark",
                    recorded_by=head,
                )
            )
            merchant.recruiter = successor
        Handover.objects.bulk_create(handovers)
        Merchant.objects.bulk_update(moved, ["recruiter"])
    return counts


def people_create() -> dict:
    from workplace.services import user_create

    gm = user_create(username="gm", role="general_manager", password="x", hire_date=dt.date(YEAR - 5, 1, 1))
    director = user_create(
        username="director", role="ops_director", password="x", manager=gm, hire_date=dt.date(YEAR - 5, 1, 1)
    )
    return {"gm": gm, "director": director}


# --- the floors: one statement each -------------------------------------------------------

MONTHLY_FLOOR = """
WITH params AS (
    SELECT %(first)s::date AS first, %(last)s::date AS last
), staff AS (
    SELECT s.user_id FROM workplace_staffprofile s, params p
    WHERE (s.hire_date IS NULL OR s.hire_date <= p.last) AND (s.leave_date IS NULL OR s.leave_date >= p.first)
), profile AS (
    SELECT DISTINCT ON (pp.user_id) pp.user_id, pp.base_salary + pp.allowance + pp.position_allowance AS fixed
    FROM compensation_payprofile pp, params p WHERE pp.effective_from <= p.last
    ORDER BY pp.user_id, pp.effective_from DESC
), signings AS (
    SELECT m.signing_recruiter_id AS user_id,
           SUM(CASE m.signed_class WHEN 'I' THEN 4 WHEN 'II' THEN 2 ELSE 1 END) AS points
    FROM merchants_merchant m, params p
    WHERE m.signed_at >= (p.first::timestamp AT TIME ZONE 'Asia/Shanghai')
      AND m.signed_at < ((p.last + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      AND m.signing_recruiter_id IS NOT NULL
    GROUP BY 1
), shortfall AS (
    SELECT m.recruiter_id AS user_id, SUM(50 - COALESCE(pr.profit, 0)) AS amount, COUNT(*) AS terminals
    FROM merchants_terminal t
    JOIN merchants_merchant m ON m.id = t.merchant_id
    CROSS JOIN params p
    LEFT JOIN compensation_profitrecord pr ON pr.terminal_id = t.id AND pr.month = p.first
    WHERE NOT t.pays_service_fee
      AND date_trunc('month', t.installed_on)
          + (CASE WHEN extract(day FROM t.installed_on) = 1 THEN 2 ELSE 3 END) * interval '1 month' <= p.first
      AND (t.removed_on IS NULL OR t.removed_on > p.last)
      AND COALESCE(pr.profit, 0) < 50
    GROUP BY 1
)
SELECT staff.user_id, profile.fixed, COALESCE(signings.points, 0), COALESCE(shortfall.amount, 0)
FROM staff
LEFT JOIN profile ON profile.user_id = staff.user_id
LEFT JOIN signings ON signings.user_id = staff.user_id
LEFT JOIN shortfall ON shortfall.user_id = staff.user_id
"""

# Each merchant's profit over the period and the months of it in which it was active,
# then per owner (its recruiter): the bonus base, merchant-months, owned and terminated.
ACTIVE_MERCHANTS = """
WITH params AS (
    SELECT %(first)s::date AS first, %(last)s::date AS last
), months AS (
    SELECT generate_series(p.first, p.last, interval '1 month')::date AS month FROM params p
), active AS (
    SELECT m.id, m.recruiter_id, m.department_id,
           (m.signed_at AT TIME ZONE 'Asia/Shanghai')::date AS signed_on,
           (m.terminated_at AT TIME ZONE 'Asia/Shanghai')::date AS terminated_on
    FROM merchants_merchant m, params p
    WHERE m.signed_at < ((p.last + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      AND (m.terminated_at IS NULL OR m.terminated_at >= (p.first::timestamp AT TIME ZONE 'Asia/Shanghai'))
), profit AS (
    SELECT t.merchant_id, SUM(pr.profit) AS total
    FROM compensation_profitrecord pr JOIN merchants_terminal t ON t.id = pr.terminal_id, params p
    WHERE pr.month BETWEEN p.first AND p.last
    GROUP BY 1
), merchant_months AS (
    SELECT a.id, COUNT(*) AS months
    FROM active a JOIN months ON a.signed_on < (months.month + interval '1 month')::date
     AND (a.terminated_on IS NULL OR a.terminated_on >= months.month)
    GROUP BY 1
)
"""

QUARTERLY_FLOOR = (
    ACTIVE_MERCHANTS
    + """
SELECT a.recruiter_id, SUM(COALESCE(profit.total, 0)), SUM(COALESCE(mm.months, 0)), COUNT(*),
       COUNT(*) FILTER (WHERE a.terminated_on <= (SELECT last FROM params))
FROM active a
LEFT JOIN profit ON profit.merchant_id = a.id
LEFT JOIN merchant_months mm ON mm.id = a.id
GROUP BY 1
"""
)

YEAR_END_FLOOR = (
    ACTIVE_MERCHANTS
    + """
SELECT a.department_id, SUM(COALESCE(profit.total, 0)), SUM(COALESCE(mm.months, 0))
FROM active a
LEFT JOIN profit ON profit.merchant_id = a.id
LEFT JOIN merchant_months mm ON mm.id = a.id
WHERE a.department_id IS NOT NULL
GROUP BY 1
"""
)


def floor(sql: str, first: dt.date, last: dt.date):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, {"first": first, "last": last})
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
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(timings[-1], 1), "queries": queries}


def run_case(kind: str, period: str, people: dict):
    """The run, the whole computation (``payroll_run_compute``: read, compute, write the
    lines) and the reading and arithmetic alone (``compute_lines``, nothing written)."""
    from django.utils import timezone

    from compensation.models import CompensationRuleSet
    from compensation.services.periods import period_of
    from compensation.services.runs import _sync_pools, compute_lines, payroll_run_compute, payroll_run_start
    from workplace.rules import in_force

    run, _created = payroll_run_start(kind=kind, period=period, by=people["gm"], compute=False)

    def compute():
        payroll_run_compute(run=run, force=True)

    def lines_only():
        rules = in_force(CompensationRuleSet, on=run.ends_on)
        period_ = period_of(run.kind, run.starts_on)
        if kind == "year_end":
            # The pools are the year-end run's figures (its lines come from allocations).
            from django.db import transaction

            with transaction.atomic():
                _sync_pools(run, period_, rules)
        return compute_lines(run, period_, rules, today=timezone.localdate())

    return run, compute, lines_only


def query_shapes(fn) -> dict[str, int]:
    """How many queries of each kind ``fn`` issues (their first 60 characters)."""
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return Counter(query["sql"][:60] for query in context.captured_queries)


def cross_check(kind: str, run, rows) -> str:
    """Whether the run and its floor agree on the totals they both compute."""
    from decimal import Decimal

    from django.db.models import Sum

    from compensation.models import ItemKind, LineItem, PayrollLine, YearEndPool

    if kind == "monthly":
        points = PayrollLine.objects.filter(run=run).aggregate(p=Sum("points"))["p"] or 0
        shortfall = -(PayrollLine.objects.filter(run=run).aggregate(s=Sum("pos_shortfall"))["s"] or 0)
        floor_points = sum((row[2] for row in rows), Decimal(0))
        floor_shortfall = sum((row[3] for row in rows), Decimal(0))
        good = (Decimal(points), Decimal(shortfall)) == (floor_points, floor_shortfall)
        return f"points {points} / {floor_points}, shortfall {shortfall} / {floor_shortfall}: {'agree' if good else 'DIFFER'}"
    if kind == "quarterly":
        base = LineItem.objects.filter(line__run=run, kind=ItemKind.BONUS_MERCHANT).aggregate(s=Sum("amount"))["s"]
        floor_base = sum((row[1] for row in rows), Decimal(0))
        return f"bonus base {base} / {floor_base}: {'agree' if base == floor_base else 'DIFFER'}"
    total = YearEndPool.objects.filter(run=run).aggregate(s=Sum("total_profit"))["s"]
    floor_total = sum((row[1] for row in rows), Decimal(0))
    return f"pool profit {total} / {floor_total}: {'agree' if total == floor_total else 'DIFFER'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--departments", type=int, default=10)
    parser.add_argument("--small", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile one monthly run at full size")
    parser.add_argument("--json")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    from compensation.models import LineItem, PayrollLine, RunKind

    print(f"database: {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    prepare_database()
    people = people_create()
    results = {"sizes": [], "cases": []}

    def size_line(counts, seconds):
        return (
            f"{counts['merchants']} merchants, {counts['terminals']} terminals, {counts['profits']} profit rows, "
            f"{counts['staff']} staff (+ gm, director) in {seconds:.1f} s"
        )

    total = {"merchants": 0, "terminals": 0, "profits": 0, "staff": 0}
    monthly, shapes = {}, {}
    for size, (first, last) in (("small", (0, args.small)), ("full", (args.small, args.departments))):
        begun = time.perf_counter()
        counts = generate(first, last, people)
        total = {key: total[key] + counts[key] for key in total}
        print("generated", size_line(total, time.perf_counter() - begun))
        run, compute, lines_only = run_case(RunKind.MONTHLY, MONTH, people)
        figures = measure(compute, max(2, args.repeat // 2) if size == "small" else args.repeat)
        reading = measure(lines_only, max(2, args.repeat // 2) if size == "small" else args.repeat)
        monthly[size] = (figures, reading)
        shapes[size] = query_shapes(compute)
        results["sizes"].append(
            {"size": size, **total, "monthly": figures, "monthly_compute": reading, "lines": run.lines.count()}
        )
        print(
            f"monthly run at {size} size: {figures['median_ms']} ms, {figures['queries']} queries "
            f"(reading and computing: {reading['median_ms']} ms, {reading['queries']} queries)"
        )
    print(f"setup in {time.perf_counter() - started:.1f} s")

    december = (dt.date(YEAR, 12, 1), dt.date(YEAR, 12, 31))
    q4 = (dt.date(YEAR, 10, 1), dt.date(YEAR, 12, 31))
    year = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    cases = [
        ("monthly", RunKind.MONTHLY, MONTH, MONTHLY_FLOOR, december),
        ("quarterly", RunKind.QUARTERLY, QUARTER, QUARTERLY_FLOOR, q4),
        ("year_end", RunKind.YEAR_END, str(YEAR), YEAR_END_FLOOR, year),
    ]
    header = f"{'run':<10} {'run ms':>8} {'max':>7} {'q':>3} {'compute ms':>10} {'q':>3} {'floor ms':>8}"
    print(header + f" {'run/floor':>9} {'compute/floor':>13} {'lines':>6} {'items':>6}")
    checks = []
    for name, kind, period, sql, (first, last) in cases:
        run, compute, lines_only = run_case(kind, period, people)
        if kind == RunKind.MONTHLY:
            figures, reading = monthly["full"]
        else:
            figures, reading = measure(compute, args.repeat), measure(lines_only, args.repeat)
        floor_run = floor(sql, first, last)
        floor_figures = measure(floor_run, args.repeat)
        checks.append(f"{name}: " + cross_check(kind, run, floor_run()))
        ratio = figures["median_ms"] / floor_figures["median_ms"]
        compute_ratio = reading["median_ms"] / floor_figures["median_ms"]
        lines = PayrollLine.objects.filter(run=run).count()
        items = LineItem.objects.filter(line__run=run).count()
        results["cases"].append(
            {
                "run": name,
                **figures,
                "compute": reading,
                "floor_ms": floor_figures["median_ms"],
                "ratio": round(ratio, 2),
                "compute_ratio": round(compute_ratio, 2),
                "lines": lines,
                "items": items,
            }
        )
        print(
            f"{name:<10} {figures['median_ms']:>8} {figures['max_ms']:>7} {figures['queries']:>3} "
            f"{reading['median_ms']:>10} {reading['queries']:>3} {floor_figures['median_ms']:>8} "
            f"{ratio:>9.2f} {compute_ratio:>13.2f} {lines:>6} {items:>6}"
        )
    print("floors against the runs:", *checks, sep="\n  ")
    small, full = monthly["small"][0]["queries"], monthly["full"][0]["queries"]
    print(
        f"monthly run queries: {small} at {args.small} departments, {full} at {args.departments}"
        + (" — GROWS" if small != full else " (constant)")
    )
    for shape in sorted(set(shapes["small"]) | set(shapes["full"])):
        if shapes["small"][shape] != shapes["full"][shape]:
            print(f"  {shapes['small'][shape]} → {shapes['full'][shape]}: {shape}")
    results["monthly_queries"] = {"small": small, "full": full}
    if args.profile:
        import cProfile
        import pstats

        for kind, period in ((RunKind.MONTHLY, MONTH), (RunKind.QUARTERLY, QUARTER)):
            _run, compute, _lines_only = run_case(kind, period, people)
            profiler = cProfile.Profile()
            profiler.runcall(compute)
            print(f"--- profile: {kind} run")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), **results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
