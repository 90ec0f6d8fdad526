"""TUI speed figures: time to first paint in a real terminal, and the delay from send to the stub's reply shown;
and how they hold at any length (issue 10): a replay, a resume and a reply at 2,000 turns against a short interview.

Run with `.venv/bin/python bench/tui.py` (needs tmux; `--quick` for 3 runs, `--length` for the
figures at any length only, `--paint` for the first paint and the first question only). Prints figures; asserts nothing.
Targets (issue 3): first paint within 1.3x of a minimal Textual app measured the same way; reply under 50 ms.
Targets (issue 10), each a ratio measured in the same run: the case prompt and first question on screen within 1.5x
of the minimal app's first paint; a replay of 2,000 turns open within 1.5x of one of 100; a resume of 2,000 turns
usable (the last turn on screen, a key typed shown in the reply box) within 2x of one of 100; a reply shown after
ctrl+s as fast at turn 2,000 as at turn 20.

First paint: each program is started in a fresh 80x24 tmux pane and the pane is polled every few milliseconds
until a known text appears. Reply: in a running app, the time from pressing ctrl+s to the reply being fully shown,
measured in a real terminal (tmux, polled) and in process (headless Pilot, from the key press to `ReplyFinished`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CASE = "ad-click-prediction"
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("minimal app ready")

Minimal().run()
"""
RUNS = 9
FIRST_QUESTION = "Before we design anything"
INTERVIEW_READY = "▶ Requirements"  # the sidebar's current step, marked once the interview has loaded
FIRST_QUESTION_END = "constraints?"  # how the first question ends (its last word, whatever the wrapping)
ECHO_APP = """
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static, TextArea

class Echo(App):
    BINDINGS = [Binding("ctrl+s", "send")]

    def compose(self):
        yield TextArea(id="box")

    async def action_send(self):
        box = self.query_one(TextArea)
        await self.mount(Static("echo: " + box.text), before=box)
        box.clear()

Echo().run()
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def time_to_text(command: str, marker: str, env: dict[str, str], timeout: float = 15.0) -> float:
    session = f"bench{os.getpid()}"
    tmux("kill-session", "-t", session)
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        env=env,
        check=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            if marker in tmux("capture-pane", "-p", "-t", session):
                return time.perf_counter() - start
            time.sleep(0.003)
        raise RuntimeError(f"{marker!r} never appeared")
    finally:
        tmux("kill-session", "-t", session)


def wait_for(session: str, marker: str, timeout: float = 10.0, start: float | None = None) -> float:
    start = time.perf_counter() if start is None else start
    while time.perf_counter() - start < timeout:
        if marker in tmux("capture-pane", "-p", "-t", session):
            return time.perf_counter() - start
        time.sleep(0.002)
    raise RuntimeError(f"{marker!r} never appeared")


def show(label: str, seconds: list[float], extra: str = "") -> float:
    median = statistics.median(seconds) * 1000
    print(f"{label:<52} median {median:7.1f} ms  min {min(seconds) * 1000:7.1f} ms  {extra}")
    return median


def bench_first_paint(env: dict[str, str]) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(MINIMAL_APP)
    minimal = f"{sys.executable} {handle.name}"
    ours = f"{BIN / 'interviewer'} start --case {CASE}"
    minimal_times, our_times, question_times = [], [], []
    for _ in range(RUNS):  # interleaved, so both see the same machine load
        minimal_times.append(time_to_text(minimal, "minimal app ready", env))
        our_times.append(time_to_text(ours, "Ad click prediction", env))
        # The opening: the case prompt, then the first question, which ends with this text.
        question_times.append(time_to_text(ours, FIRST_QUESTION_END, env))
    base = show("first paint: minimal Textual app (tmux 80x24)", minimal_times)
    mine = show(f"first paint: interviewer start --case {CASE}", our_times)
    ratio = mine / base
    print(f"{'  ratio (target <= 1.3x)':<52} {ratio:.2f}x  {'ok' if ratio <= 1.3 else 'OVER TARGET'}")
    asked = show("case prompt and first question on screen", question_times)
    ratio = asked / base
    print(f"{'  ratio to minimal first paint (target <= 1.5x)':<52} {ratio:.2f}x  {'ok' if ratio <= 1.5 else 'OVER'}")
    os.unlink(handle.name)


def bench_reply_in_terminal(env: dict[str, str]) -> None:
    sys.path.insert(0, str(ROOT))
    from interviewer.policy.facts import best_fact
    from interviewer.rubric import load_case

    case = load_case(CASE)
    # A different fact each time, so its answer is new on screen; the marker is the start of that answer.
    pairs = []
    for fact in case.facts:
        question = f"Can you tell me about the {fact.keywords[0]}?"
        if best_fact(case, question) == fact:
            pairs.append((question, " ".join(fact.answer.split()[:3])))
    session = f"reply{os.getpid()}"
    command = f"{BIN / 'interviewer'} start --case {CASE}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], env=env, check=True)
    times = []
    try:
        wait_for(session, FIRST_QUESTION)
        # The first question is drawn before the case has loaded; a reply sent then waits for it (and would time
        # the loading): the sidebar marks the current step once the interview is ready.
        wait_for(session, INTERVIEW_READY)
        for question, marker in pairs[:8]:
            tmux("send-keys", "-t", session, "-l", question)
            time.sleep(0.3)
            start = time.perf_counter()
            tmux("send-keys", "-t", session, "C-s")
            times.append(wait_for(session, marker, start=start))
            time.sleep(0.3)
    finally:
        tmux("kill-session", "-t", session)
    show("reply shown after ctrl+s (tmux, polled every 2 ms)", times, "target < 50 ms")


def bench_echo_floor(env: dict[str, str]) -> None:
    """The same measurement on a minimal Textual app that only echoes the text: what tmux and Textual cost anyone."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(ECHO_APP)
    session = f"echo{os.getpid()}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"{sys.executable} {handle.name}"],
        env=env,
        check=True,
    )
    times = []
    try:
        time.sleep(1.0)
        for index in range(8):
            tmux("send-keys", "-t", session, "-l", f"message{index}x")
            time.sleep(0.3)
            start = time.perf_counter()
            tmux("send-keys", "-t", session, "C-s")
            times.append(wait_for(session, f"echo: message{index}x", start=start))
            time.sleep(0.2)
    finally:
        tmux("kill-session", "-t", session)
        os.unlink(handle.name)
    show("  floor: minimal echo app, same measurement", times)


