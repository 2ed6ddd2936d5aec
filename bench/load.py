"""Side-by-side load run of the calculators against a bare DRF view (bench/README.md).

gunicorn (5 sync workers, production settings over plain http, bench/settings.py) on
PostgreSQL (its own database, emptied and migrated each run) and Redis. A Python client
on loopback (``--clients`` processes, each keeping its share of ``--connections`` busy,
a new request as soon as an answer is in; gunicorn's sync workers close the connection
after each answer, so every request is a new connection, as it would be for wrk) drives,
in alternating rounds, the bare view (same token auth and middleware, no work of its
own), the commission quote, the star calculator and the due date. Each round runs every
case once for the same time; the ratio of a case is its req/s over the bare view's of
the same round, and the report gives the median over the rounds (the machine's other
work changes from round to round; the ratio of neighbouring runs is steadier than
either rate). Any answer but 200 stops the run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhaoshang_load .venv/bin/python bench/load.py

Options: --rounds N (default 7), --seconds S per case and round (default 5), --connections
(default 16), --clients (default 2), --workers (default 5), --port (default 18765),
--json FILE (keep the figures; not committed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
LOG = Path(tempfile.gettempdir()) / "zhaoshang-load-gunicorn.log"

CASES = {
    "bare": ("POST", "/api/v1/bench/bare/", {}),
    "quote": ("POST", "/api/v1/commissions/quote/", {"category": "dining_entertainment", "prepaid_rate": "6.00"}),
    "calculate": (
        "POST",
        "/api/v1/scoring/calculate/",
        {
            "category": "dining_entertainment",
            "brand": 3,
            "decoration": "standard",
            "area_sqm": "180",
            "registered_capital": "500000",
            "staff_count": 12,
            "years_in_business": 4,
            "frequency": "high",
            "large_or_chain": False,
        },
    ),
    "due-date": ("GET", "/api/v1/calendar/due-date/?start=2026-09-30&working_days=3", None),
}


def _environment(database_url: str, redis_url: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }


def prepare(env: dict) -> str:
    """Empty and migrate the load database, create a recruiter; return their token."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import psycopg2
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise SystemExit("the load run needs PostgreSQL (BENCH_DATABASE_URL)")
    if not db["NAME"].startswith(("zhaoshang_load", "zs_")):
        raise SystemExit(f"refusing to empty {db['NAME']!r}: name the load database zhaoshang_load…")
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    call_command("migrate", verbosity=0)
    cache.clear()

    from workplace.api.tokens import issue_token
    from workplace.models import Department
    from workplace.services import user_create

    department = Department.objects.create(code="recruitment0", name="招商一部")
    recruiter = user_create(username="recruiter", role="recruiter", password="x", department=department)
    token = issue_token(recruiter)[0]
    connections.close_all()
    return token


def count_queries(token: str) -> dict:
    """Queries of one call of each case, in this process, after one warm-up call."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    counts = {}
    for name, (method, path, body) in CASES.items():
        call = (
            (lambda p=path, b=body: client.post(p, data=json.dumps(b), content_type="application/json"))
            if method == "POST"
            else (lambda p=path: client.get(p))
        )
        call()
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code == 200, (name, response.status_code, response.content[:500])
        counts[name] = len(queries)
    return counts


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is taken; pass --port")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(LOG, "w"),  # noqa: SIM115
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {LOG}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    stop(process)
    raise SystemExit(f"gunicorn did not come up; see {LOG}")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def check_answers(port: int, token: str) -> None:
    """Each case answers 200 with a body over the wire before it is measured."""
    for name, (method, path, body) in CASES.items():
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            response = urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{name}: {error.code} {error.read()[:500]!r}") from None
        with response:
            assert response.status == 200, name
            assert json.loads(response.read()), name


def _request_bytes(port: int, token: str, case: str) -> bytes:
    method, path, body = CASES[case]
    payload = json.dumps(body).encode() if body is not None else b""
    headers = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Authorization: Token {token}",
        "Accept: application/json",
        "Accept-Language: zh-hans",
    ]
    if body is not None:
        headers += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload


class _Connection:
    """One client connection: sends the request, reads one answer, then sends again on
    the same socket (keep-alive) or on a new one when the server closes (gunicorn's sync
    workers close after every answer)."""

    def __init__(self, selector, address, request):
        self.selector, self.address, self.request = selector, address, request
        self.socket = None
        self.open()

    def open(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.socket.setblocking(False)
        self.socket.connect_ex(self.address)
        self.buffer = b""
        self.selector.register(self.socket, selectors.EVENT_WRITE, self)

    def close(self):
        self.selector.unregister(self.socket)
        self.socket.close()

    def writable(self):
        self.socket.sendall(self.request)  # a few hundred bytes: fits the send buffer
        self.selector.modify(self.socket, selectors.EVENT_READ, self)

    def readable(self) -> str | None:
        """ "ok" or an error's first line once an answer is complete, else None."""
        try:
            chunk = self.socket.recv(65536)
        except ConnectionError as error:
            self.close()
            self.open()
            return f"connection error: {error!r}"
        self.buffer += chunk
        head, separator, body = self.buffer.partition(b"\r\n\r\n")
        if not separator:
            if not chunk:
                self.close()
                self.open()
                return "closed before the answer"
            return None
        lines = head.decode("latin-1").split("\r\n")
        fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        fields = {name.strip().lower(): value.strip().lower() for name, value in fields.items()}
        length = int(fields.get("content-length", "0"))
        if len(body) < length:
            if not chunk:
                self.close()
                self.open()
                return "closed in the body"
            return None
        status = lines[0]
        if fields.get("connection") == "close" or lines[0].startswith("HTTP/1.0"):
            self.close()
            self.open()
        else:
            self.buffer = b""
            self.writable()
        return "ok" if status.split(" ", 2)[1] == "200" else status


