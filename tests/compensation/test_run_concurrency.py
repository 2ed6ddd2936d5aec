"""Exactly-once payroll runs against PostgreSQL (and Redis, with a real Celery worker):
two starts at the same instant make one run; a computation that dies half-way leaves
nothing half-written, and running it again completes it (SPEC.md §5.7, issue 9 §3).

Real concurrent transactions, so ``transaction=True`` and PostgreSQL only. The worker
tests run ``compensation.tasks`` in a Celery worker (``celery.contrib.testing``: the
project's app, the Redis broker of ``REDIS_URL``, a queue of their own so no other worker
takes the tasks) and are skipped only when Redis does not answer. A worker "killed"
mid-run is simulated by the computation raising after some lines are written: the
transaction is rolled back exactly as when the process dies.
"""

import datetime as dt
import threading
import uuid
from contextlib import contextmanager
from decimal import Decimal

import pytest
from celery import signals
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from compensation import tasks
from compensation.models import LineItem, PayrollLine, PayrollRun, PayrollRunStatusChange
from compensation.services import runs
from compensation.services.runs import payroll_run_recompute, payroll_run_start
from tests.factories.compensation import pay_profile, signed_merchant, terminal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

D = Decimal


@pytest.fixture
def staff(department, recruitment_head, recruiter, second_recruiter):
    """Three paid people with merchants signed in June 2026 and terminal profits in Q2."""
    people = [recruiter, second_recruiter, recruitment_head]
    for index, person in enumerate(people):
        pay_profile(person, base=f"{4000 + index}.00")
    for person in (recruiter, second_recruiter):
        merchant = signed_merchant(person, signed_on=dt.date(2026, 6, 3), merchant_class="I")
        terminal(merchant, installed_on=dt.date(2026, 6, 3), profits={"2026-06": "120.00"})
    return people


def race(calls):
    """Run each call in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 — the test reports it
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def lines_of(run):
    return dict(PayrollLine.objects.filter(run=run).values_list("staff__username", "total"))


@pytest.mark.parametrize(("kind", "period"), [("monthly", "2026-06"), ("quarterly", "2026-Q2")])
def test_two_starts_at_the_same_instant_make_one_run(staff, kind, period):
    outcomes = race([lambda: payroll_run_start(kind=kind, period=period)] * 2)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert sorted(created for _, created in outcomes) == [False, True]
    assert outcomes[0][0].pk == outcomes[1][0].pk
    run = PayrollRun.objects.get()
    assert (run.kind, run.period) == (kind, period)
    assert run.computed_at is not None
    assert PayrollRunStatusChange.objects.filter(subject=run).count() == 1
    # One line per person, computed once.
    assert (
        PayrollLine.objects.filter(run=run).values("staff").distinct().count()
        == PayrollLine.objects.filter(run=run).count()
    )
    if kind == "monthly":
        assert lines_of(run) == {
            # base + assessment pay for 4 points (−100)
            "recruiter": D("3900.00"),
            "recruiter_b": D("3901.00"),
            "head": D("4002.00"),
        }


def test_two_recomputations_at_once_are_one_after_the_other(staff):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    before = lines_of(run)

    outcomes = race([lambda: payroll_run_recompute(run=run)] * 2)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert lines_of(run) == before
    assert PayrollLine.objects.filter(run=run).count() == 3


@contextmanager
def computation_dies_after_first_line(monkeypatch, died: threading.Event | None = None):
    """``_write_lines`` writes the first person's line and its items, then the process
    'dies' (raises)."""
    write_lines = runs._write_lines

    def dying(run, lines):
        first = dict(sorted(lines.items())[:1])
        write_lines(run, first)
        assert PayrollLine.objects.filter(run=run).count() == 1  # written, not committed
        if died is not None:
            died.set()
        raise RuntimeError("worker killed mid-run")

    monkeypatch.setattr(runs, "_write_lines", dying)
    try:
        yield
    finally:
        monkeypatch.setattr(runs, "_write_lines", write_lines)


def test_a_computation_that_dies_leaves_nothing_and_the_next_start_completes_it(staff, monkeypatch):
    with computation_dies_after_first_line(monkeypatch), pytest.raises(RuntimeError):
        payroll_run_start(kind="monthly", period="2026-06")

    run = PayrollRun.objects.get()
    assert run.computed_at is None
    assert not PayrollLine.objects.filter(run=run).exists()
    assert not LineItem.objects.filter(line__run=run).exists()

    again, created = payroll_run_start(kind="monthly", period="2026-06")
    assert (again.pk, created) == (run.pk, False)
    assert again.computed_at is not None
    assert lines_of(again) == {"recruiter": D("3900.00"), "recruiter_b": D("3901.00"), "head": D("4002.00")}


def test_a_recomputation_that_dies_keeps_the_lines_it_was_replacing(staff, recruiter, monkeypatch):
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    before = lines_of(run)
    items_before = LineItem.objects.filter(line__run=run).count()
    computed_at = PayrollRun.objects.get(pk=run.pk).computed_at
    signed_merchant(recruiter, signed_on=dt.date(2026, 6, 20), merchant_class="I")  # 8 points now

    with computation_dies_after_first_line(monkeypatch), pytest.raises(RuntimeError):
        payroll_run_recompute(run=run)

    assert lines_of(run) == before
    assert LineItem.objects.filter(line__run=run).count() == items_before
    assert PayrollRun.objects.get(pk=run.pk).computed_at == computed_at

    payroll_run_recompute(run=run)
    assert lines_of(run)["recruiter"] == D("4020.00")  # 4000 + 10 × (8 − 6)


# --- a real worker ---------------------------------------------------------------------


def _redis_answers() -> bool:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return False
    try:
        import redis

        return bool(redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 — any failure means no Redis
        return False


# The real-worker tests run in a pytest process of their own (scripts/test, marker
# real_worker): in the whole suite's process a worker thread on Redis never received the
# task (state an earlier test left in the Celery app; not found yet — see the closing note).
needs_redis = pytest.mark.skipif(not _redis_answers(), reason="needs Redis at REDIS_URL")
real_worker = pytest.mark.real_worker


@pytest.fixture
def worker():
    """A Celery worker of the project's app in a thread, on Redis, consuming a queue of
    its own; ``worker.send(task, *args)`` queues a task there and waits for it to end
    (``True`` when it succeeded)."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    queue = f"zs-engine-test-{uuid.uuid4().hex}"
    finished = {}
    done = threading.Condition()

    def on_postrun(task_id=None, state=None, **kwargs):
        with done:
            # Run by the worker's thread, not eagerly in the test's.
            finished[task_id] = state if threading.current_thread() is not threading.main_thread() else "EAGER"
            done.notify_all()

    signals.task_postrun.connect(on_postrun, weak=False)
    try:
        with (
            on_redis(app),
            start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30) as running,
        ):

            def send(task, *args, timeout=60):
                result = task.apply_async(args=args, queue=queue)
                with done:
                    assert done.wait_for(lambda: result.id in finished, timeout=timeout), f"{task.name} never ran"
                assert finished[result.id] != "EAGER", "the task ran in the test's thread"
                return finished[result.id] == "SUCCESS"

            running.send = send
            yield running
    finally:
        signals.task_postrun.disconnect(on_postrun)
        connections.close_all()
        forget_queue(queue)