async def reply_in_process(make: Callable[[Path], object], count: int = 20) -> list[float]:
    """Key press to `ReplyFinished`, in process, on the interview `make(folder)` returns (a new or resumed one)."""
    sys.path.insert(0, str(ROOT))
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.interview_screen import InterviewScreen
    from interviewer.tui.messages import ReplyFinished
    from interviewer.tui.widgets import ReplyBox

    finished: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        interview = make(Path(tmp))
        app = InterviewerApp(InterviewScreen(interview))

        def hook(message: object) -> None:
            if isinstance(message, ReplyFinished):
                finished.append(time.perf_counter())

        times = []
        async with app.run_test(size=(100, 40), message_hook=hook) as pilot:
            await pilot.pause(0.3)
            for index in range(count):
                app.screen.query_one(ReplyBox).load_text(
                    "What is the latency budget?" if index % 2 else "How many daily active users?"
                )
                done = len(finished)
                start = time.perf_counter()
                await pilot.press("ctrl+s")
                while len(finished) == done:
                    await asyncio.sleep(0.001)
                times.append(finished[-1] - start)
        interview.close()  # type: ignore[attr-defined]
    return times


def new_interview(folder: Path):
    from interviewer.framework import Level
    from interviewer.interview import Interview
    from interviewer.policy import Policy
    from interviewer.rubric import load_case

    return Interview.create(load_case(CASE), Level.SENIOR, Policy(), folder / "t.json")


