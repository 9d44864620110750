"""House search benchmark: 1,000,000 houses, p50/p95 per query kind, SQLite and PostgreSQL.

Seeds 20 communities × 50,000 houses with owners (co-owners, owners of two houses) by
raw bulk inserts (executemany on SQLite, COPY on PostgreSQL), then times
`house_search(...)` evaluated to a list, as the house list page does, for ≥200 queries
of each kind: exact number (3-2-1201), number prefix (3-2-12), owner name prefix (张伟),
pinyin initials (zw) and phone tail (1234) — for a supervisor of 3 communities and for
the company admin (all 20). The query plans of one query per kind are printed and saved
(EXPLAIN), so index use can be checked.

    .venv/bin/python bench/search_houses.py                     # both backends
    .venv/bin/python bench/search_houses.py --backend sqlite --houses 200000
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import percentile, report, setup_django, teardown  # noqa: E402

GOAL_P95_MS = 50
COMMUNITIES = 20
QUERIES = 200
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
GIVEN = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 文 华 "
    "红 玉兰 建国 志强 晓东 海燕 婷 雪 浩然 子涵 欣怡 梓轩 宇轩 一诺 思远 佳怡 雨桐 俊杰 "
    "晨曦 丹 鹏 辉 斌 宁 颖 琳 倩 莉 慧 鑫 波 燕 萍 建军 国强 建平 春梅 秀珍 海涛 晓明"
).split()


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if not rows:
        return
    cols = ", ".join(columns)
    if connection.vendor == "sqlite":
        marks = ", ".join("?" * len(columns))
        connection.connection.executemany(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows
        )
        return
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def seed(houses: int) -> dict:
    """Bulk-seed `houses` houses in COMMUNITIES communities; return the sample pools."""
    from django.db import connection, transaction

    from anju.core.text import pinyin_full, pinyin_initials
    from anju.estates.models import Community, Company

    rng = random.Random(11)
    sqlite = connection.vendor == "sqlite"
    now = "2026-01-01 00:00:00" + ("" if sqlite else "+08")
    company = Company.objects.create(code="anju", name="安居物业")
    communities = [
        Community.objects.create(company=company, code=f"c{i:02d}", name=f"小区{i:02d}")
        for i in range(COMMUNITIES)
    ]
    per = houses // COMMUNITIES
    pinyin: dict[str, tuple[str, str]] = {}
    phones = rng.sample(range(10**8), int(houses * 1.3) + 10)
    building_rows, unit_rows, house_rows = [], [], []
    person_rows, tie_rows = [], []
    samples: dict[int, list[tuple[str, str, str, str]]] = {}
    bid = uid = hid = pid = tid = 0
    true, false = (1, 0) if sqlite else (True, False)

    def person(community_id: int) -> tuple[int, str, str, str]:
        nonlocal pid
        pid += 1
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in pinyin:
            pinyin[name] = (pinyin_initials(name), pinyin_full(name))
        phone = f"139{phones.pop():08d}"
        person_rows.append(
            (
                pid,
                company.pk,
                name,
                phone,
                "",
                *pinyin[name],
                phone[-4:],
                "",
                None,
                now,
                now,
            )
        )
        return pid, name, phone, pinyin[name][0]

    start = time.perf_counter()
    for community in communities:
        pool = samples.setdefault(community.pk, [])
        made = 0
        building = 0
        last_owner = None
        while made < per:
            building += 1
            bid += 1
            building_rows.append((bid, community.pk, str(building), "", 25))
            units = {}
            for unit in (1, 2):
                uid += 1
                units[unit] = uid
                unit_rows.append((uid, community.pk, bid, str(unit)))
            for floor in range(1, 26):
                for unit in (1, 2):
                    for room in range(1, 5):
                        if made >= per:
                            break
                        made += 1
                        hid += 1
                        room_no = f"{floor}{room:02d}"
                        number = f"{building}-{unit}-{room_no}"
                        house_rows.append(
                            (hid, community.pk, bid, units[unit], room_no, number, floor,
                             "98.50", None, None, "residential", "occupied",
                             None, "", now, now)
                        )  # fmt: skip
                        if last_owner and rng.random() < 0.05:
                            owner = last_owner  # an owner of two houses
                        else:
                            owner = person(community.pk)
                        last_owner = owner
                        tid += 1
                        tie_rows.append(
                            (tid, hid, owner[0], "owner", true, true, None, None)
                        )
                        if rng.random() < 0.2:
                            co = person(community.pk)
                            tid += 1
                            tie_rows.append(
                                (tid, hid, co[0], "owner", false, true, None, None)
                            )
                        if rng.random() < 0.01:
                            pool.append((number, owner[1], owner[3], owner[2][-4:]))
    prepared = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():
        _insert(
            "estates_building",
            ["id", "community_id", "number", "name", "floors"],
            building_rows,
        )
        _insert(
            "estates_unit", ["id", "community_id", "building_id", "number"], unit_rows
        )
        for i in range(0, len(house_rows), 100_000):
            _insert(
                "estates_house",
                ["id", "community_id", "building_id", "unit_id", "room", "number", "floor",
                 "building_area", "inner_area", "registered_area", "usage", "occupancy",
                 "delivery_date", "note", "created_at", "updated_at"],
                house_rows[i : i + 100_000],
            )  # fmt: skip
        for i in range(0, len(person_rows), 100_000):
            _insert(
                "estates_person",
                ["id", "company_id", "name", "phone", "id_number", "name_initials",
                 "name_pinyin", "phone_tail", "note", "user_id", "created_at",
                 "updated_at"],
                person_rows[i : i + 100_000],
            )  # fmt: skip
        for i in range(0, len(tie_rows), 100_000):
            _insert(
                "estates_houseresident",
                ["id", "house_id", "person_id", "relation", "is_primary", "active",
                 "since", "until"],
                tie_rows[i : i + 100_000],
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    inserted = time.perf_counter() - start
    return {
        "communities": [c.pk for c in communities],
        "samples": samples,
        "company": company,
        "prepare_s": prepared,
        "insert_s": inserted,
        "people": len(person_rows),
        "residents": len(tie_rows),
    }


def queries_for(samples: dict, community_ids: list[int], rng: random.Random) -> dict:
    pool = [s for cid in community_ids for s in samples[cid]]
    picks = [rng.choice(pool) for _ in range(QUERIES)]
    return {
        "number_exact": [p[0] for p in picks],
        "number_prefix": [p[0][:-2] for p in picks],
        "name_prefix": [p[1] for p in picks],
        "pinyin_initials": [p[2][:2] for p in picks],
        "phone_tail": [p[3] for p in picks],
    }


def explain(user, q: str) -> list[str]:
    """The plan of every query house_search runs for `q`."""
    from django.db import connection

    from anju.estates.selectors import house_search

    seen: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        list(house_search(user=user, q=q))
    plans = []
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for sql, params in seen:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
            plan = " | ".join(str(r[-1]) if len(r) > 1 else str(r[0]) for r in rows)
            plans.append(f"{sql[:160]}… → {plan}")
    return plans


def run_backend(backend: str, houses: int) -> None:
    setup_django(backend, "search_houses")
    from anju.accounts.choices import Role
    from anju.accounts.models import User
    from anju.estates.selectors import house_search

    data = seed(houses)
    company = data["company"]
    supervisor = User.objects.create(
        username="sup", role=Role.SUPERVISOR, company=company
    )
    mine = data["communities"][:3]
    supervisor.communities.set(mine)
    admin = User.objects.create(username="adm", role=Role.ADMIN, company=company)
    rng = random.Random(5)
    figures = [
        {
            "name": f"search_seed_{houses}_houses_{backend}",
            "value": round(data["prepare_s"] + data["insert_s"], 1),
            "unit": "s",
        }
    ]
    plans: dict[str, list[str]] = {}
    for label, user, scope in (
        ("supervisor", supervisor, mine),
        ("admin", admin, data["communities"]),
    ):
        user = User.objects.get(pk=user.pk)
        kinds = queries_for(data["samples"], scope, rng)
        for kind, values in kinds.items():
            for q in values[:20]:  # warm-up
                list(house_search(user=user, q=q))
            timings, cpu = [], []
            hits = 0
            for q in values:
                start, start_cpu = time.perf_counter(), time.process_time()
                found = list(house_search(user=user, q=q))
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                hits += bool(found)
            p50, p95 = percentile(timings, 50), percentile(timings, 95)
            name = f"search_{kind}_{label}_{backend}"
            figures.append(
                {"name": f"{name}_p50", "value": round(p50, 2), "unit": "ms"}
            )
            # This process's CPU time (the database's too on SQLite): what the query
            # costs when the machine is shared and wall time includes waiting for a core.
            figures.append(
                {
                    "name": f"{name}_cpu_p95",
                    "value": round(percentile(cpu, 95), 2),
                    "unit": "ms",
                }
            )
            figures.append(
                {
                    "name": f"{name}_p95",
                    "value": round(p95, 2),
                    "unit": "ms",
                    "goal": f"< {GOAL_P95_MS} ms",
                    "ok": p95 < GOAL_P95_MS,
                    "queries": len(values),
                    "found": hits,
                }
            )
            if label == "supervisor":
                plans[kind] = explain(user, values[0])
    for kind, lines in plans.items():
        for line in lines:
            print(f"# plan {backend} {kind}: {line}")
    report(
        "search_houses",
        figures,
        extra={
            f"plans_{backend}": plans,
            f"rows_{backend}": {
                "houses": houses,
                "people": data["people"],
                "residents": data["residents"],
            },
        },
    )
    teardown(backend, "search_houses")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=1_000_000)
    parser.add_argument(
        "--backend", choices=["sqlite", "postgres", "both"], default="both"
    )
    args = parser.parse_args()
    if args.backend != "both":
        run_backend(args.backend, args.houses)
        return
    for backend in ("sqlite", "postgres"):  # one process each: Django sets up once
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--houses",
                str(args.houses),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