@contextmanager
def on_redis(app):
    """The app publishing to the Redis broker, not eagerly (as the test settings do)."""
    saved = {key: app.conf.get(key) for key in ("broker_url", "task_always_eager")}
    saved_pools = app._pool, app.amqp._producer_pool
    app.conf.broker_url = settings.REDIS_URL
    app.conf.task_always_eager = False
    # Connections and producers made for the test broker (memory://) by earlier tests are
    # not reused: a cached producer pool published there and the worker never saw it.
    app._pool = app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = saved_pools


def forget_queue(queue: str) -> None:
    """Remove the test's queue and any message of it a killed worker left unacknowledged."""
    import json

    import redis

    client = redis.from_url(settings.REDIS_URL)
    client.delete(queue)
    for tag, payload in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(payload)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@real_worker
@needs_redis
def test_a_worker_computes_a_started_run(staff, worker):
    run, created = payroll_run_start(kind="monthly", period="2026-06", compute=False)
    assert created and run.computed_at is None

    assert worker.send(tasks.compute_payroll_run, run.pk)

    run.refresh_from_db()
    assert run.computed_at is not None
    assert lines_of(run) == {"recruiter": D("3900.00"), "recruiter_b": D("3901.00"), "head": D("4002.00")}


@real_worker
@needs_redis
def test_a_worker_killed_mid_run_leaves_nothing_and_the_sweep_completes_the_run(staff, worker, monkeypatch):
    run, _ = payroll_run_start(kind="quarterly", period="2026-Q2", compute=False)
    died = threading.Event()

    with computation_dies_after_first_line(monkeypatch, died):
        assert not worker.send(tasks.compute_payroll_run, run.pk)
    assert died.is_set()

    run.refresh_from_db()
    assert run.computed_at is None
    assert not PayrollLine.objects.filter(run=run).exists()

    # The sweep leaves runs younger than two minutes to their own task; this one is older.
    PayrollRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert worker.send(tasks.compute_pending_payroll_runs)

    run.refresh_from_db()
    assert run.computed_at is not None
    # Q2: each recruiter's merchant earned 120.00 in June only (one merchant-month):
    # avg 120 → 1.2 %: 1.44.
    bonuses = dict(PayrollLine.objects.filter(run=run).values_list("staff__username", "bonus"))
    assert bonuses == {"recruiter": D("1.44"), "recruiter_b": D("1.44")}
    # And the sweep, run again, finds nothing left to do.
    assert tasks.compute_pending_payroll_runs() == 0