# -- at any length (issue 10) ----------------------------------------------------------------------------------------


def long_transcript(folder: Path, replies: int, finished: bool) -> Path:
    """A stub interview of `replies` clarifying questions and acknowledgements (two turns each, all in the first
    step: a fixed clock keeps its budget from running out), ended or left open to resume. The last reply is one of
    a kind, so the pane shows when the last turns are on screen."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from store import replies as scripted_replies

    from interviewer.framework import Level
    from interviewer.interview import Interview
    from interviewer.policy import Policy
    from interviewer.rubric import load_case

    case = load_case(CASE)
    path = folder / f"{replies}-{'finished' if finished else 'open'}.json"
    if path.exists():  # made for an earlier figure of this run
        return path
    with Interview.create(case, Level.SENIOR, Policy(), path, clock=lambda: 1000.0) as interview:
        interview.start()
        for text in scripted_replies(replies - 1, case):
            interview.reply(text)
        interview.reply(last_reply(replies))
        if finished:
            interview.end()
    return path


def last_reply(replies: int) -> str:
    return f"One last thing, question number {replies}: is the latency budget strict?"


def turns_in(path: Path) -> int:
    from interviewer.transcript import load

    return len(load(path).turns)


def bench_replay_open(env: dict[str, str], folder: Path, small: int, large: int, runs: int) -> None:
    """Launch to the replay's first turn shown (its status line), 100 turns against 2,000, interleaved."""
    paths = {size: long_transcript(folder, size, finished=True) for size in (small, large)}
    times: dict[int, list[float]] = {small: [], large: []}
    for _ in range(runs):
        for size, path in paths.items():
            times[size].append(time_to_text(f"{BIN / 'interviewer'} replay {path}", "Turn 1/", env))
    base = show(f"replay open: {turns_in(paths[small]):,} turns", times[small])
    long = show(f"replay open: {turns_in(paths[large]):,} turns", times[large])
    ratio = long / base
    print(f"{'  ratio (target <= 1.5x)':<52} {ratio:.2f}x  {'ok' if ratio <= 1.5 else 'OVER TARGET'}")


def resumed(command_path: Path, folder: Path, name: str) -> Path:
    """A fresh copy to resume: a resume takes the file, and a killed app leaves it as its journal says."""
    copy = folder / name
    shutil.copyfile(command_path, copy)
    return copy


def time_to_usable(path: Path, replies: int, env: dict[str, str], timeout: float = 30.0) -> float:
    """Launch `interviewer resume` until the last reply is on screen and a key typed then shows in the reply box."""
    session = f"resume{os.getpid()}"
    tmux("kill-session", "-t", session)
    start = time.perf_counter()
    command = f"{BIN / 'interviewer'} resume {path}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], env=env, check=True)
    try:
        wait_for(session, f"question number {replies}:", timeout, start)
        tmux("send-keys", "-t", session, "-l", "zq7")
        return wait_for(session, "zq7", timeout, start)
    finally:
        tmux("kill-session", "-t", session)


def bench_resume(env: dict[str, str], folder: Path, small: int, large: int, runs: int) -> None:
    paths = {size: long_transcript(folder, size, finished=False) for size in (small, large)}
    times: dict[int, list[float]] = {small: [], large: []}
    for run in range(runs):
        for size, path in paths.items():
            times[size].append(time_to_usable(resumed(path, folder, f"resume-{size}-{run}.json"), size, env))
    base = show(f"resume usable: {turns_in(paths[small]):,} turns", times[small])
    long = show(f"resume usable: {turns_in(paths[large]):,} turns", times[large])
    ratio = long / base
    print(f"{'  ratio (target <= 2x)':<52} {ratio:.2f}x  {'ok' if ratio <= 2 else 'OVER TARGET'}")


