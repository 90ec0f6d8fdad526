"""Helpers for driving the real app headless with Pilot."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from conftest import FakeClock
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.policy import DraftVoice, Policy
from interviewer.rubric import load_case


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    # Generous: it only matters when the app is slow to get there, as on a loaded machine (a full run on two busy
    # cores once took 27 minutes, and a paste test waited 10 s in vain there while it passed alone).
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.01)


@dataclass
class SlowStub(DraftVoice):
    """The stub's voice, streaming a word at a time with a delay: a scripted stand-in for a slow model."""

    delay: float = 0.05

    async def phrase(self, utterance, view, on_usage=None) -> AsyncIterator[str]:
        for word in utterance.text.split(" "):
            await asyncio.sleep(self.delay)
            yield word + " "


def new_interview(tmp_path: Path, case_id: str = "ad-click-prediction", policy: Policy | None = None) -> Interview:
    return Interview.create(
        load_case(case_id), Level.SENIOR, policy or Policy(), tmp_path / "t.json", clock=FakeClock()
    )


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text (the screen on top, and any screen seen through it)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
