"""Run every benchmark under bench/ (`make bench`), each in its own process.

Each benchmark prints `name value unit (goal …)` lines and writes var/bench/<subject>.json;
this runner adds nothing but the order and a summary of the goals missed.

    .venv/bin/python bench/run_all.py [subject …]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def subjects() -> list[Path]:
    return sorted(
        p
        for p in HERE.glob("*.py")
        if not p.name.startswith("_") and p.name != "run_all.py"
    )


def main() -> int:
    wanted = set(sys.argv[1:])
    failed = []
    for script in subjects():
        if wanted and script.stem not in wanted:
            continue
        print(f"== {script.stem}", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], check=False)
        print(f"== {script.stem} took {time.perf_counter() - start:.0f} s", flush=True)
        if done.returncode:
            failed.append(script.stem)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
