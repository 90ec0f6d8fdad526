"""The chat's bubbles: the interviewer's (Markdown), the candidate's and the system's. This module, and Markdown with
it, loads after the first paint; the chat log (`chatlog.py`) imports it, never the other way round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import AwaitMount, Widget
from textual.widgets import Markdown, Static

from interviewer.terminal import printable
from interviewer.transcript import Role, Turn

if TYPE_CHECKING:
    from interviewer.annotate import ReplyNote  # the grader behind it loads with the engine, not with the bubbles


class InterviewerMessage(Markdown):
    """A model's (or the stub's) words as Markdown, with escape sequences shown as text (`printable`)."""

    def __init__(self, text: str = "", footnote: str = "", *, shown: str | None = None) -> None:
        """`shown`: Markdown already made printable (a copy of a bubble), used as it is."""
        super().__init__(printable(text, markdown=True) if shown is None else shown)
        self.footnote = footnote

    def on_mount(self) -> None:
        self.border_title = "Interviewer"
        if self.footnote:
            self.border_subtitle = self.footnote

    def mount(self, *widgets: Widget, **where) -> AwaitMount:
        """Markdown mounts its blocks after parsing the text off the event loop; if the app closed meanwhile (ctrl+q
        while the interviewer speaks), the bubble is gone and there is nothing to draw: Textual would raise
        `MountError` and fail the speaking worker as the app exits."""
        if not self.is_attached:
            return AwaitMount(self, [])
        return super().mount(*widgets, **where)

    def copy(self) -> InterviewerMessage:
        """The same bubble as it stands now (streamed text, cancelled mark), to mount again."""
        twin = InterviewerMessage(footnote=str(self.border_subtitle or self.footnote), shown=self.source)
        twin.set_class(self.has_class("cancelled"), "cancelled")
        return twin


class CandidateMessage(Static):
    """The candidate's words, verbatim (never parsed as markup, escapes shown as text); in a replay, followed by what
    they earned. `text` keeps the words as given."""

    def __init__(self, text: str, note: ReplyNote | None = None) -> None:
        content = Text(printable(text))
        if note is not None:
            content.append("\n" + note_text(note), style="italic dim")
        super().__init__(content)
        self.text = text
        self.note = note

    def on_mount(self) -> None:
        self.border_title = "You"

    def copy(self) -> CandidateMessage:
        return CandidateMessage(self.text, self.note)


class NoticeMessage(Static):
    """A system notice; it can quote a server's error."""

    def __init__(self, text: str) -> None:
        super().__init__(printable(text), markup=False)
        self.text = text

    def copy(self) -> NoticeMessage:
        return NoticeMessage(self.text)


def note_text(note: ReplyNote) -> str:
    if note.empty:
        return "no rubric item"
    parts = []
    if note.covered:
        parts.append("covers " + ", ".join(note.covered))
    if note.partial:
        parts.append("mentions " + ", ".join(note.partial))
    if note.red_flags:
        parts.append("red flag " + ", ".join(note.red_flags))
    return printable("; ".join(parts))  # item ids come from case files


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