def _drive_process(address, request, connections, start_at, stop_at, results):
    selector = selectors.DefaultSelector()
    while time.time() < start_at:
        time.sleep(0.001)
    pool = [_Connection(selector, address, request) for _ in range(connections)]
    done, errors = 0, {}
    while True:
        now = time.time()
        if now >= stop_at:
            break
        for key, events in selector.select(timeout=stop_at - now):
            connection = key.data
            if events & selectors.EVENT_WRITE:
                connection.writable()
            else:
                outcome = connection.readable()
                if outcome == "ok":
                    done += 1
                elif outcome is not None:
                    errors[outcome] = errors.get(outcome, 0) + 1
    for connection in pool:
        connection.close()
    results.put((done, errors))


def drive(port: int, request: bytes, seconds: float, connections: int, processes: int) -> float:
    """Answers per second over ``seconds``: ``processes`` client processes, each with its
    share of ``connections`` kept busy (a new request as soon as an answer is in). Any
    answer but 200 stops the run."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 0.3
    shares = [connections // processes + (index < connections % processes) for index in range(processes)]
    workers = [
        context.Process(
            target=_drive_process,
            args=(("127.0.0.1", port), request, share, start_at, start_at + seconds, results),
        )
        for share in shares
        if share
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join()
    errors: dict[str, int] = {}
    for _done, failed in outcomes:
        for what, count in failed.items():
            errors[what] = errors.get(what, 0) + count
    if errors:
        raise SystemExit(f"errors under load: {errors}")
    return sum(done for done, _failed in outcomes) / seconds


def _commit() -> str:
    """The commit measured, "+" when the working tree has changes of tracked files."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], cwd=ROOT).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--clients", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (1 <= args.rounds <= 50 and 1 <= args.seconds <= 60 and 1 <= args.connections <= 256):
        raise SystemExit("keep the run bounded: rounds 1–50, seconds 1–60, connections 1–256")
    if not 1 <= args.clients <= min(16, args.connections) or not 1 <= args.workers <= 32:
        raise SystemExit("clients 1–16 (at most one per connection), workers 1–32")

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhaoshang_load")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = _environment(database_url, redis_url)
    token = prepare(env)
    queries = count_queries(token)
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    connections.close_all()

    process = start_gunicorn(env, args.port, args.workers)
    requests = {case: _request_bytes(args.port, token, case) for case in CASES}
    load_before = os.getloadavg()[0]
    rates: dict[str, list[float]] = {case: [] for case in CASES}
    try:
        check_answers(args.port, token)
        for case in CASES:  # warm-up: every worker loads its code, connects and fills its caches
            drive(args.port, requests[case], 2, args.connections, args.clients)
        for _ in range(args.rounds):
            for case in CASES:
                rates[case].append(drive(args.port, requests[case], args.seconds, args.connections, args.clients))
    finally:
        stop(process)

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": _commit(),
        # other work on the machine takes cores from the server: say how busy it was
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cores": os.cpu_count(),
        "postgresql": postgres,
        "workers": args.workers,
        "connections": args.connections,
        "clients": args.clients,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "cases": {},
    }
    print(
        f"{results['date']}, commit {results['commit']}, {results['cores']} cores, PostgreSQL {postgres}, "
        f"{args.workers} gunicorn sync workers, "
        f"{args.connections} connections from {args.clients} client processes, "
        f"{args.rounds} alternating rounds of {args.seconds:g} s per case, "
        f"load average {results['load_average_1min'][0]:.1f} before / {results['load_average_1min'][1]:.1f} after"
    )
    print(f"{'case':<10} {'median req/s':>13} {'min':>7} {'max':>7} {'median ratio':>13} {'queries':>8}")
    for case, values in rates.items():
        ratios = [value / bare for value, bare in zip(values, rates["bare"], strict=True)]
        results["cases"][case] = {
            "req_per_s": values,
            "median_req_per_s": statistics.median(values),
            "ratios": ratios,
            "median_ratio": statistics.median(ratios),
            "queries": queries[case],
        }
        print(
            f"{case:<10} {statistics.median(values):>13.0f} {min(values):>7.0f} {max(values):>7.0f} "
            f"{statistics.median(ratios):>12.0%} {queries[case]:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
