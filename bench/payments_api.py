"""Payments through the API: `POST /api/v1/payments/` under gunicorn (goal ≥ 200/s).

Seeds its own database (the billing benchmark's: SQLite under var/bench-billing/,
PostgreSQL `anju_bench_billing`, created and dropped here): one community of 5,000
houses billed by the real bill run for six months, so every house owes six property-fee
lines. A cashier (财务/收费员 of the community, token auth) then records payments for
15 s from client threads: random houses, 100–600 元 (partly paying, allocated to the
oldest unpaid lines, sometimes leaving a credit), mixed channels, a fresh
Idempotency-Key each. Every request is the full path a cashier's client takes: scoped
house lookup, idempotency check, row locks, allocations, bill totals, receipt number,
audit record, and the payment with its allocations and receipt in the answer. Then
the same for 15 s through `POST /api/v1/payments/batch/` in batches of 50 (a bank's
withholding results, a settlement file): each payment still recorded on its own, with
its own key, locks, receipt and audit record.

    .venv/bin/python bench/payments_api.py                     # both backends
    .venv/bin/python bench/payments_api.py --backend sqlite --houses 1000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import billing  # noqa: E402
from bench._common import report  # noqa: E402

GOAL_PER_S = 200
MONTHS = 6
BATCH = 50


def prepare(houses: int):  # type: ignore[no-untyped-def]
    from anju.accounts.choices import Role
    from anju.accounts.models import User
    from anju.billing.periods import month_end
    from anju.billing.services import bill_run_period
    from anju.estates.models import House

    community, admin = billing.seed(houses)
    began = time.perf_counter()
    for month in range(1, MONTHS + 1):
        start = date(2026, month, 1)
        bill_run_period(
            community=community,
            period_start=start,
            period_end=month_end(start),
            actor=admin,
        )
    print(
        f"#   billed {houses} houses × {MONTHS} months in "
        f"{time.perf_counter() - began:.1f} s",
        flush=True,
    )
    cashier = User.objects.create(
        username="cashier", kind="staff", role=Role.FINANCE, company=community.company
    )
    cashier.communities.set([community])
    house_ids = list(
        House.objects.filter(community=community, occupancy="occupied").values_list(
            "pk", flat=True
        )
    )
    return cashier, house_ids


def time_payments(cashier, house_ids: list[int], seconds: float) -> list[dict]:  # type: ignore[no-untyped-def]
    from rest_framework.authtoken.models import Token

    from bench import _http

    token = Token.objects.get_or_create(user=cashier)[0].key
    channels = ["cash", "wechat", "alipay", "pos", "bank_transfer"]

    def request() -> tuple[str, dict[str, str]]:
        body = {
            "house": random.choice(house_ids),
            "amount": f"{random.randint(100, 600)}.00",
            "channel": random.choice(channels),
        }
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        return json.dumps(body), headers

    def batch() -> tuple[str, dict[str, str]]:
        items = [
            {
                "house": random.choice(house_ids),
                "amount": f"{random.randint(100, 600)}.00",
                "channel": "withholding",
                "idempotency_key": uuid.uuid4().hex,
            }
            for _ in range(BATCH)
        ]
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
        }
        return json.dumps({"payments": items}), headers

    with _http.gunicorn() as (port, pids):
        single = _http.hammer(
            port=port,
            pids=pids,
            path="/api/v1/payments/",
            request=request,
            seconds=seconds,
        )
        batches = _http.hammer(
            port=port,
            pids=pids,
            path="/api/v1/payments/batch/",
            request=batch,
            ok=200,
            seconds=seconds,
            warmup=2,
        )
    print(load_line(single, "payments recorded one per request"), flush=True)
    batches.items_per_request = BATCH
    print(load_line(batches, f"payments recorded in batches of {BATCH}"), flush=True)
    return [
        _http.figure("api_payments_per_s", single, GOAL_PER_S, "payments/s"),
        _http.figure(
            f"api_payments_batch{BATCH}_per_s", batches, GOAL_PER_S, "payments/s"
        ),
    ]


def load_line(load, what: str) -> str:  # type: ignore[no-untyped-def]
    from bench import _http

    return load.describe(what, _http.WORKERS)


def run(backend: str, houses: int, seconds: float) -> None:
    billing.setup_database(backend)
    try:
        cashier, house_ids = prepare(houses)
        figures = time_payments(cashier, house_ids, seconds)
        from anju.billing.models import Payment, PaymentAllocation

        print(
            f"#   ledger after the run: {Payment.objects.count()} payments, "
            f"{PaymentAllocation.objects.count()} allocations",
            flush=True,
        )
        for f in figures:
            f["name"] = f"{f['name']}_{backend}"
        report(f"payments_api_{backend}", figures)
    finally:
        billing.teardown_database(backend)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--houses", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.houses, args.seconds)
        return
    for backend in ("sqlite", "postgres"):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--houses",
                str(args.houses),
                "--seconds",
                str(args.seconds),
            ],
            check=False,
        )


if __name__ == "__main__":
    main()
