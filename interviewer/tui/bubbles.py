"""Interviewer messages are Markdown; this module (and Markdown with it) loads after the first paint."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Markdown

from interviewer.annotate import ReplyNote
from interviewer.terminal import printable
from interviewer.transcript import Role, Turn
from interviewer.tui.widgets import CandidateMessage, NoticeMessage


class InterviewerMessage(Markdown):
    """A model's (or the stub's) words as Markdown, with escape sequences shown as text (`printable`)."""

    def __init__(self, text: str = "", footnote: str = "") -> None:
        super().__init__(printable(text, markdown=True))
        self.footnote = footnote

    def on_mount(self) -> None:
        self.border_title = "Interviewer"
        if self.footnote:
            self.border_subtitle = self.footnote


def footnote(turn: Turn) -> str:
    """What a saved interviewer turn cost, and whether the offline interviewer stood in for the model."""
    parts = []
    if turn.usage is not None:
        cost = f", ${turn.usage.cost_usd:.4f}" if turn.usage.cost_usd else ""
        parts.append(f"{turn.usage.input_tokens:,} in, {turn.usage.output_tokens:,} out{cost}")
    if turn.fallback:
        parts.append("offline fallback")
    return " · ".join(parts)


def turn_widget(turn: Turn, note: ReplyNote | None = None) -> Widget:
    if turn.role is Role.CANDIDATE:
        return CandidateMessage(turn.text, note)
    if turn.role is Role.SYSTEM:
        return NoticeMessage(turn.text)
    return InterviewerMessage(turn.text, footnote(turn))
