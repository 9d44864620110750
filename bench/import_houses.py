"""Excel import benchmark: 100,000 house rows with owners into an empty SQLite database.

The .xlsx is generated first (in its own process, not measured); the import then runs in
a fresh process so that its peak RSS is the import's own. A second import of the same
file (every house already there: the update path) is measured too.

    .venv/bin/python bench/import_houses.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import BENCH_DB, peak_rss_mb, report, setup_django, teardown  # noqa: E402

GOAL_SECONDS = 60
GOAL_RSS_MB = 1024


def generate(path: Path, rows: int) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings.base")
    os.environ["ANJU_VAR_DIR"] = str(BENCH_DB)  # no query is made here
    django.setup()
    from openpyxl import Workbook

    from anju.core.validators import id_check_digit
    from anju.estates.importexport import COLUMNS

    rng = random.Random(7)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    given = "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 建华 子涵".split()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("房屋")
    sheet.append([c.header for c in COLUMNS])
    phones = rng.sample(range(10**8), rows * 2)
    owner_pool: list[tuple[str, str, str]] = []
    n = 0
    building = 0
    while n < rows:
        building += 1
        for floor in range(1, 26):
            for unit in (1, 2):
                for room in range(1, 5):
                    if n >= rows:
                        break
                    n += 1
                    if owner_pool and rng.random() < 0.1:
                        owner = rng.choice(owner_pool)  # owns several houses
                    else:
                        first17 = f"310104{rng.randint(1950, 2000)}0101{n % 1000:03d}"
                        owner = (
                            rng.choice(surnames) + rng.choice(given),
                            f"139{phones.pop():08d}",
                            first17 + id_check_digit(first17),
                        )
                        owner_pool.append(owner)
                    co = (
                        (
                            rng.choice(surnames) + rng.choice(given),
                            f"138{phones.pop():08d}",
                        )
                        if rng.random() < 0.2
                        else (None, None)
                    )
                    sheet.append(
                        [
                            "lsy",
                            str(building),
                            str(unit),
                            f"{floor}{room:02d}",
                            floor,
                            round(rng.uniform(60, 180), 2),
                            round(rng.uniform(50, 140), 2),
                            None,
                            "住宅",
                            "入住",
                            "2020-06-30",
                            *owner,
                            co[0],
                            co[1],
                            None,
                        ]
                    )
    workbook.save(path)


def child(path: str) -> None:
    """Run in a fresh process: import the file twice, print the figures as JSON."""
    setup_django("sqlite", "import_houses")
    from anju.accounts.choices import Role
    from anju.accounts.models import User
    from anju.estates.importexport import house_import
    from anju.estates.models import Community, Company

    company = Company.objects.create(code="anju", name="安居物业")
    Community.objects.create(company=company, code="lsy", name="绿水苑")
    admin = User.objects.create(username="admin", role=Role.ADMIN, company=company)
    start, start_cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as handle:
        result = house_import(actor=admin, source=handle)
    first = time.perf_counter() - start
    first_cpu = time.process_time() - start_cpu
    rss_first = peak_rss_mb()
    assert result.ok, result.errors[:5]
    start = time.perf_counter()
    with open(path, "rb") as handle:
        again = house_import(actor=admin, source=handle)
    second = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": first,
                "cpu_seconds": first_cpu,
                "rss_mb": rss_first,
                "created": result.created,
                "reimport_seconds": second,
                "reimport_unchanged": again.unchanged,
                "rss_mb_after_reimport": peak_rss_mb(),
            }
        )
    )
    teardown("sqlite", "import_houses")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    BENCH_DB.mkdir(parents=True, exist_ok=True)
    path = BENCH_DB / f"import_{args.rows}.xlsx"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.rows)
        print(f"# generated {path.name} in {time.perf_counter() - start:.1f} s")
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    rows = args.rows
    report(
        "import_houses",
        [
            {
                "name": f"import_{rows}_rows_sqlite",
                "value": round(data["seconds"], 1),
                "unit": "s",
                "goal": f"< {GOAL_SECONDS} s",
                "ok": data["seconds"] < GOAL_SECONDS,
            },
            {
                "name": f"import_{rows}_rows_sqlite_cpu",
                "value": round(data["cpu_seconds"], 1),
                "unit": "s",
            },
            {
                "name": f"import_{rows}_rows_peak_rss",
                "value": round(data["rss_mb"]),
                "unit": "MB",
                "goal": f"< {GOAL_RSS_MB} MB",
                "ok": data["rss_mb"] < GOAL_RSS_MB,
            },
            {
                "name": f"reimport_{rows}_rows_unchanged_sqlite",
                "value": round(data["reimport_seconds"], 1),
                "unit": "s",
                "goal": f"< {GOAL_SECONDS} s",
                "ok": data["reimport_seconds"] < GOAL_SECONDS,
            },
        ],
        extra={
            "created": data["created"],
            "reimport_unchanged": data["reimport_unchanged"],
        },
    )


if __name__ == "__main__":
    main()
