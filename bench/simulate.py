"""The candidate simulator's table: nine scripted personas per case through the offline interviewer, each checked for
steps reached, rubric text leaked, questions repeated, fact answers, loops and pushbacks (see tests/simulator.py).

Run with `.venv/bin/python bench/simulate.py`. Prints the table and the time per interview turn; `make test` runs the
same personas as assertions.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from simulator import run_all, table  # noqa: E402

CASES = ("ad-click-prediction", "video-recommendation", "harmful-content-detection")


def main() -> int:
    started = time.perf_counter()
    runs = run_all(CASES)
    seconds = time.perf_counter() - started
    print(table(runs))
    turns = sum(run.turns for run in runs)
    print(f"\n{len(runs)} interviews, {turns} turns in {seconds:.2f} s ({1000 * seconds / turns:.2f} ms a turn)")
    failed = [run for run in runs if run.problems]
    print(f"{len(runs) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
