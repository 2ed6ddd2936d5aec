"""The settling job at scale beside its SQL floor (issue 11 §6, bench/README.md "Settlement").

Generates, with a fixed random seed, signed merchants in the five categories — most signed
long before the period, one in twenty inside the launch promotion's window (half
commission), a fifth with an agreed prepaid rate, a quarter of those changing it in the middle
of the period, about one in seven rated grade A for the month (5 % less) — and 30 days
of prepaid-card consumption (June 2026), one transaction per merchant and day (COPY). Then
times, in this process, one run of ``settlement.services.settling.settle`` over the whole
month (every statement built, priced and closed: one statement per merchant and day, one
line per transaction), beside two floors:

* read: one SQL aggregate of the same transactions per merchant and day (what any job must
  read);
* write: the same statements and lines written by SQL alone (``INSERT … SELECT`` grouped per
  merchant and day into copies of the two tables, then their figures by one ``UPDATE``),
  with the category standard as the only rate (no agreed rates, promotion or grades).

The run is checked against a third statement that prices every merchant-day by SPEC.md §8
in SQL (agreed rate else standard, halved by the promotion, less grade A's discount,
rounded once per statement): count, gross and commission must agree to the fen.

Query count at two sizes (--small merchants, then --merchants): fixed steps plus one
INSERT per 5 000 statements and per 5 000 lines (the bulk writes' batches).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhaoshang_settlement .venv/bin/python bench/settlement.py

Options: --merchants N (default 10 000), --days N (default 30), --small N (default 1 000),
--repeat N (default 3; the statements are emptied between runs), --json FILE. The database
is dropped and created again first: never point it at real data.
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
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhaoshang_settlement"
)

FIRST_DAY = dt.date(2026, 6, 1)
CATEGORIES = ["supermarket", "dining_entertainment", "life_services", "leisure_fitness", "beauty_hair"]


def prepare_database():
    from bench.run import prepare_database as prepare

    prepare()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    from workplace.calendar import SHANGHAI

    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def people_create() -> dict:
    from workplace.services import user_create

    gm = user_create(username="gm", role="general_manager", password="x", hire_date=dt.date(2020, 1, 1))
    return {"gm": gm}


def generate(first: int, last: int, days: int, people: dict) -> dict:
    """Merchants ``first`` .. ``last - 1`` with their rates, grades and ``days`` days of
    transactions, each block from its own seed (adding merchants later gives the same data
    as generating them all at once)."""
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from commissions.models import MerchantRate, RateRequest, RequestStatus
    from merchants.models import Merchant, MerchantStatus
    from settlement.models import CreditRating, CreditRuleSet

    rng = random.Random(20261204 + first)
    last_day = FIRST_DAY + dt.timedelta(days=days - 1)
    merchants = []
    for number in range(first, last):
        promoted = rng.random() < 0.05
        signed_on = (
            dt.date(2026, 4, 1) + dt.timedelta(days=rng.randrange(60))
            if promoted
            else dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
        )
        merchants.append(
            Merchant(
                name=f"阜阳结算商户{number:05d}",
                category=rng.choice(CATEGORIES),
                status=MerchantStatus.ACTIVE,
                signed_at=_at(signed_on),
                signed_class=rng.choice(["I", "II", "III"]),
            )
        )
    merchants = Merchant.objects.bulk_create(merchants, batch_size=2000)

    agreed = [m for m in merchants if rng.random() < 0.2]
    requests = RateRequest.objects.bulk_create(
        [
            RateRequest(
                merchant=merchant,
                category=merchant.category,
                proposed_rate=Decimal(rng.choice(["3.5000", "4.2500", "5.0000", "6.1250"])),
                required_role="recruiter",
                reason="benchmark",
                status=RequestStatus.APPROVED,
                requested_by=people["gm"],
            )
            for merchant in agreed
        ],
        batch_size=2000,
    )
    rates = [
        MerchantRate(
            merchant=request.merchant,
            kind="prepaid",
            rate=request.proposed_rate,
            effective_from=dt.date(2025, 1, 1),
            request=request,
        )
        for request in requests
    ]
    changing = [request for request in requests if rng.random() < 0.25]  # a new rate from the 16th
    changes = RateRequest.objects.bulk_create(
        [
            RateRequest(
                merchant=request.merchant,
                category=request.category,
                proposed_rate=request.proposed_rate - Decimal("0.5000"),
                required_role="recruiter",
                reason="benchmark: a new rate from the 16th",
                status=RequestStatus.APPROVED,
                requested_by=people["gm"],
            )
            for request in changing
        ],
        batch_size=2000,
    )
    rates += [
        MerchantRate(
            merchant=request.merchant,
            kind="prepaid",
            rate=request.proposed_rate,
            effective_from=FIRST_DAY + dt.timedelta(days=15),
            request=request,
        )
        for request in changes
    ]
    MerchantRate.objects.bulk_create(rates, batch_size=2000)

    rules = CreditRuleSet.objects.order_by("effective_from").first()
    now = timezone.now()
    CreditRating.objects.bulk_create(
        [
            CreditRating(
                merchant=merchant,
                as_of=FIRST_DAY,
                score=92 if grade_a else 84,
                grade="A" if grade_a else "B",
                factors=[{"code": "start", "count": 1, "points": 92 if grade_a else 84}],
                rule_set=rules,
                computed_at=now,
            )
            for merchant in merchants
            for grade_a in [rng.random() < 0.15]
        ],
        batch_size=2000,
    )

    buffer = io.StringIO()
    stamp = now.isoformat()
    rows = 0
    for merchant in merchants:
        day = FIRST_DAY
        while day <= last_day:
            cents = rng.randrange(5_000, 600_000)
            buffer.write(
                f"{merchant.pk}\t{day.isoformat()}\t{cents // 100}.{cents % 100:02d}\tB{merchant.pk}-{day:%m%d}\t{stamp}\n"
            )
            rows += 1
            day += dt.timedelta(days=1)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY settlement_cardtransaction (merchant_id, date, amount, reference, created_at) FROM STDIN", buffer
        )
        cursor.execute(
            "ANALYZE settlement_cardtransaction; ANALYZE merchants_merchant; ANALYZE commissions_merchantrate"
        )
    return {"merchants": len(merchants), "agreed": len(requests), "changes": len(changes), "transactions": rows}


def empty_statements():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE settlement_statementline, settlement_statement")


class QueryCounter:
    """Counts queries by their first 60 characters, without keeping their text (the bulk
    inserts' SQL is large)."""

    def __init__(self):
        from collections import Counter

        self.count = 0
        self.shapes = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.shapes[" ".join(sql.split())[:60]] += 1
        return execute(sql, params, many, context)


def settle_once(last_day: dt.date, *, profile: bool = False) -> tuple[float, QueryCounter, object]:
    from django.db import connection

    from settlement.services import settling

    counter = QueryCounter()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        if profiler:
            result = profiler.runcall(settling.settle, through=last_day)
        else:
            result = settling.settle(through=last_day)
        seconds = time.perf_counter() - start
    if profiler:
        import pstats

        print("--- profile of one settle run")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return seconds, counter, result


READ_FLOOR = """
SELECT merchant_id, date, SUM(amount), COUNT(*)
FROM settlement_cardtransaction WHERE date BETWEEN %(first)s AND %(last)s
GROUP BY 1, 2
"""

WRITE_FLOOR = [
    "CREATE TEMP TABLE floor_statement (LIKE settlement_statement INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP",
    "CREATE TEMP TABLE floor_line (LIKE settlement_statementline INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP",
    "CREATE TEMP SEQUENCE floor_statement_id",
    "ALTER TABLE floor_statement ALTER COLUMN id SET DEFAULT nextval('floor_statement_id')",
    "CREATE TEMP SEQUENCE floor_line_id",
    "ALTER TABLE floor_line ALTER COLUMN id SET DEFAULT nextval('floor_line_id')",
    """
    INSERT INTO floor_statement (merchant_id, period_start, period_end, gross, commission, net, payable_on, status,
                                 promotion_applied, discount_applied, created_at, held_for, hold_note)
    SELECT t.merchant_id, t.date, t.date, 0, 0, 0, t.date + 15, 'open', false, false, now(), '', ''
    FROM settlement_cardtransaction t WHERE t.date BETWEEN %(first)s AND %(last)s
    GROUP BY t.merchant_id, t.date
    """,
    """
    INSERT INTO floor_line (statement_id, kind, day, amount, rate, transaction_id)
    SELECT s.id, 'transaction', t.date, t.amount, c.prepaid_commission, t.id
    FROM settlement_cardtransaction t
    JOIN floor_statement s ON s.merchant_id = t.merchant_id AND s.period_start = t.date
    JOIN merchants_merchant m ON m.id = t.merchant_id
    JOIN LATERAL (
        SELECT prepaid_commission FROM commissions_commissionstandard cs
        WHERE cs.category = m.category AND cs.effective_from <= t.date ORDER BY cs.effective_from DESC LIMIT 1
    ) c ON true
    WHERE t.date BETWEEN %(first)s AND %(last)s
    """,
    "ANALYZE floor_statement",
    "ANALYZE floor_line",
    """
    UPDATE floor_statement s SET gross = x.gross, commission = round(x.raw, 0) / 100,
                                 net = x.gross - round(x.raw, 0) / 100, status = 'payable'
    FROM (SELECT statement_id, SUM(amount) AS gross, SUM(amount * rate) AS raw FROM floor_line GROUP BY 1) x
    WHERE s.id = x.statement_id
    """,
]

# SPEC.md §8 in one statement: each merchant-day priced at the agreed rate in force on the
# day, else its category's standard, halved in the promotion's months, less grade A's 5 %.
PRICED = """
WITH rules AS (
    SELECT promotion_window_from AS wfrom, promotion_window_to AS wto, promotion_months AS months,
           promotion_factor AS factor, grade_a_discount AS discount
    FROM settlement_settlementruleset WHERE effective_from <= %(first)s ORDER BY effective_from DESC LIMIT 1
), priced AS (
    SELECT t.merchant_id, t.date, t.amount,
           round(
             COALESCE(
               (SELECT r.rate FROM commissions_merchantrate r
                 WHERE r.merchant_id = t.merchant_id AND r.kind = 'prepaid' AND r.effective_from <= t.date
                 ORDER BY r.effective_from DESC, r.id DESC LIMIT 1),
               (SELECT cs.prepaid_commission FROM commissions_commissionstandard cs
                 WHERE cs.category = m.category AND cs.effective_from <= t.date
                 ORDER BY cs.effective_from DESC LIMIT 1))
             * CASE WHEN (m.signed_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN rules.wfrom AND rules.wto
                     AND t.date < ((m.signed_at AT TIME ZONE 'Asia/Shanghai')::date
                                   + make_interval(months => rules.months))::date
                    THEN rules.factor ELSE 1 END
             * CASE WHEN g.grade = 'A' THEN 1 - rules.discount ELSE 1 END, %(places)s) AS rate
    FROM settlement_cardtransaction t
    JOIN merchants_merchant m ON m.id = t.merchant_id
    CROSS JOIN rules
    LEFT JOIN LATERAL (
        SELECT grade FROM settlement_creditrating c
        WHERE c.merchant_id = t.merchant_id AND c.as_of <= t.date ORDER BY c.as_of DESC LIMIT 1
    ) g ON true
    WHERE t.date BETWEEN %(first)s AND %(last)s
), days AS (
    SELECT merchant_id, date, SUM(amount) AS gross, round(SUM(amount * rate), 0) / 100 AS commission
    FROM priced GROUP BY 1, 2
)
SELECT COUNT(*), SUM(gross), SUM(commission) FROM days
"""


def floor_read(first, last):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(READ_FLOOR, {"first": first, "last": last})
            return cursor.fetchall()

    return run


def floor_write(first, last):
    from django.db import connection, transaction

    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in WRITE_FLOOR:
                cursor.execute(sql, {"first": first, "last": last})
            transaction.set_rollback(True)

    return run


def timed(fn, repeat: int) -> dict:
    fn()  # warm-up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def cross_check(first, last) -> tuple[str, bool]:
    from django.db import connection
    from django.db.models import Count, Sum

    from settlement.models import RATE_DECIMALS, Statement, StatementLine

    figures = Statement.objects.filter(period_start__range=(first, last)).aggregate(
        n=Count("id"), gross=Sum("gross"), commission=Sum("commission")
    )
    with connection.cursor() as cursor:
        cursor.execute(PRICED, {"first": first, "last": last, "places": RATE_DECIMALS})
        count, gross, commission = cursor.fetchone()
    lines = StatementLine.objects.count()
    good = (figures["n"], figures["gross"], figures["commission"]) == (count, gross, commission)
    text = (
        f"statements {figures['n']} / {count}, lines {lines}, gross {figures['gross']} / {gross}, "
        f"commission {figures['commission']} / {commission}: {'agree' if good else 'DIFFER'}"
    )
    return text, good


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--merchants", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the last run at full size")
    parser.add_argument("--json")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    from settlement.models import Statement, StatementLine

    print(f"database: {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    prepare_database()
    people = people_create()
    last_day = FIRST_DAY + dt.timedelta(days=args.days - 1)
    results = {"sizes": []}
    shapes = {}
    total = {"merchants": 0, "agreed": 0, "changes": 0, "transactions": 0}
    for size, (first, last) in (("small", (0, args.small)), ("full", (args.small, args.merchants))):
        begun = time.perf_counter()
        counts = generate(first, last, args.days, people)
        total = {key: total[key] + counts[key] for key in total}
        print(
            f"generated {total['merchants']} merchants ({total['agreed']} with an agreed rate, {total['changes']} "
            f"changing it on the 16th), {total['transactions']} transactions in {time.perf_counter() - begun:.1f} s"
        )
        runs = []
        # The small size twice: the first run is cold (the dated rules' cache, the calendar).
        repeat = 2 if size == "small" else args.repeat
        for number in range(repeat):
            empty_statements()
            profile = args.profile and size == "full" and number == repeat - 1
            runs.append(settle_once(last_day, profile=profile))
        seconds = statistics.median(run[0] for run in runs)
        queries = runs[-1][1].count
        shapes[size] = runs[-1][1].shapes
        result = runs[-1][2]
        statements, lines = Statement.objects.count(), StatementLine.objects.count()
        batches = -(-statements // 5000) + -(-lines // 5000)
        again, again_counter, _result = settle_once(last_day)
        again_queries = again_counter.count
        entry = {
            "size": size,
            **total,
            "settle_s": round(seconds, 2),
            "settle_max_s": round(max(run[0] for run in runs), 2),
            "queries": queries,
            "insert_batches": batches,
            "fixed_queries": queries - batches,
            "statements": statements,
            "lines": lines,
            "closed": result.closed,
            "rerun_ms": round(again * 1000, 1),
            "rerun_queries": again_queries,
        }
        results["sizes"].append(entry)
        print(
            f"settle at {size} size: {seconds:.2f} s (max {entry['settle_max_s']} s over {repeat}), {queries} queries "
            f"({batches} insert batches + {queries - batches}), {statements} statements, {lines} lines; "
            f"a second run {entry['rerun_ms']} ms, {again_queries} queries"
        )
    print(f"setup and runs in {time.perf_counter() - started:.1f} s")

    check, good = cross_check(FIRST_DAY, last_day)
    read = timed(floor_read(FIRST_DAY, last_day), args.repeat)
    write = timed(floor_write(FIRST_DAY, last_day), args.repeat)
    full = results["sizes"][-1]
    results["floors"] = {"read": read, "write": write}
    results["check"] = {"text": check, "agree": good}
    print(f"read floor (aggregate per merchant-day): {read['median_ms']} ms")
    print(f"write floor (statements and lines by INSERT … SELECT, figures by UPDATE): {write['median_ms']} ms")
    print(
        f"settle / write floor: {full['settle_s'] * 1000 / write['median_ms']:.1f}×, "
        f"settle / read floor: {full['settle_s'] * 1000 / read['median_ms']:.1f}×"
    )
    print("priced by SQL against the run:", check)
    small, big = results["sizes"][0]["fixed_queries"], full["fixed_queries"]
    print(
        f"queries besides the insert batches: {small} at {args.small} merchants, {big} at {args.merchants}"
        + (" — GROWS" if small != big else " (constant)")
    )
    for shape in sorted(set(shapes["small"]) | set(shapes["full"])):
        if shapes["small"][shape] != shapes["full"][shape]:
            print(f"  {shapes['small'][shape]} → {shapes['full'][shape]}: {shape}")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), **results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
