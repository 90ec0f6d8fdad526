"""What a screen asks of the app to go on practising: a drill, a new interview, the History screen. The app owns
the ways to start them (given by the command that started it), so no screen imports another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from interviewer.framework import Level
    from interviewer.practice.progress import DrillTarget


@dataclass
class StartDrill(Message):
    """Start this drill (what to practise next), at this level."""

    target: DrillTarget
    level: Level
    title: str


@dataclass
class NewInterview(Message):
    """Open the case picker to start another interview (at this level, or senior)."""

    level: Level | None = None


@dataclass
class OpenHistory(Message):
    """Open the History screen, on one case or all of them (a drill it starts is at `level`, or senior)."""

    case_id: str | None = None
    level: Level | None = None
