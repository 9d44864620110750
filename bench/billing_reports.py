"""Finance report benchmark: a community-year of 10,000 houses × 12 monthly bills.

Seeds its own database (SQLite file under var/bench-db/, PostgreSQL database
`anju_bench_billing_reports`, created and dropped here) by raw bulk inserts: one
community of 10,000 houses in 50 buildings, the property fee billed every month of 2025
(120,000 bills and lines), and the payments of a typical community — about 85 % of the
lines paid in their month, 8 % one to three months late, the rest still owed; channels
mixed; 0.3 % of the payments reversed and taken again by another channel — each with its
allocation (about 110,000 payments and as many allocations). Then measures, worst of 5:

- the collection-rate report of the community-year (`finance.collection_report`: the
  collection and recovery rates of each month, each building and the year; goal < 1 s);
- the whole finance report (`finance.finance_report`: months, communities, buildings,
  income by channel and fee item, aging, dunning; goal < 1 s).

    .venv/bin/python bench/billing_reports.py                   # both backends
    .venv/bin/python bench/billing_reports.py --backend sqlite --houses 500
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402
from bench._common import report, setup_django, teardown  # noqa: E402

# Our own PostgreSQL database: other benchmarks may be using `anju_bench`.
_common.PG_DB = "anju_bench_billing_reports"
NAME = "billing_reports"
YEAR = 2025
PER_BUILDING = 200
GOAL_S = 1.0
REPEAT = 5
CHANNELS = ("cash", "wechat", "wechat", "alipay", "bank_transfer", "pos", "withholding")


def _insert(model, columns: tuple[str, ...], rows) -> None:  # type: ignore[no-untyped-def]
    """Bulk insert with every other column at its model default (or NULL), so the
    seed keeps working when a nullable or defaulted column is added to the model."""
    from anju.core import bulk

    rest = [
        f
        for f in model._meta.concrete_fields
        if f.column not in columns and not f.primary_key
    ]
    tail = tuple(f.get_default() if f.has_default() else None for f in rest)
    bulk.insert_rows(
        model,
        (*columns, *(f.column for f in rest)),
        (tuple(row) + tail for row in rows),
        ignore_conflicts=False,
    )


def seed(houses: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from anju.accounts.choices import Role
    from anju.accounts.models import User
    from anju.billing.models import (
        Bill,
        BillLine,
        FeeItem,
        Payment,
        PaymentAllocation,
        PricePlan,
    )
    from anju.billing.periods import month_end
    from anju.core import bulk
    from anju.estates.models import Building, Community, Company, House

    rng = random.Random(2025)
    t0 = time.perf_counter()
    company = Company.objects.create(code="anju", name="安居物业")
    community = Community.objects.create(company=company, code="lsy", name="绿水苑")
    actor = User.objects.create(
        username="bench", kind="staff", role=Role.ADMIN, company=company
    )
    item = FeeItem.objects.create(
        community=community, code="wyf", name="物业费", kind="area_based"
    )
    PricePlan.objects.create(
        fee_item=item, unit_price=Decimal("2.50"), effective_from=date(2020, 1, 1)
    )
    n_buildings = (houses + PER_BUILDING - 1) // PER_BUILDING
    Building.objects.bulk_create(
        [Building(community=community, number=str(b + 1)) for b in range(n_buildings)]
    )
    buildings = list(
        Building.objects.filter(community=community)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    house_cols = (
        "community_id", "building_id", "room", "number", "floor", "building_area",
        "usage", "occupancy", "note", "created_at", "updated_at",
    )  # fmt: skip
    areas = [Decimal(rng.randint(6000, 16000)) / 100 for _ in range(houses)]
    with transaction.atomic():
        _insert(
            House,
            house_cols,
            (
                (
                    community.pk,
                    buildings[i // PER_BUILDING],
                    f"{i % PER_BUILDING + 1:03d}",
                    f"{i // PER_BUILDING + 1}-{i % PER_BUILDING + 1:03d}",
                    1,
                    areas[i],
                    "residential",
                    "occupied",
                    "",
                    now,
                    now,
                )  # fmt: skip
                for i in range(houses)
            ),
        )
    house_ids = list(
        House.objects.filter(community=community)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    tz = timezone.get_current_timezone()
    bill_cols = (
        "id", "community_id", "house_id", "run_id", "period_start", "period_end",
        "total", "discount_total", "paid_total", "status", "created_at",
    )  # fmt: skip
    line_cols = (
        "id", "bill_id", "house_id", "fee_item_id", "kind", "description",
        "period_start", "period_end", "quantity", "unit_price", "months", "days",
        "month_days", "rate", "amount", "discount_amount", "paid_amount", "status",
        "created_at", "due_date",
    )  # fmt: skip
    pay_cols = (
        "id", "company_id", "community_id", "house_id", "kind", "channel", "amount",
        "credit_amount", "idempotency_key", "received_by_id", "received_at",
        "reversal_of_id", "reason",
    )  # fmt: skip
    alloc_cols = ("payment_id", "line_id", "amount", "created_at")
    counts = {"bills": 0, "payments": 0, "allocations": 0, "unpaid": 0}
    for month in range(1, 13):
        start = date(YEAR, month, 1)
        end = month_end(start)
        with transaction.atomic():
            bill_ids = bulk.reserve_ids(Bill, houses)
            line_ids = bulk.reserve_ids(BillLine, houses)
            bills, lines, payments, allocations = [], [], [], []
            for i, house_id in enumerate(house_ids):
                amount = (areas[i] * Decimal("2.50")).quantize(Decimal("0.01"))
                roll = rng.random()
                if roll < 0.85:
                    paid_on = start + timedelta(days=rng.randint(0, end.day - 1))
                elif roll < 0.93:
                    paid_on = start + timedelta(days=rng.randint(31, 110))
                else:
                    paid_on = None
                if paid_on is not None and paid_on > date(YEAR, 12, 31):
                    paid_on = None
                status = "paid" if paid_on else "unpaid"
                paid = amount if paid_on else Decimal("0.00")
                bills.append(
                    (
                        bill_ids[i],
                        community.pk,
                        house_id,
                        None,
                        start,
                        end,
                        amount,
                        Decimal("0.00"),
                        paid,
                        status,
                        now,
                    )  # fmt: skip
                )
                lines.append(
                    (
                        line_ids[i],
                        bill_ids[i],
                        house_id,
                        item.pk,
                        "periodic",
                        f"物业费 {start:%Y-%m}",
                        start,
                        end,
                        areas[i],
                        Decimal("2.50"),
                        1,
                        0,
                        0,
                        Decimal("1"),
                        amount,
                        Decimal("0.00"),
                        paid,
                        status,
                        now,
                        start,
                    )  # fmt: skip
                )
                if paid_on is None:
                    counts["unpaid"] += 1
                    continue
                at = datetime(
                    paid_on.year,
                    paid_on.month,
                    paid_on.day,
                    rng.randint(8, 20),
                    tzinfo=tz,
                )
                channel = rng.choice(CHANNELS)
                payments.append([house_id, "payment", channel, amount, at, None, i])
                if rng.random() < 0.003:  # wrong channel: reversed, taken again
                    payments.append(
                        [house_id, "reversal", channel, -amount, at + timedelta(hours=1),
                         len(payments) - 1, i]
                    )  # fmt: skip
                    payments.append(
                        [house_id, "payment", "cash", amount, at + timedelta(hours=1),
                         None, i]
                    )  # fmt: skip
            pay_ids = bulk.reserve_ids(Payment, len(payments))
            pay_rows = []
            for k, (house_id, kind, channel, amount, at, rev, i) in enumerate(payments):
                pay_rows.append(
                    (
                        pay_ids[k],
                        company.pk,
                        community.pk,
                        house_id,
                        kind,
                        channel,
                        amount,
                        Decimal("0.00"),
                        f"b{month}-{k}",
                        actor.pk,
                        at,
                        pay_ids[rev] if rev is not None else None,
                        "",
                    )  # fmt: skip
                )
                allocations.append((pay_ids[k], line_ids[i], amount, at))
            _insert(Bill, bill_cols, bills)
            _insert(BillLine, line_cols, lines)
            _insert(Payment, pay_cols, pay_rows)
            _insert(PaymentAllocation, alloc_cols, allocations)
        counts["bills"] += len(bills)
        counts["payments"] += len(pay_rows)
        counts["allocations"] += len(allocations)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    counts["seconds"] = time.perf_counter() - t0
    return {"community": community, "actor": actor, **counts}


def _worst(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    fn()  # warm: the first call pays for imports and the statement cache
    times, result = [], None
    for _ in range(REPEAT):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return max(times), result


def measure(seeded: dict) -> list[dict]:
    from anju.billing import finance

    community, actor = seeded["community"], seeded["actor"]
    period = finance.period_for(year=YEAR)
    tz = finance.community_tz(community)
    rates_s, collection = _worst(
        lambda: finance.collection_report(
            community_id=community.pk, period=period, tz=tz
        )
    )
    full_s, full = _worst(
        lambda: finance.finance_report(
            user=actor,
            community=community,
            communities=[community],
            period=period,
            today=date(YEAR + 1, 1, 15),
        )
    )
    months, total = collection.months, collection.total
    print(
        f"#   {YEAR}: billed {total.billed}, collected {total.collected} "
        f"({total.collection_rate} %), income {full.income}, "
        f"arrears {full.aging['total']} in {full.aging['houses']} houses; "
        f"months {[str(m.collection_rate) for m in months]}",
        flush=True,
    )
    return [
        {
            "name": f"seed_{seeded['bills']}_bills",
            "value": round(seeded["seconds"], 1),
            "unit": "s",
            "note": f"{seeded['payments']} payments, {seeded['allocations']} allocations",
        },
        {
            "name": "collection_rate_community_year",
            "value": round(rates_s, 3),
            "unit": "s",
            "goal": f"< {GOAL_S} s",
            "ok": rates_s < GOAL_S,
            "note": f"{seeded['bills']} lines, 12 months and the year, worst of {REPEAT}",
        },
        {
            "name": "finance_report_community_year",
            "value": round(full_s, 3),
            "unit": "s",
            "goal": f"< {GOAL_S} s",
            "ok": full_s < GOAL_S,
            "note": "months, buildings, communities, income, aging, dunning; "
            f"worst of {REPEAT}",
        },
    ]


def cpu_calibration() -> dict:
    """Seconds for a fixed pure-Python loop: shows how busy the machine was."""
    t = time.perf_counter()
    sum(range(10_000_000))
    return {
        "name": "cpu_calibration",
        "value": round(time.perf_counter() - t, 3),
        "unit": "s",
        "note": "sum(range(10**7)); about 0.2 s on an idle core",
    }


def run(backend: str, houses: int) -> None:
    calibration = cpu_calibration()
    setup_django(backend, NAME)
    try:
        results = measure(seed(houses)) + [calibration]
        for r in results:
            r["name"] = f"{r['name']}_{houses // 1000}k_{backend}"
        report(f"billing_reports_{backend}", results)
    finally:
        teardown(backend, NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--houses", type=int, default=10_000)
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.houses)
        return
    for backend in ("sqlite", "postgres"):
        # Each database in a fresh process: Django is configured once per process.
        subprocess.run(
            [sys.executable, __file__, "--backend", backend,
             "--houses", str(args.houses)],
            check=False,
        )  # fmt: skip


if __name__ == "__main__":
    main()
