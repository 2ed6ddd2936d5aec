"""Fault tests against real processes: a Redis server of the test's own (so stopping it
touches nothing else), the app under gunicorn and a Celery worker as subprocesses on the
test database, exactly as docker-compose runs them (config.settings.local with
DATABASE_URL and REDIS_URL set). The data a test writes is committed (transaction=True),
so the subprocesses see it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.real_worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, *, timeout: float = 30.0, every: float = 0.2, what: str = "it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception:  # noqa: BLE001 — not up yet
            pass
        time.sleep(every)
    raise AssertionError(f"{what} did not happen within {timeout} s")


class RedisServer:
    """A redis-server of the test's own on a free port; ``stop()`` is a real outage."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=0.5), what="redis-server up")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def app_environment_base() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "CELERY", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        PYTHONUNBUFFERED="1",
    )
    return env


def app_environment(redis_url: str) -> dict:
    db = connection.settings_dict
    return {
        **app_environment_base(),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "60",
    }


class Process:
    def __init__(self, command: list[str], env: dict, log: Path):
        self.log = log
        self.handle = log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.handle.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files collected once, as the image's build does (DEBUG off needs the manifest)."""
    root = tmp_path_factory.mktemp("static")
    env = {**app_environment_base(), "STATIC_ROOT": str(root), "DATABASE_URL": "sqlite:////tmp/collectstatic.sqlite3"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    return root


@pytest.fixture
def app_server(redis_server, tmp_path, static_root):
    """gunicorn with the production's worker model (2 sync workers) on a free port."""
    port = free_port()
    process = Process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
        ],
        {**app_environment(redis_server.url), "STATIC_ROOT": str(static_root)},
        tmp_path / "gunicorn.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: requests.get(f"{url}/healthz", timeout=2).status_code in (200, 503),
            timeout=60,
            what="gunicorn answering",
        )
    except AssertionError:
        process.kill()
        raise AssertionError(process.output()) from None
    process.url = url
    yield process
    process.kill()


@pytest.fixture
def start_worker(redis_server, tmp_path):
    """``start_worker()``: a Celery worker (one process, as the compose file's, but solo)."""
    started = []

    def start(name="worker"):
        worker = Process(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            app_environment(redis_server.url),
            tmp_path / f"{name}.log",
        )
        started.append(worker)
        wait_for(lambda: "ready" in worker.output(), timeout=60, what=f"{name} ready")
        return worker

    yield start
    for worker in started:
        worker.kill()


def send_task(redis_url: str, name: str, *args) -> None:
    """Queue a task as beat does: through the broker, by name."""
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "call", name, "--args", repr(list(args)).replace("'", '"')],
        cwd=ROOT,
        env=app_environment(redis_url),
        check=True,
        capture_output=True,
        timeout=60,
    )