def replies_in_terminal(path: Path, replies: int, env: dict[str, str], count: int) -> list[float]:
    """In a resumed interview: ctrl+s to the answer's start shown below the question just sent."""
    from interviewer.policy.facts import best_fact
    from interviewer.rubric import load_case

    case = load_case(CASE)
    asks = []
    for fact in case.facts:
        question = f"Can you tell me about the {fact.keywords[0]}?"
        if best_fact(case, question) == fact:
            asks.append((question, " ".join(fact.answer.split()[:3])))
    session = f"late{os.getpid()}"
    command = f"{BIN / 'interviewer'} resume {path}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], env=env, check=True)
    times = []
    try:
        wait_for(session, f"question number {replies}:", timeout=30)
        for index in range(count):
            question, marker = asks[index % len(asks)]
            tag = f"(q{index})"  # the same question comes back: the tag finds this one, not one in the history
            tmux("send-keys", "-t", session, "-l", f"{tag} {question}")
            time.sleep(0.3)
            start = time.perf_counter()
            tmux("send-keys", "-t", session, "C-s")
            while True:
                pane = tmux("capture-pane", "-p", "-t", session)
                at = pane.rfind(tag)
                if at >= 0 and marker in pane[at:] and "Your answer" in pane[at:]:  # sent: the box is empty again
                    times.append(time.perf_counter() - start)
                    break
                if time.perf_counter() - start > 10:
                    raise RuntimeError(f"no answer to {question!r}")
                time.sleep(0.002)
            time.sleep(0.3)
    finally:
        tmux("kill-session", "-t", session)
    return times


def bench_reply_at_length(env: dict[str, str], folder: Path, short: int, large: int, count: int) -> None:
    paths = {size: long_transcript(folder, size, finished=False) for size in (short, large)}
    figures = {}
    for size, path in paths.items():
        copy = resumed(path, folder, f"late-{size}.json")
        figures[size] = show(
            f"reply shown after ctrl+s at turn {turns_in(path):,} (tmux)", replies_in_terminal(copy, size, env, count)
        )
    ratio = figures[large] / figures[short]
    print(f"{'  ratio (target about 1x)':<52} {ratio:.2f}x")

    def resume(size: int) -> Callable[[Path], object]:
        def make(tmp: Path):
            from interviewer.interview import Interview
            from interviewer.policy import Policy

            return Interview.resume(resumed(paths[size], tmp, "t.json"), Policy())

        return make

    inside = {}
    for size in (short, large):
        inside[size] = show(
            f"reply finished at turn {turns_in(paths[size]):,} (in process)",
            asyncio.run(reply_in_process(resume(size))),
        )
    print(f"{'  ratio (target about 1x)':<52} {inside[large] / inside[short]:.2f}x")


def main() -> None:
    global RUNS
    if not shutil.which("tmux"):
        sys.exit("bench/tui.py needs tmux (apt-get install tmux)")
    if "--quick" in sys.argv:
        RUNS = 3
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {RUNS} runs each")
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "INTERVIEWER_DATA_DIR": data, "TERM": "xterm-256color"}
        if "--length" not in sys.argv:  # `--length`: only the figures at any length
            bench_first_paint(env)
            if "--paint" in sys.argv:  # `--paint`: only the first paint and the first question
                return
            bench_reply_in_terminal(env)
            bench_echo_floor(env)
            show("reply finished after ctrl+s (in process, headless)", asyncio.run(reply_in_process(new_interview)))
        print("at any length (issue 10): transcripts of N replies, two turns each")
        folder = Path(data)
        bench_replay_open(env, folder, 50, 1000, RUNS)
        bench_resume(env, folder, 50, 1000, RUNS)
        bench_reply_at_length(env, folder, 10, 1000, 8)


if __name__ == "__main__":
    main()
