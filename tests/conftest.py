from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ANSWERS = FIXTURES / "answers"
CASE_IDS = ("ad-click-prediction", "video-recommendation", "harmful-content-detection")
# Every built-in case, for the checks each case must pass (CASE_IDS have fixtures and personas written for them).
BUILT_IN_CASE_IDS = tuple(sorted(path.stem for path in (ROOT / "rubrics").glob("*.yaml")))


@pytest.fixture(scope="session")
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _session_cache_dir: Path
) -> Path:
    """No test writes into the real user data folder or cache folder, or reads the user's own cases from the real
    config folder. The cache of validated cases is shared by the whole run, as it is by a user's processes (the
    tests of the cache itself use their own)."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data))
    monkeypatch.setenv("INTERVIEWER_CASES_DIR", str(data / "own-cases"))
    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(_session_cache_dir))
    return data


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the real `interviewer` entry point in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=timeout,
    )


def start_cli(*args: str, text: bool = True, stderr: int = subprocess.PIPE) -> subprocess.Popen:
    """Start the real `interviewer` entry point with pipes, for a test that talks to it or signals it while it runs."""
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=text,
        cwd=ROOT,
        env=os.environ.copy(),
        # A shell starts a background job (this suite under CI or a tool) with SIGINT ignored, and a child inherits
        # that, so Ctrl-C would not reach it; a program started from a terminal has the default: give it that.
        preexec_fn=_sigint_as_from_a_terminal,
    )


def _sigint_as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Recorder:
    """A `Speech` (see `interviewer.speech`) that keeps every call a front end would get, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    async def notice(self, turn) -> None:
        self.events.append(("notice", turn))

    async def begin(self, utterance) -> None:
        self.events.append(("begin", utterance))

    async def text(self, delta: str) -> None:
        self.events.append(("text", delta))

    async def reset(self) -> None:
        self.events.append(("reset", None))

    async def end(self) -> None:
        self.events.append(("end", None))

    async def said(self, turn) -> None:
        self.events.append(("said", turn))

    @property
    def shown(self) -> list:
        """The words, `RESET` for each wipe and the notices' turns, as a reader of the screen saw them."""
        from interviewer.speech import RESET

        kept = {"text": lambda value: value, "reset": lambda _: RESET, "notice": lambda turn: turn}
        return [kept[kind](value) for kind, value in self.events if kind in kept]
