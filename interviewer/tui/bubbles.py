"""Interviewer messages are Markdown; this module (and Markdown with it) loads after the first paint."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Markdown

from interviewer.annotate import ReplyNote
from interviewer.transcript import Role, Turn
from interviewer.tui.widgets import CandidateMessage, NoticeMessage


class InterviewerMessage(Markdown):
    def on_mount(self) -> None:
        self.border_title = "Interviewer"


def turn_widget(turn: Turn, note: ReplyNote | None = None) -> Widget:
    if turn.role is Role.CANDIDATE:
        return CandidateMessage(turn.text, note)
    if turn.role is Role.SYSTEM:
        return NoticeMessage(turn.text)
    return InterviewerMessage(turn.text)
