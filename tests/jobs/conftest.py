"""Real-queue fixtures: the Redis broker, Celery worker processes, a database they share.

The worker is a separate process, so it must see the rows the test commits:
- on PostgreSQL it connects to the test database itself (the tests are marked
  `django_db(transaction=True)`, so their rows are committed);
- on SQLite the in-memory test database is copied into a file under the test's tmp dir,
  and both the test and the worker use that file for the duration of the test.
"""

from __future__ import annotations

import contextlib
import copy
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ANJU_JOBS_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(
            f"Redis at {REDIS_URL} is not reachable ({exc}); start redis-server"
        )
    return REDIS_URL


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def shared_db(django_db_blocker, tmp_path) -> Iterator[str]:
    """A database the test and its worker processes both see; yields its URL."""
    # the tests are marked django_db(transaction=True): rows are committed as written
    default = connections["default"]
    if default.vendor == "postgresql":
        assert default.settings_dict["NAME"].startswith("test_"), "not a test database"
        yield _postgres_url(default.settings_dict)
        return
    assert default.is_in_memory_db(), "not the in-memory test database"
    path = tmp_path / "jobs.sqlite3"
    with django_db_blocker.unblock():
        default.ensure_connection()
        target = sqlite3.connect(path)
        default.connection.backup(target)
        target.close()
        settings_dict = copy.deepcopy(default.settings_dict)
        settings_dict["NAME"] = str(path)
        shared = type(default)(settings_dict, alias="default")
        connections["default"] = shared
        try:
            yield f"sqlite:///{path}"
        finally:
            shared.close()
            connections["default"] = default


class Workers:
    """Starts `celery worker` processes on one private queue; stops what it started."""

    def __init__(self, redis_url: str, database_url: str, log_dir: Path) -> None:
        self.redis_url = redis_url
        self.database_url = database_url
        self.log_dir = log_dir
        self.queue = f"anju-jobs-test-{uuid.uuid4().hex[:10]}"
        self.started: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        n = len(self.started) + 1
        log = open(self.log_dir / f"worker{n}.log", "wb")  # noqa: SIM115 - closed by the process
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "anju.settings.jobs_test",
            "REDIS_URL": self.redis_url,
            "DATABASE_URL": self.database_url,
            "PYTHONUNBUFFERED": "1",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "anju",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{n}@%h",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started.append(process)
        return process

    def send(self, task: str, *args: object) -> None:
        from celery import Celery

        app = Celery("anju-jobs-test", broker=self.redis_url, set_as_current=False)
        try:
            app.send_task(task, args=list(args), queue=self.queue)
        finally:
            app.close()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.log_dir.glob("worker*.log"))
        )

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(redis_url, shared_db, tmp_path) -> Iterator[Workers]:
    import redis

    pool = Workers(redis_url, shared_db, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(redis_url).delete(
                pool.queue,
                f"_kombu.binding.{pool.queue}",
                f"_kombu.binding_permanent.{pool.queue}",
            )


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, workers: Workers
) -> None:
    """Poll until `condition()` holds; on timeout fail with the workers' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{workers.logs()}")
