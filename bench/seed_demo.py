"""seed_demo benchmark: `seed_demo --houses 100000` into an empty SQLite database.

Master data only (`--no-operations`): the operations story (bills, payments, tickets,
dunning) runs the services one call at a time and is sized for the default 2,000 houses.

.venv/bin/python bench/seed_demo.py [--houses 100000]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import peak_rss_mb, report, setup_django, teardown  # noqa: E402

GOAL_SECONDS = 120


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=100_000)
    args = parser.parse_args()
    setup_django("sqlite", "seed_demo")
    from django.core.management import call_command

    from anju.estates.models import House, HouseResident, Person

    start, start_cpu = time.perf_counter(), time.process_time()
    call_command(
        "seed_demo", houses=args.houses, no_operations=True, stdout=io.StringIO()
    )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    counts = {
        "houses": House.objects.count(),
        "people": Person.objects.count(),
        "residents": HouseResident.objects.count(),
    }
    assert counts["houses"] == args.houses, counts
    report(
        "seed_demo",
        [
            {
                "name": f"seed_demo_{args.houses}_houses_sqlite",
                "value": round(seconds, 1),
                "unit": "s",
                "goal": f"< {GOAL_SECONDS} s",
                "ok": seconds < GOAL_SECONDS,
            },
            {
                "name": f"seed_demo_{args.houses}_houses_sqlite_cpu",
                "value": round(cpu, 1),
                "unit": "s",
            },
            {
                "name": f"seed_demo_{args.houses}_houses_peak_rss",
                "value": round(peak_rss_mb()),
                "unit": "MB",
            },
        ],
        extra={"counts": counts},
    )
    teardown("sqlite", "seed_demo")


if __name__ == "__main__":
    main()
