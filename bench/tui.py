"""TUI speed figures: time to first paint in a real terminal, and the delay from send to the stub's reply shown.

Run with `.venv/bin/python bench/tui.py` (needs tmux). Prints figures; asserts nothing.
Targets (issue 3): first paint within 1.3x of a minimal Textual app measured the same way; reply under 50 ms.

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("minimal app ready")

Minimal().run()
"""
RUNS = 9
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
    ours = f"{BIN / 'interviewer'} start --case ad-click-prediction"
    minimal_times, our_times = [], []
    for _ in range(RUNS):  # interleaved, so both see the same machine load
        minimal_times.append(time_to_text(minimal, "minimal app ready", env))
        our_times.append(time_to_text(ours, "Ad click prediction", env))
    base = show("first paint: minimal Textual app (tmux 80x24)", minimal_times)
    mine = show("first paint: interviewer start --case ad-click-prediction", our_times)
    ratio = mine / base
    print(f"{'  ratio (target <= 1.3x)':<52} {ratio:.2f}x  {'ok' if ratio <= 1.3 else 'OVER TARGET'}")
    os.unlink(handle.name)


def bench_reply_in_terminal(env: dict[str, str]) -> None:
    sys.path.insert(0, str(ROOT))
    from interviewer.policy.facts import best_fact
    from interviewer.rubric import load_case

    case = load_case("ad-click-prediction")
    # A different fact each time, so its answer is new on screen; the marker is the start of that answer.
    pairs = []
    for fact in case.facts:
        question = f"Can you tell me about the {fact.keywords[0]}?"
        if best_fact(case, question) == fact:
            pairs.append((question, " ".join(fact.answer.split()[:3])))
    session = f"reply{os.getpid()}"
    command = f"{BIN / 'interviewer'} start --case ad-click-prediction"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], env=env, check=True)
    times = []
    try:
        wait_for(session, "Before we design anything")
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


async def reply_in_process() -> list[float]:
    sys.path.insert(0, str(ROOT))
    from interviewer.framework import Level
    from interviewer.interview import Interview
    from interviewer.policy import Policy
    from interviewer.rubric import load_case
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.interview_screen import InterviewScreen
    from interviewer.tui.messages import ReplyFinished
    from interviewer.tui.widgets import ReplyBox

    finished: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        interview = Interview.create(load_case("ad-click-prediction"), Level.SENIOR, Policy(), Path(tmp) / "t.json")
        app = InterviewerApp(InterviewScreen(interview))

        def hook(message: object) -> None:
            if isinstance(message, ReplyFinished):
                finished.append(time.perf_counter())

        times = []
        async with app.run_test(size=(100, 40), message_hook=hook) as pilot:
            await pilot.pause(0.3)
            for index in range(20):
                app.screen.query_one(ReplyBox).load_text(
                    "What is the latency budget?" if index % 2 else "How many daily active users?"
                )
                count = len(finished)
                start = time.perf_counter()
                await pilot.press("ctrl+s")
                while len(finished) == count:
                    await asyncio.sleep(0.001)
                times.append(finished[-1] - start)
    return times


def main() -> None:
    if not shutil.which("tmux"):
        sys.exit("bench/tui.py needs tmux (apt-get install tmux)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {RUNS} runs each")
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "INTERVIEWER_DATA_DIR": data, "TERM": "xterm-256color"}
        bench_first_paint(env)
        bench_reply_in_terminal(env)
        bench_echo_floor(env)
    show("reply finished after ctrl+s (in process, headless)", asyncio.run(reply_in_process()), "target < 50 ms")


if __name__ == "__main__":
    main()