def test_an_approval_and_a_recomputation_at_once_do_not_deadlock(
    recruiter, recruitment_head, general_manager, monkeypatch
):
    """The general manager approves the allocation while a recomputation (after a late
    profit import) changes the pool. Both must end in an answer — the recomputation
    supersedes the allocation and the approval finds nothing left to approve, or the
    approval goes first — never a database deadlock (a 500)."""
    from compensation.models import Allocation, AllocationStatus, ProfitRecord, YearEndPool
    from compensation.services import allocation as allocation_services
    from workplace.exceptions import InvalidTransition

    merchant = signed_merchant(recruiter, signed_on=dt.date(2024, 5, 1))
    row = terminal(
        merchant, installed_on=dt.date(2024, 5, 1), profits={f"2025-{m:02d}": "100.00" for m in range(1, 13)}
    )
    run, _ = payroll_run_start(kind="year_end", period="2025")
    pool = YearEndPool.objects.get(run=run)
    allocation_services.allocation_propose(
        run=run, by=recruitment_head, shares=[{"staff": "recruiter", "amount": str(pool.pool)}]
    )
    ProfitRecord.objects.filter(terminal=row, month=dt.date(2025, 12, 1)).update(profit=D("900.00"))

    # Each holds its first lock, then both reach for the other's.
    both_locked = threading.Barrier(2, timeout=3)

    def hold(name, function):
        def wrapper(*args, **kwargs):
            if threading.current_thread().name == name:
                try:
                    both_locked.wait()
                except threading.BrokenBarrierError:
                    pass
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(allocation_services, "payroll_run_compute", hold("approve", runs.payroll_run_compute))
    monkeypatch.setattr(runs, "_sync_pools", hold("recompute", runs._sync_pools))

    outcomes = {}

    def call(name, function):
        try:
            outcomes[name] = function()
        except Exception as error:  # noqa: BLE001 — the test reports it
            outcomes[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            name="approve",
            target=call,
            args=("approve", lambda: allocation_services.allocation_approve(run=run, by=general_manager)),
        ),
        threading.Thread(name="recompute", target=call, args=("recompute", lambda: payroll_run_recompute(run=run))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    for name, outcome in outcomes.items():
        assert not isinstance(outcome, Exception) or isinstance(outcome, InvalidTransition), (name, outcome)
    pool.refresh_from_db()
    assert pool.total_profit == D("2000.00")  # the recomputation happened
    live = Allocation.objects.filter(pool=pool).exclude(status=AllocationStatus.SUPERSEDED)
    # Whichever went first, no approval stands on the old pool.
    assert not live.filter(status=AllocationStatus.APPROVED).exists() or not live.exists()


def test_two_corrections_of_a_run_at_once_post_the_difference_once(staff, recruiter, general_manager, recruitment_head):
    from compensation.models import Adjustment, ProfitRecord
    from compensation.services.runs import payroll_run_correct, payroll_run_finalize

    merchant = signed_merchant(recruiter, signed_on=dt.date(2026, 1, 5))
    row = terminal(merchant, installed_on=dt.date(2026, 1, 5), pays_service_fee=False, profits={"2026-06": "10.00"})
    run, _ = payroll_run_start(kind="monthly", period="2026-06")
    run = payroll_run_finalize(run=run, by=general_manager)
    ProfitRecord.objects.filter(terminal=row).update(profit=D("60.00"))  # the 40.00 shortfall was wrong

    outcomes = race(
        [
            lambda: payroll_run_correct(run=run, by=general_manager),
            lambda: payroll_run_correct(run=run, by=recruitment_head),
        ]
    )

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert sorted(len(outcome) for outcome in outcomes) == [0, 1]
    assert list(Adjustment.objects.values_list("staff", "amount")) == [(recruiter.pk, D("40.00"))]


# A worker process killed with SIGKILL while its computation's transaction is open: the
# worker is the project's app started by this script, whose ``_write_lines`` writes the
# first line, says so, and then waits to be killed.
WORKER_SCRIPT = """
import os, pathlib, sys, time

sys.path.insert(0, os.environ["ZS_ROOT"])
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django

django.setup()
from config.celery import app
from compensation.services import runs

marker, queue = pathlib.Path(sys.argv[1]), sys.argv[2]
write_lines = runs._write_lines


def write_and_hang(run, lines):
    write_lines(run, dict(sorted(lines.items())[:1]))
    marker.write_text("one line written, not committed")
    time.sleep(600)


runs._write_lines = write_and_hang
app.conf.broker_url = os.environ["REDIS_URL"]
app.conf.task_always_eager = False
app.worker_main(["worker", "--pool=solo", "-Q", queue, "-n", queue + "@%h", "--without-mingle",
                 "--without-gossip", "--without-heartbeat", "--loglevel=WARNING"])
"""


@real_worker
@needs_redis
def test_a_worker_process_killed_mid_run_leaves_nothing_and_the_sweep_completes_it(staff, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from config.celery import app

    run, _ = payroll_run_start(kind="monthly", period="2026-06", compute=False)
    database = connection.settings_dict
    env = {
        **os.environ,
        "ZS_ROOT": str(Path(__file__).resolve().parents[2]),
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
    }
    script, marker = tmp_path / "worker.py", tmp_path / "written"
    script.write_text(WORKER_SCRIPT)
    queue = f"zs-engine-test-{uuid.uuid4().hex}"
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 — closed below
    process = subprocess.Popen([sys.executable, str(script), str(marker), queue], env=env, stdout=log, stderr=log)
    try:
        with on_redis(app):
            tasks.compute_payroll_run.apply_async(args=(run.pk,), queue=queue)
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never computed"
            time.sleep(0.2)
        # Mid-run: a line is written in the worker's open transaction, invisible here.
        assert not PayrollLine.objects.filter(run=run).exists()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        log.close()
        forget_queue(queue)

    run.refresh_from_db()
    assert run.computed_at is None
    assert not PayrollLine.objects.filter(run=run).exists()
    assert not LineItem.objects.filter(line__run=run).exists()

    # The sweep completes it (a run younger than two minutes is left to its own task).
    PayrollRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.compute_pending_payroll_runs() == 1
    run.refresh_from_db()
    assert run.computed_at is not None
    assert lines_of(run) == {"recruiter": D("3900.00"), "recruiter_b": D("3901.00"), "head": D("4002.00")}


def test_a_proposal_and_an_approval_at_once_do_not_deadlock(recruiter, recruitment_head, general_manager):
    """The head proposes a new split while the general manager approves the last one: one
    goes first (the approval stands and the proposal is refused; or the proposal replaces
    the last one, which is then approved or found gone, 409), never a deadlock or two live
    allocations."""
    from compensation.models import Allocation, AllocationStatus, YearEndPool
    from compensation.services import allocation as allocation_services
    from workplace.exceptions import ApplicationError

    merchant = signed_merchant(recruiter, signed_on=dt.date(2024, 5, 1))
    terminal(merchant, installed_on=dt.date(2024, 5, 1), profits={f"2025-{m:02d}": "100.00" for m in range(1, 13)})
    run, _ = payroll_run_start(kind="year_end", period="2025")
    pool = YearEndPool.objects.get(run=run)
    shares = [{"staff": "recruiter", "amount": str(pool.pool)}]
    allocation_services.allocation_propose(run=run, by=recruitment_head, shares=shares)

    # Each pauses right after its first lock on the pool or the allocations.
    both_locked = threading.Barrier(2, timeout=3)

    def pausing_after(fragment):
        def wrapper(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if fragment in sql and "FOR UPDATE" in sql:
                try:
                    both_locked.wait()
                except threading.BrokenBarrierError:
                    pass
            return result

        return wrapper

    outcomes = {}

    def call(name, fragment, function):
        try:
            with connection.execute_wrapper(pausing_after(fragment)):
                outcomes[name] = function()
        except Exception as error:  # noqa: BLE001 — the test reports it
            outcomes[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=call,
            args=(
                "propose",
                'FROM "compensation_yearendpool"',
                lambda: allocation_services.allocation_propose(run=run, by=recruitment_head, shares=shares),
            ),
        ),
        threading.Thread(
            target=call,
            args=(
                "approve",
                'FROM "compensation_allocation"',
                lambda: allocation_services.allocation_approve(run=run, by=general_manager),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    for name, outcome in outcomes.items():
        assert not isinstance(outcome, Exception) or isinstance(outcome, ApplicationError), (name, outcome)
    live = list(Allocation.objects.filter(pool=pool).exclude(status=AllocationStatus.SUPERSEDED))
    assert len(live) == 1
    if live[0].status == AllocationStatus.PROPOSED:
        # The proposal went first and replaced the one being approved: the approval
        # found nothing left to approve (409), the new proposal awaits it.
        assert getattr(outcomes["approve"], "code", None) == "nothing_proposed", outcomes
        assert not PayrollLine.objects.filter(run=run).exists()
    else:
        assert live[0].status == AllocationStatus.APPROVED
        assert PayrollLine.objects.get(run=run, staff=recruiter).bonus == pool.pool
