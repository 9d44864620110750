"""Billing run benchmark: bill N houses for a month on SQLite and PostgreSQL.

Seeds its own database in bulk (SQLite file under var/bench-billing/, PostgreSQL database
`anju_bench_billing` at 127.0.0.1:5432, user postgres — created and dropped here), runs
`bill_run_period` and, in the same run, a ceiling that writes the very same bill and line
rows the fastest raw way (executemany on SQLite, COPY on PostgreSQL). Prints
`name value unit (goal …)` lines and merges its figures into var/bench/billing.json.

    .venv/bin/python bench/billing.py                      # 100,000 houses, both databases
    .venv/bin/python bench/billing.py --backend postgres --houses 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SQLITE_DIR = VAR / "bench-billing"
PG_DB = "anju_bench_billing"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
GOALS = {  # houses → (seconds, ratio to the ceiling)
    "sqlite": (5.0, 5.0),
    "postgres": (30.0, 3.0),
}
PERIOD = (date(2026, 1, 1), date(2026, 1, 31))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_database(backend: str) -> None:
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        path = SQLITE_DIR / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "anju.settings.base"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def teardown_database(backend: str) -> None:
    from django.db import connections

    connections.close_all()
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_DIR / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def seed(houses: int):  # type: ignore[no-untyped-def]
    """A company, one community, buildings of 200 houses (2 units), an admin, the fee."""
    from django.utils import timezone

    from anju.accounts.choices import Role
    from anju.accounts.models import User
    from anju.billing.models import BillingPolicy, FeeItem, PricePlan
    from anju.core import bulk
    from anju.estates.models import Building, Community, Company, House, Unit

    company = Company.objects.create(name="安居物业", code="anju")
    community = Community.objects.create(company=company, name="绿水苑", code="lsy")
    actor = User.objects.create(
        username="bench", kind="staff", role=Role.ADMIN, company=company
    )
    BillingPolicy.objects.create(community=community, vacant_discount_percent=30)
    item = FeeItem.objects.create(
        community=community, code="wyf", name="物业费", kind="area_based"
    )
    PricePlan.objects.create(
        fee_item=item, unit_price=Decimal("2.50"), effective_from=date(2020, 1, 1)
    )
    PricePlan.objects.create(
        fee_item=item,
        usage="shop",
        unit_price=Decimal("6.00"),
        effective_from=date(2020, 1, 1),
    )
    per_building = 200
    n_buildings = (houses + per_building - 1) // per_building
    Building.objects.bulk_create(
        [Building(community=community, number=str(b + 1)) for b in range(n_buildings)],
        batch_size=2000,
    )
    buildings = dict(
        Building.objects.filter(community=community).values_list("number", "pk")
    )
    Unit.objects.bulk_create(
        [
            Unit(community=community, building_id=buildings[str(b + 1)], number=str(u))
            for b in range(n_buildings)
            for u in (1, 2)
        ],
        batch_size=2000,
    )
    units = {
        (bn, un): pk
        for bn, un, pk in Unit.objects.filter(community=community).values_list(
            "building__number", "number", "pk"
        )
    }
    rng = random.Random(20260101)
    now = timezone.now()
    columns = (
        "community_id", "building_id", "unit_id", "room", "number", "floor",
        "building_area", "usage", "occupancy", "delivery_date", "note",
        "created_at", "updated_at",
    )  # fmt: skip

    def rows(start: int, stop: int):  # type: ignore[no-untyped-def]
        for i in range(start, stop):
            b, k = divmod(i, per_building)
            unit = k % 2 + 1
            floor, door = divmod(k // 2, 4)
            room = f"{floor + 1}{door + 1:02d}"
            bn = str(b + 1)
            roll = rng.random()
            occupancy, delivered = "occupied", date(2019, 6, 16)
            if roll < 0.05:
                occupancy = "vacant"
            elif roll < 0.08:
                delivered = date(2026, 1, rng.randint(2, 31))  # prorated by days
            elif roll < 0.10:
                occupancy = "unsold"
            usage = "shop" if rng.random() < 0.05 else "residential"
            area = Decimal(rng.randint(5000, 20000)) / 100
            yield (
                community.pk, buildings[bn], units[(bn, str(unit))], room,
                f"{bn}-{unit}-{room}", floor + 1, area, usage, occupancy,
                delivered, "", now, now,
            )  # fmt: skip

    from django.db import transaction

    step = 50_000
    for start in range(0, houses, step):
        with transaction.atomic():
            bulk.insert_rows(House, columns, rows(start, min(houses, start + step)))
    return community, actor


def clear_bills(vendor: str) -> None:
    """Raw SQL on the bench database only: the app itself never deletes bills."""
    from django.db import connection

    with connection.cursor() as cur:
        if vendor == "postgresql":
            cur.execute(
                "TRUNCATE billing_paymentallocation, billing_billline, billing_bill, "
                "billing_billrun CASCADE"
            )
        else:
            _delete_unchecked(
                cur, ("billing_billline", "billing_bill", "billing_billrun")
            )


def _delete_unchecked(cur, tables) -> None:  # type: ignore[no-untyped-def]
    """Empty bench tables without SQLite's foreign-key checks: the app never deletes a
    bill line, so some self-references (`late_fee_of`, `refund_of`) have only partial
    indexes, and checking each deleted line against them would scan the table per row."""
    cur.execute("PRAGMA foreign_keys = OFF")
    try:
        for table in tables:
            cur.execute(f"DELETE FROM {table}")
    finally:
        cur.execute("PRAGMA foreign_keys = ON")


def measure_run(community, actor) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    from anju.billing.services import bill_run_period

    t0 = time.perf_counter()
    run = bill_run_period(
        community=community, period_start=PERIOD[0], period_end=PERIOD[1], actor=actor
    )
    return time.perf_counter() - t0, run


def ceiling_sqlite() -> float:
    """executemany of the same bill and line rows into the same tables, one transaction."""
    from django.db import connection

    tables = ("billing_bill", "billing_billline")
    with connection.cursor() as cur:
        dumped = {}
        for table in tables:
            cur.execute(f"SELECT * FROM {table}")
            dumped[table] = ([c[0] for c in cur.description], cur.fetchall())
        _delete_unchecked(cur, reversed(tables))
    raw = connection.connection
    t0 = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    for table in tables:
        cols, rows = dumped[table]
        marks = ", ".join("?" * len(cols))
        raw.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows
        )
    raw.execute("COMMIT")
    return time.perf_counter() - t0


def ceiling_postgres() -> float:
    """COPY of the same bill and line rows into the same tables, one transaction."""
    from django.db import connection

    tables = ("billing_bill", "billing_billline")
    files = {}
    with connection.cursor() as cur:
        raw = cur.cursor
        for table in tables:
            fh = tempfile.TemporaryFile()
            with raw.copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    fh.write(chunk)
            fh.seek(0)
            files[table] = fh
        cur.execute("TRUNCATE billing_billline, billing_bill CASCADE")
    from django.db import transaction

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.cursor
        for table in tables:
            with raw.copy(f"COPY {table} FROM STDIN") as copy:
                while chunk := files[table].read(1 << 20):
                    copy.write(chunk)
    elapsed = time.perf_counter() - t0
    for fh in files.values():
        fh.close()
    return elapsed


def cpu_calibration() -> float:
    """Seconds for a fixed pure-Python loop: shows how busy the machine was."""
    t0 = time.perf_counter()
    sum(range(10_000_000))
    return time.perf_counter() - t0


def bench(backend: str, houses: int, repeat: int) -> dict:
    calibration = cpu_calibration()
    setup_database(backend)
    try:
        from django.db import connection

        t0 = time.perf_counter()
        community, actor = seed(houses)
        seed_seconds = time.perf_counter() - t0
        rss_before = rss_mb()
        runs = []
        for r in range(repeat):
            if r:
                clear_bills(connection.vendor)
            seconds, run = measure_run(community, actor)
            runs.append(seconds)
        rss_after = rss_mb()
        t0 = time.perf_counter()
        _, rerun = measure_run(community, actor)
        rerun_seconds = time.perf_counter() - t0
        ceilings = []
        for _ in range(repeat):
            ceilings.append(
                ceiling_sqlite() if backend == "sqlite" else ceiling_postgres()
            )
        from anju.billing.models import Bill, BillLine

        return {
            "backend": backend,
            "houses": houses,
            "bills": run.bill_count,
            "lines": run.line_count,
            "total_amount": str(run.total_amount),
            "rows_after_rerun": [Bill.objects.count(), BillLine.objects.count()],
            "rerun_bills_added": rerun.bill_count - run.bill_count,
            "seed_seconds": round(seed_seconds, 2),
            "run_seconds": [round(s, 3) for s in runs],
            "rerun_seconds": round(rerun_seconds, 3),
            "ceiling_seconds": [round(s, 3) for s in ceilings],
            "ceiling": "executemany" if backend == "sqlite" else "COPY",
            "peak_rss_mb_before_run": round(rss_before, 1),
            "cpu_calibration_seconds": round(calibration, 3),
            "peak_rss_mb": round(rss_after, 1),
        }
    finally:
        teardown_database(backend)


def report(result: dict) -> None:
    backend, houses = result["backend"], result["houses"]
    goal_s, goal_ratio = GOALS[backend]
    if backend == "postgres" and houses < 1_000_000:
        goal_s = goal_s * houses / 1_000_000  # the goal is stated for 1,000,000 houses
    if backend == "sqlite" and houses != 100_000:
        goal_s = goal_s * houses / 100_000
    best = min(result["run_seconds"])
    ceiling = min(result["ceiling_seconds"])
    tag = f"{backend}_{houses // 1000}k"
    print(f"billing_run_{tag} {best:.2f} s (goal < {goal_s:.1f} s)")
    print(f"billing_rate_{tag} {houses / best:,.0f} houses/s")
    print(f"billing_ceiling_{result['ceiling']}_{tag} {ceiling:.2f} s (same rows)")
    print(f"billing_ratio_{tag} {best / ceiling:.2f} x (goal < {goal_ratio:.0f} x)")
    print(
        f"billing_rerun_{tag} {result['rerun_seconds']:.2f} s (adds {result['rerun_bills_added']} bills)"
    )
    print(f"billing_peak_rss_{tag} {result['peak_rss_mb']:.0f} MB (goal < 1024 MB)")
    print(
        f"billing_cpu_calibration_{tag} {result['cpu_calibration_seconds']:.2f} s "
        "(sum(range(10**7)); about 0.2 s on an idle core)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", choices=["sqlite", "postgres", "both"], default="both"
    )
    parser.add_argument("--houses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(bench(args.backend, args.houses, args.repeat)))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    out = VAR / "bench" / "billing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(out.read_text()) if out.exists() else {}
    for backend in backends:
        # Each database in a fresh process: Django is configured once per process.
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--backend", backend,
             "--houses", str(args.houses), "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            raise SystemExit(proc.returncode)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["measured_at"] = datetime.now().isoformat(timespec="seconds")
        report(result)
        saved[f"{backend}_{args.houses}"] = result
    out.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
