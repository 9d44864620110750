"""Shared plumbing for the estates benchmarks: a throw-away database, figures, JSON.

Benchmarks never touch the development database: SQLite files live under
var/bench-db/ and PostgreSQL uses its own database (`anju_bench`), created and dropped
by the benchmark.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BENCH_DB = VAR / "bench-db"
RESULTS = VAR / "bench"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_DB = "anju_bench"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(backend: str = "sqlite", name: str = "bench") -> None:
    """Point Django at a fresh benchmark database and migrate it."""
    BENCH_DB.mkdir(parents=True, exist_ok=True)
    os.environ["ANJU_VAR_DIR"] = str(BENCH_DB)
    if backend == "sqlite":
        path = BENCH_DB / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench._settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def teardown(backend: str = "sqlite", name: str = "bench") -> None:
    from django.db import connections

    connections.close_all()
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB / name}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def report(
    subject: str, figures: list[dict[str, Any]], extra: dict | None = None
) -> None:
    """Print `name value unit (goal …)` per figure and merge them into the JSON file."""
    for f in figures:
        goal = f" (goal {f['goal']})" if f.get("goal") else ""
        verdict = ""
        if "ok" in f:
            verdict = " ok" if f["ok"] else " MISSED"
        print(f"{f['name']} {f['value']} {f['unit']}{goal}{verdict}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{subject}.json"
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = {}
    data.setdefault("figures", {})
    for f in figures:
        data["figures"][f["name"]] = f
    if extra:
        data.update(extra)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
