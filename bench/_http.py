"""API throughput under gunicorn: start the server on the benchmark's database, drive it
from client threads for a fixed time, and report requests/s with the CPU each side used.

The client is deliberately thin (http.client, one connection per thread, reconnecting
when a sync worker closes it) and its CPU is printed beside the server's, so a reader can
see how much of the two cores the load generator took.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._common import ROOT, percentile

# Sync workers, one per core: more workers than cores only adds switching (measured:
# 4 workers on 2 cores served 25 % fewer tickets/s than 2 did, with more CPU each).
WORKERS = os.cpu_count() or 2
CLIENT_THREADS = 2 * WORKERS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pids: list[str]) -> float:
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(stat[11]) + int(stat[12])
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(workers: int = WORKERS):  # type: ignore[no-untyped-def]
    """A gunicorn serving the current environment's settings and database; yields the
    port and the worker pids."""
    from django.db import connections

    connections.close_all()
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "anju.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        start_new_session=True,
    )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        pids: list[str] = []
        for _ in range(50):
            pids = subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
            if len(pids) >= workers:
                break
            time.sleep(0.1)
        yield port, pids
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@dataclass
class Load:
    done: list[float] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    database_cpu: float = 0.0
    items_per_request: int = 1

    @property
    def items(self) -> int:
        return len(self.done) * self.items_per_request

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0

    def describe(self, what: str, workers: int) -> str:
        n = max(self.items, 1)
        return (
            f"#   {self.items} {what} in {self.seconds:.1f} s with {workers} gunicorn "
            f"workers and {CLIENT_THREADS} client threads, {len(self.errors)} errors "
            f"{sorted(set(self.errors))}; request latency p95 "
            f"{percentile(self.done, 95) * 1000:.0f} ms; CPU per item: server "
            f"{self.server_cpu / n * 1000:.1f} ms, client {self.client_cpu / n * 1000:.1f} ms"
            + (
                f", PostgreSQL {self.database_cpu / n * 1000:.1f} ms"
                if self.database_cpu
                else ""
            )
        )


def hammer(
    *,
    port: int,
    pids: list[str],
    path: str,
    request: Callable[[], tuple[str, dict[str, str]]],
    ok: int = 201,
    seconds: float = 15.0,
    warmup: int = 20,
) -> Load:
    """POST `request()` = (body, headers) to `path` from CLIENT_THREADS threads for
    `seconds`; a response with status `ok` counts."""
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(warmup):
        body, headers = request()
        warm.request("POST", path, body, headers)
        warm.getresponse().read()
        warm.close()
    load = Load()
    stop = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            body, headers = request()
            began = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            if response.status == ok:
                load.done.append(time.perf_counter() - began)
            else:
                load.errors.append(response.status)
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENT_THREADS)]
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    database = _postgres_pids() if on_postgres else []
    server0, mine0, db0 = _cpu_seconds(pids), _own_cpu(), _cpu_seconds(database)
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    load.seconds = time.perf_counter() - began
    load.server_cpu = _cpu_seconds(pids) - server0
    load.client_cpu = _own_cpu() - mine0
    load.database_cpu = _cpu_seconds(database) - db0
    return load


def _postgres_pids() -> list[str]:
    """The PostgreSQL server's processes (on this machine), whatever serves the run."""
    return subprocess.run(
        ["pgrep", "-x", "postgres"], capture_output=True, text=True
    ).stdout.split()


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def figure(name: str, load: Load, goal: float, unit: str) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(load.rate, 1),
        "unit": unit,
        "goal": f">= {goal:g}",
        "ok": load.rate >= goal and not load.errors,
    }
