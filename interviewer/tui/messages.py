"""What the interviewer worker reports to the screen. Workers touch the UI only through these messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from interviewer.interview import Interview


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
