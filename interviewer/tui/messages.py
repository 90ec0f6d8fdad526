"""What the interviewer worker reports to the screen. Workers touch the UI only through these messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from interviewer.grading.models import Grade
    from interviewer.interview import Interview
    from interviewer.rubric import Case
    from interviewer.transcript import Transcript

GradedScreenName = Literal["scorecard", "replay"]


@dataclass
class InterviewReady(Message):
    """The case is loaded and the interview can begin (posted from the loading thread)."""

    interview: Interview


@dataclass
class ReplyStarted(Message):
    """The interviewer began answering."""


@dataclass
class ReplyFinished(Message):
    """The interviewer's answer is fully shown and saved."""


@dataclass
class ReplyCancelled(Message):
    """The user cancelled the answer; nothing of it was saved."""


@dataclass
class InterviewEnded(Message):
    """The closing words are saved and the interview is graded."""


@dataclass
class OpenGradedScreen(Message):
    """A graded screen asks the app to open its partner (the scorecard or the replay) over it, opened from it."""

    name: GradedScreenName
    transcript: Transcript
    case: Case
    grade: Grade
    path: Path | None
