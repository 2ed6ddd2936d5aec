"""Load run against gunicorn at scale (issue 13 item 3; bench/README.md "Load").

Data (its own database, DATABASE_URL, default postgres://…/zs_load; migrated here and
generated once, then topped up): ``--merchants`` merchants spread over districts,
categories, statuses and 10 departments of recruiters, users of each role with API
tokens, ``--requests`` pending rate requests, ``--applications`` draft applications ready
to submit (profile complete, documents on file) and ``--complaints`` received complaints
ready for investigation (both consumed by a run, topped up by the next), pay profiles,
signings, terminals and profits for a monthly payroll run.

Then gunicorn (config.wsgi, DJANGO_SETTINGS_MODULE=bench.load_settings, ``-w`` 2 × cores,
DEBUG off, static collected into a temp STATIC_ROOT, REDIS_URL set) and one Celery worker,
driven by wrk (``--connections`` 64, ``--duration`` s each): every case runs right after the
floor view (bench/load_urls.py, a bare DRF view with the API's authentication and
permissions; the same method and body as the case) for the same time, and is reported as a
ratio of the floor's requests/s. A
monthly payroll run goes to the worker at the start of the merchant list's run; the table
says how long it took. The lists are also run at ``--low-connections`` (default: the
number of gunicorn workers), where latency is the service time rather than the queue.

    .venv/bin/python bench/load.py --merchants 100000

Options: --merchants N (100000), --applications N (4000), --complaints N (4000),
--requests N (2000), --duration S (20), --connections N (64), --low-connections N
(workers), --threads N (wrk threads, 2), --workers N (2 × cores), --port N (18790),
--cases a,b (only those), --generate-only, --json FILE, --index-probe (an index on the
merchant list's order for this run only, dropped after). DATABASE_URL names the database
(it must be called zs_load… or zhaoshang_load…), BENCH_REDIS_URL the Redis database
(redis://127.0.0.1:6379/5; its queue is purged and its cache cleared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "zhaoshang-load"
PREFIX = "负载商户"
PROBES = 2
PROBE_INDEX = "bench_load_probe_merchant_order"
SECRET_KEY = "bench-load-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DISTRICTS = ["颍州区", "颍东区", "颍泉区", "太和县", "颍上县", "临泉县", "阜南县", "界首市"]
DISTRICT_WEIGHTS = [22, 14, 12, 14, 12, 10, 8, 8]
DEPARTMENTS = 10
RECRUITERS_PER_DEPARTMENT = 10

LUA = r"""
-- wrk script of bench/load.py: args = method, path ("{id}" replaced), token, body ("" none),
-- ids file ("" none: "<id> [token]" a line, each used once, split between threads), threads
local counter = 1
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  method, template, token = args[1], args[2], args[3]
  body = args[4] ~= "" and args[4] or nil
  local nthreads = tonumber(args[6])
  ids, pos, exhausted = {}, 1, 0
  if args[5] ~= "" then
    local i = 0
    for line in io.lines(args[5]) do
      if i % nthreads == tid - 1 then
        local id, tok = line:match("^(%S+)%s*(%S*)$")
        table.insert(ids, {id, tok})
      end
      i = i + 1
    end
  end
end
function request()
  local path, key = template, token
  if #ids > 0 then
    local entry = ids[pos]
    if entry == nil then
      exhausted = exhausted + 1
      entry = ids[#ids]
    else
      pos = pos + 1
    end
    path = template:gsub("{id}", entry[1])
    if entry[2] ~= "" then key = entry[2] end
  end
  local headers = {["Authorization"] = "Token " .. key, ["Accept"] = "application/json",
                   ["Accept-Language"] = "zh-hans"}
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end
function done(summary, latency, requests)
  local ex = 0
  for _, t in ipairs(threads) do ex = ex + (t:get("exhausted") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"mean": %.1f, "exhausted": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, ex))
