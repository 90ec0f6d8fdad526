"""Practice figures (issue 14): the History screen's open time with 500 indexed attempts against the case picker's,
and the `history` command's wall time against `interviewer cases`, each a ratio measured in the same run.

Run with `.venv/bin/python bench/practice.py` (`--quick` for 3 runs). Prints figures; asserts nothing.
Target: the History screen open (its attempts, chart and notes on screen) within 1.5x of the case picker's (its
list, and its per case stats from the same index, on screen).

The history is built in a temporary data folder: nine real interviews (three cases, three answer qualities) on the
stub, each copied to 500 transcripts in all and recorded in the index with its own time (one a day), so opening the
screen finds 500 files to check and nothing to regrade, as on a machine with that many finished interviews.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
ATTEMPTS = 500
RUNS = 9
DAY = 86400.0


def show(label: str, seconds: list[float], extra: str = "") -> float:
    median = statistics.median(seconds) * 1000
    print(f"{label:<56} median {median:8.1f} ms  min {min(seconds) * 1000:8.1f} ms  {extra}")
    return median


def build_history(data: Path) -> None:
    from practice_helpers import finished_interview

    from interviewer.practice.index import HistoryIndex
    from interviewer.practice.records import graded_entry

    transcripts = data / "transcripts"
    transcripts.mkdir(parents=True)
    seeds = []
    for case_id in ("ad-click-prediction", "video-recommendation", "harmful-content-detection"):
        for quality in ("weak", "partial", "strong"):
            path = transcripts / f"seed-{case_id}-{quality}.json"
            finished_interview(path, quality, case_id)
            seeds.append((path, graded_entry(path)))
    start = time.time() - ATTEMPTS * DAY
    with HistoryIndex.open(transcripts) as index:
        for number in range(ATTEMPTS):
            seed, entry = seeds[number % len(seeds)]
            path = seed if number < len(seeds) else transcripts / f"attempt-{number:03d}.json"
            if path != seed:
                shutil.copyfile(seed, path)
            when = start + number * DAY
            index.record(path, dataclasses.replace(entry, started_at=when - 2700, ended_at=when))
        assert len(index.attempts()) == ATTEMPTS


async def open_times(runs: int) -> tuple[list[float], list[float], list[float]]:
    from textual.app import App
    from textual.widgets import DataTable, OptionList
    from tui_helpers import wait_until

    from interviewer.catalog import case_files, peek_case
    from interviewer.framework import Level
    from interviewer.tui.history_screen import HistoryScreen
    from interviewer.tui.picker import CasePickerScreen

    class Host(App[None]):
        CSS_PATH = str(ROOT / "interviewer" / "tui" / "app.tcss")

    picker_list, picker_stats, history = [], [], []
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(runs):  # interleaved, so both see the same machine load
            start = time.perf_counter()
            cases = [peek_case(path) for path in case_files()]
            picker = CasePickerScreen(cases, Level.SENIOR)
            await app.push_screen(picker)
            listed = picker.query_one("#cases", OptionList)
            await wait_until(pilot, lambda listed=listed: listed.option_count > 0, timeout=30)
            await pilot.pause()
            picker_list.append(time.perf_counter() - start)
            await wait_until(pilot, lambda picker=picker: bool(picker.stats), timeout=30)
            await pilot.pause()
            picker_stats.append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()

            start = time.perf_counter()
            screen = HistoryScreen()
            await app.push_screen(screen)
            await wait_until(
                pilot,
                lambda screen=screen: screen.history is not None and screen.query_one("#attempts", DataTable).row_count,
                timeout=30,
            )
            await pilot.pause()
            history.append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()
    return picker_list, picker_stats, history


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    runs = 3 if "--quick" in sys.argv else RUNS
    data = Path(tempfile.mkdtemp(prefix="interviewer-bench-practice-"))
    os.environ["INTERVIEWER_DATA_DIR"] = str(data)
    env = {**os.environ}
    try:
        began = time.perf_counter()
        build_history(data)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {runs} runs each, {ATTEMPTS} attempts indexed")
        print(f"(history built in {time.perf_counter() - began:.1f} s)")
        picker_list, picker_stats, history = asyncio.run(open_times(runs))
        base = show("case picker open: the list on screen", picker_list)
        stats = show("case picker open: with per case stats from the index", picker_stats)
        mine = show(f"History screen open: {ATTEMPTS} attempts, chart and notes", history)
        for label, against in (("the picker's list", base), ("the picker with its stats", stats)):
            ratio = mine / against
            verdict = "ok" if ratio <= 1.5 else "OVER TARGET"
            print(f"{f'  ratio to {label} (target <= 1.5x)':<56} {ratio:.2f}x  {verdict}")
        exe = str(Path(sys.executable).parent / "interviewer")
        cases, text, as_json = [], [], []
        for _ in range(runs):
            cases.append(wall([exe, "cases"], env))
            text.append(wall([exe, "history"], env))
            as_json.append(wall([exe, "history", "--json"], env))
        floor = show("interviewer cases (wall)", cases)
        shown = show(f"interviewer history (wall, {ATTEMPTS} attempts)", text)
        show(f"interviewer history --json (wall, {ATTEMPTS} attempts)", as_json)
        print(f"{'  ratio of history to cases':<56} {shown / floor:.2f}x")
        if "--no-rebuild" not in sys.argv:
            rebuild = [wall([exe, "history", "--rebuild"], env)]
            show(f"interviewer history --rebuild (wall, regrades {ATTEMPTS} files)", rebuild)
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
