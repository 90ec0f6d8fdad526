"""Transcript store figures (issue 7): the cost of saving a turn, the bytes written, and the whole turn, each as a
ratio against a baseline measured in the same run.

Run with `make bench` (or `.venv/bin/python bench/store.py [--replies N]`). Prints figures; asserts nothing.
Targets: a save at reply 1,000 within 1.5x of one at reply 10; bytes written for 1,000 replies within 3x the final
transcript's size; a scripted 1,500-reply line-mode interview under 12x a 150-reply one.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer import store as stores  # noqa: E402
from interviewer import transcript as transcripts  # noqa: E402
from interviewer.framework import Level  # noqa: E402
from interviewer.interview import Interview  # noqa: E402
from interviewer.plain import LineMode  # noqa: E402
from interviewer.policy import Policy  # noqa: E402
from interviewer.rubric import Case, load_case  # noqa: E402
from interviewer.transcript import Transcript  # noqa: E402

CASE = "ad-click-prediction"
SHORT = ("Okay.", "Got it.", "Makes sense.", "Noted, thanks.")  # fewer than four words: the stub asks to go on


def replies(count: int, case: Case) -> list[str]:
    """Clarifying questions (answered from the fact sheet) and short acknowledgements: each keeps the interview in
    its first step, so a long run really is one long step with a long transcript behind every turn."""
    questions = [f"Could you tell me about the {fact.keywords[0]}?" for fact in case.facts]
    pool = [q for pair in zip(questions, SHORT * len(questions), strict=False) for q in pair]
    return [f"{pool[index % len(pool)]}" for index in range(count)]


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        return timed


class Bytes:
    """Bytes the store hands to the kernel (every pwrite of a journal line or a whole file)."""

    def __init__(self) -> None:
        self.count = 0
        self._real = transcripts.write_all

    def __call__(self, fd: int, data: bytes, offset: int) -> None:
        self.count += len(data)
        self._real(fd, data, offset)


def wchar() -> int | None:
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


# -- the store as it was (for comparison): the whole file rewritten atomically on every change ----------------------


class RewriteInterview(Interview):
    """The previous store: every change rewrites the whole JSON transcript (temp file + rename), flushed in the
    background."""

    def _save(self, transcript: Transcript, whole: bool = False) -> None:
        transcripts.save(transcript, self.path, durable=whole)
        if not whole:
            transcripts.SYNCER.request(self.path)

    def close(self) -> None:
        pass


def new_interview(case: Case, path: Path, old: bool = False) -> Interview:
    if old:
        transcript = Transcript(case_id=case.id, case_title=case.title, level=Level.SENIOR, model="stub")
        return RewriteInterview(case, transcript, Policy(), path)
    return Interview.create(case, Level.SENIOR, Policy(), path)


def save_costs(case: Case, folder: Path, count: int, old: bool) -> tuple[list[float], int, int]:
    """Seconds spent saving per reply (the reply's own save and the interviewer's answer), bytes written, final
    size."""
    timer = Timer()
    counter = Bytes()
    target = (RewriteInterview, "_save") if old else (stores.Store, "append")
    per_reply: list[float] = []
    path = folder / f"{'old' if old else 'new'}-{stores.SYNC_EACH_LINE}.json"
    with patch.object(*target, timer.wrap(getattr(*target))), patch.object(transcripts, "write_all", counter):
        interview = new_interview(case, path, old)
        interview.start()
        for text in replies(count, case):
            before = timer.seconds
            interview.reply(text)
            per_reply.append(timer.seconds - before)
        interview.end()
        interview.close()
    return per_reply, counter.count, path.stat().st_size


def around(values: list[float], reply: int, width: int = 10) -> float:
    """Median of the figures for the replies around `reply` (1-based), against one-off noise."""
    window = values[max(0, reply - 1 - width) : reply + width]
    return statistics.median(window)


def bench_saves(case: Case, count: int) -> None:
    print(f"\nsaving a turn: {count} replies in one step (stub), in process")
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:  # the project's disk, not a tmpfs
        folder = Path(tmp)
        default = stores.SYNC_EACH_LINE
        for label, old, sync in (
            ("journal, fdatasync of each line on the turn's path" + (" (the default)" if default else ""), False, True),
            ("journal, flushed on the background thread" + ("" if default else " (the default)"), False, False),
            ("previous store: the whole file rewritten (temp + rename) on every change", True, False),
        ):
            with patch.object(stores, "SYNC_EACH_LINE", sync):
                io_before = wchar()
                costs, written, size = save_costs(case, folder, count, old)
                io_after = wchar()
            early, late = around(costs, 10), around(costs, count)
            verdict = "" if old else ("  target <= 1.5x  " + ("ok" if late <= 1.5 * early else "OVER TARGET"))
            print(f"  {label}")
            print(
                f"    save per reply at reply 10 {early * 1000:7.3f} ms, at reply {count} {late * 1000:7.3f} ms: "
                f"{late / early:5.2f}x{verdict}"
            )
            ratio = written / size
            verdict = "" if old else ("  target <= 3x  " + ("ok" if ratio <= 3 else "OVER TARGET"))
            extra = f" (process wchar {(io_after - io_before) / 1e6:.2f} MB)" if io_before is not None else ""
            print(
                f"    bytes written {written / 1e6:8.2f} MB{extra}, final transcript {size / 1e6:.3f} MB: "
                f"{ratio:6.2f}x{verdict}"
            )


def line_mode_run(case: Case, folder: Path, count: int, run: int) -> float:
    """Wall time of a scripted line-mode interview: create, `count` replies, /end with its grade, close."""
    script = "\n".join([*replies(count, case), "/end"]) + "\n"
    path = folder / f"line-{count}-{run}.json"
    start = time.perf_counter()
    interview = Interview.create(case, Level.SENIOR, Policy(), path)
    LineMode(interview, stdin=io.StringIO(script), stdout=io.StringIO()).run()
    seconds = time.perf_counter() - start
    transcript = transcripts.load(path)
    said = sum(1 for turn in transcript.turns if turn.role.value == "candidate")
    assert said == count and transcript.finished, (said, count)
    return seconds


def bench_line_mode(case: Case, small: int, large: int, runs: int) -> None:
    print(f"\nscripted line-mode interview (in process, StringIO stdin/stdout), {runs} runs each, interleaved")
    times: dict[int, list[float]] = {small: [], large: []}
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        for run in range(runs):
            for count in (small, large):
                times[count].append(line_mode_run(case, Path(tmp), count, run))
    for count in (small, large):
        median = statistics.median(times[count])
        print(f"  {count:5d} replies  median {median * 1000:9.1f} ms  ({median / count * 1000:.3f} ms a reply)")
    ratio = statistics.median(times[large]) / statistics.median(times[small])
    print(
        f"  ratio {large} / {small} replies: {ratio:.2f}x (linear would be {large / small:.0f}x)  target < 12x  "
        + ("ok" if ratio < 12 else "OVER TARGET")
    )


def bench_step_grade(case: Case, count: int) -> None:
    """The step grade the interviewer asks for each turn (the LLM interviewer every turn, the stub on answers)."""
    print(f"\nstep grade after each reply, {count} answers in one step (in process)")
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        interview = Interview.create(case, Level.SENIOR, Policy(), Path(tmp) / "grade.json")
        interview.start()
        answers = [f"We would log impressions and clicks for the model, take {n}." for n in range(count)]
        costs = []
        for text in answers:
            interview.session.reply(text)
            start = time.perf_counter()
            interview.policy.decider.step_grade(interview.view())
            costs.append(time.perf_counter() - start)
        interview.close()
    early, late = around(costs, 10), around(costs, count)
    print(f"  at answer 10 {early * 1000:7.3f} ms, at answer {count} {late * 1000:7.3f} ms: {late / early:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000, help="replies for the save figures (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each line-mode interview (default 3)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cores")
    case = load_case(CASE)
    bench_saves(case, args.replies)
    bench_line_mode(case, 150, 1500, args.runs)
    bench_step_grade(case, args.replies)


if __name__ == "__main__":
    main()