end
"""


# ---------------------------------------------------------------------------------------
# environment


def environment(database_url: str, redis_url: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "*",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        # as production.py and docker-compose run it: a worker keeps its connection
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }


def create_database(database_url: str) -> None:
    import psycopg2

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    if not name.startswith(("zs_load", "zhaoshang_load")):
        raise SystemExit(f"refusing to use {name!r}: name the load database zs_load…")
    base = database_url.rsplit("/", 1)[0]
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


# ---------------------------------------------------------------------------------------
# data


def staff(user_create, Department):
    """The staff: GM, director, customer service, 10 recruitment departments of a head and
    10 recruiters, and a quality department (the complaints' responsible person)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username="load_gm").exists():
        return
    gm = user_create(username="load_gm", role="general_manager", password=None)
    director = user_create(username="load_director", role="ops_director", password=None, manager=gm)
    user_create(username="load_cs", role="customer_service", password=None)
    for index in range(DEPARTMENTS):
        department = Department.objects.create(code=f"load{index}", name=f"招商{index + 1}部")
        head = user_create(
            username=f"load_head{index}",
            role="recruitment_head",
            password=None,
            department=department,
            manager=director,
        )
        department.head = head
        department.save(update_fields=["head"])
        for number in range(RECRUITERS_PER_DEPARTMENT):
            user_create(
                username=f"load_recruiter{index}_{number}",
                role="recruiter",
                password=None,
                department=department,
                manager=head,
            )
    quality = Department.objects.create(code="load_quality", name="品控部")
    quality_head = user_create(username="load_quality_head", role="dept_head", password=None, department=quality)
    quality.head = quality_head
    quality.save(update_fields=["head"])
    user_create(
        username="load_quality_staff", role="dept_head", password=None, department=quality, manager=quality_head
    )


def merchants(count: int, rng: random.Random) -> None:
    """``count`` merchants (bulk), most active, a quarter prospects, some suspended or
    terminated; a small share signed last month (the payroll's signing points) and
    terminals with three months of profit on a fifth of the active ones."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from compensation.models import ProfitRecord
    from merchants.checks import complete_uscc
    from merchants.models import Category, Merchant, MerchantClass, MerchantStatus, Segment, Terminal

    existing = Merchant.objects.filter(name__startswith=PREFIX).count()
    if existing >= count:
        return
    recruiters = list(
        get_user_model()
        .objects.filter(username__startswith="load_recruiter")
        .select_related("staff_profile__department")
        .order_by("pk")
    )
    tz = timezone.get_default_timezone()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    categories = list(Category.values)
    statuses = (
        [MerchantStatus.ACTIVE] * 13
        + [MerchantStatus.PROSPECT] * 5
        + [MerchantStatus.SUSPENDED]
        + [MerchantStatus.TERMINATED]
    )
    batch = []
    for number in range(existing, count):
        status = rng.choice(statuses)
        unassigned = status == MerchantStatus.PROSPECT and rng.random() < 0.2
        recruiter = None if unassigned else recruiters[rng.randrange(len(recruiters))]
        district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        signed_at = terminated_at = None
        if status != MerchantStatus.PROSPECT:
            day = (
                last_month + dt.timedelta(days=rng.randrange(28))
                if rng.random() < 0.03
                else dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange((last_month - dt.date(2024, 1, 1)).days))
            )
            signed_at = dt.datetime.combine(day, dt.time(10), tzinfo=tz)
            if status == MerchantStatus.TERMINATED:
                terminated_at = signed_at + dt.timedelta(days=rng.randrange(30, 300))
        batch.append(
            Merchant(
                name=f"{PREFIX}{number:06d}",
                category=rng.choice(categories),
                segment=rng.choice([Segment.BASIC] * 6 + [Segment.FEATURED] * 3 + [Segment.SUPERMARKET]),
                status=status,
                uscc=complete_uscc(f"91341202MA{number:07d}"[:17]),
                district=district,
                address=f"{district}人民路{number}号",
                contact_phone=f"1390558{number % 10000:04d}",
                recruiter=recruiter,
                department=recruiter.staff_profile.department if recruiter else None,
                signing_recruiter=recruiter if signed_at else None,
                signed_at=signed_at,
                signed_class=rng.choice(MerchantClass.values) if signed_at else "",
                terminated_at=terminated_at,
            )
        )
        if len(batch) == 5000:
            Merchant.objects.bulk_create(batch)
            batch = []
    Merchant.objects.bulk_create(batch)
    active = list(
        Merchant.objects.filter(name__startswith=PREFIX, status=MerchantStatus.ACTIVE, terminals__isnull=True)
        .order_by("pk")
        .values_list("pk", "signed_at")
    )
    terminals = [
        Terminal(merchant_id=pk, serial=f"LOAD{pk:09d}", installed_on=timezone.localdate(signed_at))
        for pk, signed_at in active
        if rng.random() < 0.2
    ]
    Terminal.objects.bulk_create(terminals, batch_size=5000)
    months = [(last_month - dt.timedelta(days=offset * 28)).replace(day=1) for offset in range(3)]
    profits = [
        ProfitRecord(terminal=terminal, month=month, profit=Decimal(rng.randrange(500, 9000)) / 100)
        for terminal in Terminal.objects.filter(serial__startswith="LOAD", profits__isnull=True)
        for month in months
    ]
    ProfitRecord.objects.bulk_create(profits, batch_size=5000)


def pay_profiles() -> None:
    from django.contrib.auth import get_user_model

    from compensation.models import PayProfile

    users = get_user_model().objects.filter(username__startswith="load_", staff_profile__isnull=False)
    PayProfile.objects.bulk_create(
        [
            PayProfile(
                user=user,
                effective_from=dt.date(2025, 1, 1),
                base_salary=Decimal("4500.00"),
                allowance=Decimal("300.00"),
                position_allowance=Decimal("800.00" if "head" in user.username else "0.00"),
            )
            for user in users.filter(pay_profiles__isnull=True)
        ]
    )


def rate_requests(count: int, rng: random.Random) -> None:
    """Pending rate requests by the recruiters on their own merchants (the service: the
    chain frozen as steps), below the category's standard so each needs a decision."""
    from commissions.models import RateRequest, RequestStatus
    from commissions.services import rate_request_create
    from merchants.models import Merchant, MerchantStatus

    missing = count - RateRequest.objects.filter(status=RequestStatus.PENDING).count()
    if missing <= 0:
        return
    candidates = (
        Merchant.objects.filter(name__startswith=PREFIX, status=MerchantStatus.ACTIVE, recruiter__isnull=False)
        .exclude(rate_requests__isnull=False)
        .select_related("recruiter")
        .order_by("?")[: missing * 2]
    )
    for merchant in candidates:
        # some fall within the recruiter's own authority (granted at once): realistic, not counted
        request = rate_request_create(
            user=merchant.recruiter,
            merchant=merchant,
            proposed_rate=Decimal(rng.choice(["0.50", "1.50", "3.00", "4.50", "5.00"])),
            reason="负载测试",
        )
        missing -= request.status == RequestStatus.PENDING
        if missing <= 0:
            break


def applications(count: int, rng: random.Random) -> None:
    """``count`` draft applications ready to submit, each with its merchant's portal account
    and the two documents of an enterprise on file (one stored PNG, shared)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from merchants.checks import complete_ric, complete_uscc
    from merchants.models import (
        Application,
        ApplicationStatus,
        Category,
        Document,
        DocumentKind,
        EntityType,
        Merchant,
        MerchantStatus,
        Segment,
    )
    from merchants.samples import png_bytes

    ready = Application.objects.filter(
        status=ApplicationStatus.DRAFT, merchant__user__username__startswith="load_m"
    ).count()
    missing = count - ready
    if missing <= 0:
        return
    User = get_user_model()
    start = User.objects.filter(username__startswith="load_m").count()
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"load_m{start + n:06d}", password=password) for n in range(missing)], batch_size=2000
    )
    group = Group.objects.get(name="merchant")
    User.groups.through.objects.bulk_create([User.groups.through(user=user, group=group) for user in users])
    recruiters = list(User.objects.filter(username__startswith="load_recruiter").select_related("staff_profile"))
    rows = []
    for user in users:
        number = 900000 + int(user.username[6:])
        district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        recruiter = rng.choice(recruiters)
        rows.append(
            Merchant(
                name=f"{PREFIX}申请{number}",
                category=rng.choice(Category.values),
                segment=Segment.BASIC,
                status=MerchantStatus.PROSPECT,
                entity_type=EntityType.ENTERPRISE,
                uscc=complete_uscc(f"91341202MA{number:07d}"[:17]),
                district=district,
                address=f"{district}人民路{number}号",
                contact_phone="0558-2212345",
                user=user,
                recruiter=recruiter,
                department=recruiter.staff_profile.department,
            )
        )
    created = Merchant.objects.bulk_create(rows, batch_size=2000)
    id_number = complete_ric("11010519850312123")
    apps = Application.objects.bulk_create(
        [
            Application(
                merchant=merchant,
                status=ApplicationStatus.DRAFT,
                company_name=merchant.name,
                entity_type=merchant.entity_type,
                category=merchant.category,
                segment=merchant.segment,
                uscc=merchant.uscc,
                legal_rep_name="徐明",
                legal_rep_id_number=id_number,
                address=merchant.address,
                district=merchant.district,
                contact_phone=merchant.contact_phone,
                assignee=merchant.recruiter,
            )
            for merchant in created
        ],
        batch_size=2000,
    )
    content = png_bytes()
    name = "load/licence.png"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    valid_until = dt.date.today() + dt.timedelta(days=3 * 365)
    Document.objects.bulk_create(
        [
            Document(
                application=application,
                kind=kind,
                number=f"NO{application.pk:08d}",
                valid_until=valid_until,
                file=name,
                original_name="licence.png",
                content_type="image/png",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=application.merchant.user,
            )
            for application in apps
            for kind in (DocumentKind.BUSINESS_LICENCE, DocumentKind.LEGAL_REP_ID)
        ],
        batch_size=4000,
    )


def complaints(count: int, rng: random.Random) -> None:
    """``count`` complaints received by customer service (the service, so each has its
    deadline, number and history), ready for the investigation step."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from complaints.models import Complaint, ComplaintStatus, ComplaintType
    from complaints.services import complaint_receive
    from merchants.models import Merchant, MerchantStatus

    missing = count - Complaint.objects.filter(status=ComplaintStatus.RECEIVED, description__startswith="负载").count()
    if missing <= 0:
        return
    cs = get_user_model().objects.get(username="load_cs")
    targets = list(
        Merchant.objects.filter(name__startswith=PREFIX, status=MerchantStatus.ACTIVE)
        .select_related("recruiter")
        .order_by("?")[:missing]
    )
    with transaction.atomic():
        for merchant in targets:
            complaint_receive(
                user=cs,
                merchant=merchant,
                type=rng.choice(ComplaintType.values),
                description="负载测试：收银员态度恶劣",
            )


def tokens(usernames: list[str]) -> dict[str, str]:
    """A fresh token for each user (bulk; their older tokens revoked): ``{username: key}``."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from workplace.api.tokens import digest_of, lifetime
    from workplace.models import ApiToken

    users = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "pk"))
    ApiToken.objects.filter(user_id__in=users.values()).delete()
    keys = {username: secrets.token_hex(32) for username in users}
    expires = timezone.now() + lifetime()
    ApiToken.objects.bulk_create(
        [
            ApiToken(digest=digest_of(key), user_id=users[username], prefix=key[:8], expires_at=expires)
            for username, key in keys.items()
        ],
        batch_size=5000,
    )
    return keys


def generate(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from workplace.models import Department
    from workplace.services import user_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(20261204)
    staff(user_create, Department)
    merchants(args.merchants, rng)
    pay_profiles()
    rate_requests(args.requests, rng)
    # two more of each: the in-process query count warms up on one and counts the other
    applications(args.applications + PROBES, rng)
    complaints(args.complaints + PROBES, rng)
    with connection.cursor() as cursor:
        # Every table, as autovacuum keeps a live database: the planner's statistics and
        # the visibility map (index-only scans) of what was just generated.
        cursor.execute("VACUUM ANALYZE")
    print(f"data ready in {time.perf_counter() - started:.0f} s")
    return prepared_ids(args)


def prepared_ids(args) -> dict:
    """The tokens of the users the cases act as, and the consumable ids' files."""
    from complaints.models import Complaint, ComplaintStatus
    from merchants.models import Application, ApplicationStatus, Merchant

    ready = list(
        Application.objects.filter(status=ApplicationStatus.DRAFT, merchant__user__username__startswith="load_m")
        .order_by("pk")
        .values_list("pk", "merchant__user__username")[: args.applications + PROBES]
    )
    keys = tokens(["load_gm", "load_head0", "load_recruiter0_0", "load_cs", *(username for _pk, username in ready)])
    WORK.mkdir(parents=True, exist_ok=True)
    submit_file = WORK / "submit.txt"
    probes = {"submit": [(pk, keys[username]) for pk, username in ready[-PROBES:]]}
    ready = ready[:-PROBES]
    submit_file.write_text("".join(f"{pk} {keys[username]}\n" for pk, username in ready))
    received = list(
        Complaint.objects.filter(status=ComplaintStatus.RECEIVED, description__startswith="负载")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    probes["complaint"] = [(pk, keys["load_cs"]) for pk in received[-PROBES:]]
    received = received[:-PROBES]
    complaint_file = WORK / "complaints.txt"
    complaint_file.write_text("".join(f"{pk}\n" for pk in received))
    total = Merchant.objects.count()
    return {
        "gm": keys["load_gm"],
        "head": keys["load_head0"],
        "recruiter": keys["load_recruiter0_0"],
        "cs": keys["load_cs"],
        "submit_file": str(submit_file),
        "submit_count": len(ready),
        "complaint_file": str(complaint_file),
        "complaint_count": len(received),
        "probes": probes,
        "merchants": total,
        "deep_page": max(1, (total // 20) // 2),
    }


def cases(ids: dict) -> dict:
    """name → (label, method, path, token key, body, ids file, list?)."""
    quote = {"category": "dining_entertainment", "prepaid_rate": "6.00"}
    star = {
        "category": "dining_entertainment",
        "brand": 3,
        "decoration": "standard",
        "area_sqm": "180",
        "registered_capital": "500000",
        "staff_count": 12,
        "years_in_business": 4,
        "frequency": "high",
        "large_or_chain": False,
    }
    investigate = {
        "valid": True,
        "findings": "经核实属实",
        "responsible_department": "load_quality",
        "responsible_person": "load_quality_staff",
    }
    return {
        "quote": ("commission quote", "POST", "/api/v1/commissions/quote/", "recruiter", quote, None, False),
        "star": ("star calculator", "POST", "/api/v1/scoring/calculate/", "recruiter", star, None, False),
        "due-date": (
            "due date",
            "GET",
            "/api/v1/calendar/due-date/?start=2026-09-30&working_days=3",
            "recruiter",
            None,
            None,
            False,
        ),
        "pay": (
            "pay calculator",
            "POST",
            "/api/v1/compensation/calculate/",
            "recruiter",
            {"quarter_profit": "180000.00", "merchant_months": 300, "terminated": 4, "owned": 100},
            None,
            False,
        ),
        "merchants": ("merchant list, first page (GM)", "GET", "/api/v1/merchants/", "gm", None, None, True),
        "merchants-deep": (
            f"merchant list, page {ids['deep_page']} (GM)",
            "GET",
            f"/api/v1/merchants/?page={ids['deep_page']}",
            "gm",
            None,
            None,
            True,
        ),
        "approvals": ("approval queue (head)", "GET", "/api/v1/approvals/pending/", "head", None, None, True),
        "submit": (
            "onboarding submit (each once)",
            "POST",
            "/api/v1/applications/{id}/submit/",
            "gm",
            None,
            ids["submit_file"],
            False,
        ),
        "complaint": (
            "complaint investigate (each once)",
            "POST",
            "/api/v1/complaints/{id}/investigate/",
            "cs",
            investigate,
            ids["complaint_file"],
            False,
        ),
    }


def need_wrk() -> None:
    """The load generator: installed from Debian when this runs as root with apt, else
    the command to install it, before anything is generated."""
    import shutil

    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk) ...", flush=True)
        done = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, text=True)
        if done.returncode == 0 and shutil.which("wrk"):
            return
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
    raise SystemExit("bench/load.py needs wrk on PATH: apt-get install wrk (Debian/Ubuntu) or brew install wrk")


def floor_for(case) -> tuple:
    """The floor request beside ``case``: the same method and JSON body, to the bare view
    (its parsing and the API's authentication and permission are all it does)."""
    _label, method, _path, _who, body, _ids, _list = case
    return ("floor", method, "/bench/floor/", "recruiter", body if method == "POST" else None, None, False)


def count_queries(all_cases: dict, ids: dict) -> dict:
    """Queries of one call of each case, in-process, after one warm-up call (the
    consumables on ids of their own, kept out of the load's files)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    floor = Client(HTTP_AUTHORIZATION=f"Token {ids['recruiter']}")
    for name, (_label, method, path, who, body, id_file, _list) in {
        "floor": ("", "GET", "/bench/floor/", "recruiter", None, None, False),
        **all_cases,
    }.items():
        probes = list(ids["probes"][name]) if id_file else []
        client = Client(HTTP_AUTHORIZATION=f"Token {ids[who]}") if who != "recruiter" else floor

        def call(client=client, method=method, path=path, body=body, probes=probes):
            if probes:
                pk, key = probes.pop(0)
                client = Client(HTTP_AUTHORIZATION=f"Token {key}")
                path = path.replace("{id}", str(pk))
            if method == "POST":
                return client.post(path, data=json.dumps(body), content_type="application/json")
            return client.get(path)

        call()
        with CaptureQueriesContext(connection) as queries:
            response = call()
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code} {response.content[:400]!r}")
        counts[name] = len(queries)
    return counts


# ---------------------------------------------------------------------------------------
# processes


class Service:
    def __init__(self, name: str, command: list[str], env: dict):
        self.name = name
        self.log = WORK / f"{name}.log"
        self.handle = self.log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.handle.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def collectstatic(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )


def start_gunicorn(env: dict, port: int, workers: int) -> Service:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is taken; pass --port")
    service = Service(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--no-control-socket",
        ],
        env,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if not service.alive():
            raise SystemExit(f"gunicorn exited:\n{service.tail()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return service
        except urllib.error.HTTPError:
            return service  # answering (a 503 names a part that is down; the cases check themselves)
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    service.stop()
    raise SystemExit(f"gunicorn did not come up:\n{service.tail()}")


def start_worker(env: dict) -> Service:
    service = Service(
        "worker",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "load@%h",
        ],
        env,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if not service.alive():
            raise SystemExit(f"the worker exited:\n{service.tail()}")
        if "ready" in service.tail():
            return service
        time.sleep(0.5)
    service.stop()
    raise SystemExit("the worker did not come up")


# ---------------------------------------------------------------------------------------
# load


def check(port: int, case, ids: dict) -> None:
    """A repeating case answers 2xx over the wire before it is measured."""
    _label, method, path, who, body, id_file, _list = case
    if id_file:
        return
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {ids[who]}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{path}: {error.code} {error.read()[:400]!r}") from None


def drain(port: int, token: str) -> float:
    """Wait until the requests wrk left behind are answered: the connections it had open
    when it stopped were already accepted and queued, and a sync worker answers each
    before it takes the next run's. One floor request, queued behind them, comes back
    once they are done; the seconds that took."""
    started = time.perf_counter()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/bench/floor/", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def wrk(port: int, case, ids: dict, *, duration: float, connections: int, threads: int, meter=None) -> dict:
    _label, method, path, who, body, id_file, _list = case
    script = WORK / "load.lua"
    script.write_text(LUA)
    threads = min(threads, connections)
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
        "--",
        method,
        path,
        ids[who],
        json.dumps(body, ensure_ascii=False) if body is not None else "",
        id_file or "",
        str(threads),
    ]
    before = meter.snapshot() if meter else None
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    elapsed = time.perf_counter() - started
    cpu = meter.since(before, elapsed) if meter else None  # before the drain: what wrk counted
    drained = drain(port, ids["recruiter"])
    line = next((row for row in done.stdout.splitlines() if row.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no figures:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[len("WRKJSON ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket_errors"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    if cpu:
        result["cpu"] = cpu
    result["drain_s"] = drained
    return result


class Payroll:
    """A monthly payroll run of last month sent to the worker (the task the sweep and the
    API's start also use); ``poll()`` until it is computed."""

    def __init__(self):
        from compensation.models import PayrollRun, RunKind
        from compensation.services.periods import previous_period
        from compensation.services.runs import payroll_run_start
        from compensation.tasks import compute_payroll_run

        period = previous_period(RunKind.MONTHLY)
        run, _created = payroll_run_start(kind=RunKind.MONTHLY, period=period.label, compute=False)
        PayrollRun.objects.filter(pk=run.pk).update(computed_at=None)
        self.run_id, self.period = run.pk, period.label
        self.started = time.perf_counter()
        compute_payroll_run.delay(run.pk)
        self.seconds = None
        self.lines = None
        self.thread = threading.Thread(target=self._wait, daemon=True)
        self.thread.start()

    def _wait(self):
        from django.db import connections

        from compensation.models import PayrollLine, PayrollRun

        try:
            deadline = time.perf_counter() + 1800
            while time.perf_counter() < deadline:
                if PayrollRun.objects.filter(pk=self.run_id, computed_at__isnull=False).exists():
                    self.seconds = time.perf_counter() - self.started
                    self.lines = PayrollLine.objects.filter(run_id=self.run_id).count()
                    return
                time.sleep(0.25)
        finally:
            connections.close_all()


class CpuMeter:
    """CPU time (utime + stime, from /proc) of the web server's processes, the Celery
    worker's, the load database's PostgreSQL backends and the whole machine, so each run
    says what a request costs each tier and how much other work shared the cores."""

    def __init__(self, database: str, groups: dict[str, int]):
        self.database, self.groups = database, groups
        self.tick = os.sysconf("SC_CLK_TCK")

    def _processes(self) -> dict[str, dict[int, int]]:
        found: dict[str, dict[int, int]] = {name: {} for name in (*self.groups, "db")}
        pgid_names = {pgid: name for name, pgid in self.groups.items()}
        marker = f" {self.database} "
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as handle:
                    stat = handle.read()
                fields = stat[stat.rindex(")") + 2 :].split()
                ticks = int(fields[11]) + int(fields[12])
                name = pgid_names.get(int(fields[2]))
                if name is None:
                    with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                        command = handle.read().replace(b"\0", b" ").decode(errors="replace")
                    if command.startswith("postgres:") and marker in command:
                        name = "db"
                if name is not None:
                    found[name][int(entry.name)] = ticks
            except (OSError, ValueError, IndexError):
                continue
        return found

    @staticmethod
    def _machine() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            values = [int(value) for value in handle.readline().split()[1:]]
        idle = values[3] + values[4]
        return sum(values[:8]) - idle, sum(values[:8])

    def snapshot(self):
        return self._processes(), self._machine(), resource.getrusage(resource.RUSAGE_CHILDREN)

    def since(self, before, seconds: float) -> dict:
        """CPU seconds of each tier since ``before`` (a process started meanwhile counts
        whole; one that ended meanwhile is lost: none do with kept connections)."""
        processes, (busy, _total), children = self.snapshot()
        old_processes, (old_busy, _old_total), old_children = before
        used = {
            name: sum(ticks - old_processes[name].get(pid, 0) for pid, ticks in pids.items()) / self.tick
            for name, pids in processes.items()
        }
        used["wrk"] = (children.ru_utime + children.ru_stime) - (old_children.ru_utime + old_children.ru_stime)
        machine = (busy - old_busy) / self.tick
        used["other"] = max(0.0, machine - sum(used.values()))
        used["machine_cores"] = machine / seconds
        return used


def _queue_length(redis_url: str) -> int | None:
    """Tasks still waiting in the broker's default queue."""
    try:
        import redis

        return redis.Redis.from_url(redis_url).llen("celery")
    except Exception:  # noqa: BLE001 — a figure for the report only
        return None


def worker_tasks(log: Path) -> dict:
    """From the worker's log: each task's count and median / 95th percentile seconds."""
    import re
    import statistics

    times: dict[str, list[float]] = {}
    for match in re.finditer(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([\d.]+)s", log.read_text(errors="replace")):
        times.setdefault(match.group(1), []).append(float(match.group(2)))
    return {
        name: {
            "count": len(values),
            "median_s": statistics.median(values),
            "p95_s": sorted(values)[max(0, int(len(values) * 0.95) - 1)],
        }
        for name, values in times.items()
    }


def _commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], cwd=ROOT).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+" if dirty else "")


def _ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def _ratios(row: dict, case: dict, floor: dict) -> str:
    """The row's ratio; with several rounds, the median's and the rounds' range."""
    ratio = f"{case['rps'] / max(floor['rps'], 1e-9):.0%}"
    ratios = row.get("ratios") or []
    if len(ratios) > 1:
        ratio += f" ({min(ratios):.0%}–{max(ratios):.0%})"
    return ratio


def report(results: dict, meta: dict) -> str:
    rows = [
        f"{meta['date']}, commit {meta['commit']}, {meta['cores']} cores, PostgreSQL {meta['postgresql']}, "
        f"{meta['merchants']:,} merchants, gunicorn -w {meta['workers']} (sync), one Celery worker, "
        f"wrk -t{meta['threads']}, {meta['duration']:g} s a run, {meta.get('rounds', 1)} rounds of floor and case "
        f"(ratio: the median round's, and the range; the consumables once), load average {meta['load_before']:.1f} before / "
        f"{meta['load_after']:.1f} after"
        + (" — WITH the probe index on (created_at, id)" if meta["index_probe"] else ""),
        "",
        "| case | conns | req/s | floor req/s | ratio | p50 ms | p95 ms | p99 ms | non-2xx | socket errors "
        "| queries | web CPU ms/req | db CPU ms/req | others' cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        case, floor = row["case"], row["floor"]
        cpu = case.get("cpu", {})
        per = max(1, case["requests"])
        rows.append(
            f"| {row['label']} | {row['connections']} | {case['rps']:.0f} | {floor['rps']:.0f} | "
            f"{_ratios(row, case, floor)} | {_ms(case['p50'])} | {_ms(case['p95'])} | {_ms(case['p99'])} | "
            f"{case['status']} | {case['socket_errors']} | {row['queries'] if row['queries'] is not None else '—'} | "
            f"{cpu.get('web', 0) * 1000 / per:.1f} | {cpu.get('db', 0) * 1000 / per:.1f} | "
            f"{cpu.get('other', 0) / (case['duration_us'] / 1e6):.2f} |"
        )
    rows.append("")
    rows.append("Floor runs (the bare view, each just before its case):")
    rows.append("")
    rows.append(
        "| before | conns | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | web CPU ms/req "
        "| db CPU ms/req | others' cores |"
    )
    rows.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in results["rows"]:
        floor = row["floor"]
        cpu = floor.get("cpu", {})
        per = max(1, floor["requests"])
        rows.append(
            f"| {row['label']} | {row['connections']} | {floor['rps']:.0f} | {_ms(floor['p50'])} | "
            f"{_ms(floor['p95'])} | {_ms(floor['p99'])} | {floor['status']} | {floor['socket_errors']} | "
            f"{cpu.get('web', 0) * 1000 / per:.1f} | {cpu.get('db', 0) * 1000 / per:.1f} | "
            f"{cpu.get('other', 0) / (floor['duration_us'] / 1e6):.2f} |"
        )
    payroll = results.get("payroll")
    if payroll:
        rows.append("")
        rows.append(
            f"Payroll: monthly run {payroll['period']} sent to the worker at the start of the merchant list's run: "
            + (
                f"finished in {payroll['seconds']:.1f} s, {payroll['lines']} lines."
                if payroll["seconds"] is not None
                else "NOT finished when the run ended."
            )
        )
    tasks = results.get("worker_tasks") or {}
    if tasks:
        rows.append("")
        rows.append(
            "Worker (one process): "
            + "; ".join(
                f"{name.rsplit('.', 1)[1]} ×{figures['count']}, median {figures['median_s'] * 1000:.0f} ms, "
                f"p95 {figures['p95_s'] * 1000:.0f} ms"
                for name, figures in sorted(tasks.items())
            )
            + f"; still queued at the end: {results.get('queued_after')}"
        )
    for row in results["rows"]:
        if row["case"].get("exhausted"):
            rows.append(f"{row['label']}: ids ran out ({row['case']['exhausted']} requests reused the last id)")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--merchants", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=4000)
    parser.add_argument("--complaints", type=int, default=4000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="floor/case pairs per case (the consumables: one)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--low-connections", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--port", type=int, default=18790)
    parser.add_argument("--cases", default="")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--index-probe",
        action="store_true",
        help="for the run only, an index on the merchant list's order (created_at, id), dropped after",
    )
    args = parser.parse_args()
    if not args.generate_only:
        need_wrk()
    if not (
        1 <= args.duration <= 300 and 1 <= args.rounds <= 9 and 1 <= args.connections <= 512 and 1 <= args.workers <= 32
    ):
        raise SystemExit("keep the run bounded: duration 1–300 s, rounds 1–9, connections 1–512, workers 1–32")

    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zs_load")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    env = environment(database_url, redis_url)
    os.environ.update(env)
    (WORK / "static").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    create_database(database_url)
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.cache import cache
    from django.db import connection, connections

    ids = generate(args)
    all_cases = cases(ids)
    if args.cases:
        wanted = args.cases.split(",")
        unknown = set(wanted) - set(all_cases)
        if unknown:
            raise SystemExit(f"unknown cases {sorted(unknown)}; known: {', '.join(all_cases)}")
        all_cases = {name: all_cases[name] for name in wanted}
    if args.index_probe:
        import atexit

        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PROBE_INDEX} ON merchants_merchant (created_at DESC, id DESC)")

        def drop_probe_index():
            from django.db import connection as fresh

            with fresh.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {PROBE_INDEX}")

        atexit.register(drop_probe_index)
    cache.clear()  # Redis db of the run: a clean cache and an empty queue
    from config.celery import app as celery_app

    queries = count_queries(all_cases, ids)
    celery_app.control.purge()  # the probes' system checks: not the run's
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    connections.close_all()
    if args.generate_only:
        print(json.dumps({k: v for k, v in ids.items() if k in ("submit_count", "complaint_count", "merchants")}))
        return

    collectstatic(env)
    worker = start_worker(env)
    server = start_gunicorn(env, args.port, args.workers)
    floor = ("floor", "GET", "/bench/floor/", "recruiter", None, None, False)
    low = args.low_connections or args.workers
    database = database_url.rsplit("/", 1)[1].split("?")[0]
    meter = CpuMeter(database, {"web": server.process.pid, "worker": worker.process.pid})
    load_before = os.getloadavg()[0]
    results = {"rows": []}
    payroll = None
    try:
        check(args.port, floor, ids)
        check(args.port, floor_for(all_cases[next(iter(all_cases))]), ids)
        for case in all_cases.values():
            check(args.port, case, ids)
        # warm-up: every worker loads its code, connects and fills its caches
        for case in (floor, *(c for c in all_cases.values() if not c[5])):
            wrk(args.port, case, ids, duration=3, connections=args.connections, threads=args.threads)
        plan = [(name, args.connections) for name in all_cases]
        plan += [(name, low) for name, case in all_cases.items() if case[6] and low != args.connections]
        for name, conns in plan:
            case = all_cases[name]
            # The floor and the case alternate ``--rounds`` times (the consumables once:
            # each id is used once); the row is the round of the median ratio, so a
            # drift of the machine's speed between two runs moves one round, not the row.
            pairs = []
            for _round in range(args.rounds if not case[5] else 1):
                floor_result = wrk(
                    args.port,
                    floor_for(case),
                    ids,
                    duration=args.duration,
                    connections=conns,
                    threads=args.threads,
                    meter=meter,
                )
                if name == "merchants" and conns == args.connections and payroll is None:
                    payroll = Payroll()
                case_result = wrk(
                    args.port, case, ids, duration=args.duration, connections=conns, threads=args.threads, meter=meter
                )
                pairs.append((case_result["rps"] / max(floor_result["rps"], 1e-9), floor_result, case_result))
            pairs.sort(key=lambda pair: pair[0])
            _ratio, floor_result, case_result = pairs[len(pairs) // 2]
            results["rows"].append(
                {
                    "name": name,
                    "label": case[0],
                    "connections": conns,
                    "floor": floor_result,
                    "case": case_result,
                    "queries": queries.get(name),
                    "ratios": [pair[0] for pair in pairs],
                }
            )
            print(
                f"{case[0]:<40} c={conns:<3} {case_result['rps']:7.0f} req/s ({case_result['rps'] / max(floor_result['rps'], 1e-9):.0%}"
                f" of {floor_result['rps']:.0f}) p95 {_ms(case_result['p95'])} ms, non-2xx {case_result['status']},"
                f" socket errors {case_result['socket_errors']}",
                flush=True,
            )
        if payroll is not None:
            payroll.thread.join(timeout=600)
            results["payroll"] = {
                "period": payroll.period,
                "seconds": payroll.seconds,
                "lines": payroll.lines,
            }
        results["queued_after"] = _queue_length(redis_url)
    finally:
        server.stop()
        worker.stop()
    results["worker_tasks"] = worker_tasks(worker.log)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": _commit(),
        "cores": os.cpu_count(),
        "postgresql": postgres,
        "merchants": ids["merchants"],
        "workers": args.workers,
        "threads": args.threads,
        "duration": args.duration,
        "rounds": args.rounds,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "index_probe": args.index_probe,
    }
    print()
    print(report(results, meta))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, **results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
