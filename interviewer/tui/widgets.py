"""Widgets shared by the screens: the chat log, the steps sidebar, the reply box, score bars."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Markdown, ProgressBar, Static, TextArea

from interviewer.annotate import ReplyNote
from interviewer.framework import STEP_BY_ID, STEPS, TOTAL_MINUTES, WRAP_UP
from interviewer.grading.models import Grade
from interviewer.report import mmss
from interviewer.scorecard import time_cell
from interviewer.transcript import Role, Turn

MIN_WIDTH = 60
MIN_HEIGHT = 18


class TooSmall(Static):
    """Shown instead of the layout when the terminal is too small to read it."""

    def __init__(self) -> None:
        super().__init__(
            f"The terminal is too small.\nMake it at least {MIN_WIDTH}x{MIN_HEIGHT} (80x24 is best).",
            id="too-small",
        )


class InterviewerMessage(Markdown):
    def on_mount(self) -> None:
        self.border_title = "Interviewer"


class CandidateMessage(Static):
    """The candidate's words, verbatim (never parsed as markup); in a replay, followed by what they earned."""

    def __init__(self, text: str, note: ReplyNote | None = None) -> None:
        content = Text(text)
        if note is not None:
            content.append("\n" + note_text(note), style="italic dim")
        super().__init__(content)
        self.text = text
        self.note = note

    def on_mount(self) -> None:
        self.border_title = "You"


class NoticeMessage(Static):
    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)


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
    return "; ".join(parts)


def turn_widget(turn: Turn, note: ReplyNote | None = None) -> Static | Markdown:
    if turn.role is Role.CANDIDATE:
        return CandidateMessage(turn.text, note)
    if turn.role is Role.SYSTEM:
        return NoticeMessage(turn.text)
    return InterviewerMessage(turn.text)


class ChatLog(VerticalScroll):
    """The conversation. Anchored: it follows new text until the user scrolls up, and again once back at the end."""

    def on_mount(self) -> None:
        self.anchor()

    async def add(self, widget: Static | Markdown) -> None:
        await self.mount(widget)

    async def add_interviewer(self, text: str = "") -> InterviewerMessage:
        widget = InterviewerMessage(text)
        await self.mount(widget)
        return widget


class ReplayLog(ChatLog):
    """The conversation in a replay: the replay's keys (arrows, home, end) move through turns, so it takes no focus."""

    can_focus = False

    def on_mount(self) -> None:
        self.anchor(False)


class ReplyBox(TextArea):
    """Where the candidate writes; multi-line, because answers are paragraphs."""

    def __init__(self) -> None:
        super().__init__(
            id="reply",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder="Your answer. Enter adds a line; ctrl+s sends.",
        )


class StepRow(Static):
    pass


class StepsSidebar(Vertical):
    """Case, level and model; the steps with done / current / upcoming; time in the step and in total."""

    def __init__(self, title: str, level: str, model: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case_title = title
        self.level = level
        self.model = model

    def compose(self) -> ComposeResult:
        yield Static(self.case_title, id="case-title", markup=False)
        yield Static(f"level {self.level} · {self.model}", id="case-meta", markup=False)
        for step in (*STEPS, WRAP_UP):
            yield StepRow(step.title, id=f"step-{step.id}", classes="upcoming")
        yield Static("", id="total-clock")

    def show(self, phase: str, seconds: Callable[[str], float], total: float) -> None:
        order = [step.id for step in (*STEPS, WRAP_UP)]
        current = order.index(phase) if phase in order else (len(order) if phase == "done" else -1)
        for index, step_id in enumerate(order):
            row = self.query_one(f"#step-{step_id}", StepRow)
            step = STEP_BY_ID[step_id]
            spent, budget = seconds(step_id), step.budget_minutes * 60
            state = "done" if index < current else "current" if index == current else "upcoming"
            mark = {"done": "✓", "current": "▶", "upcoming": "·"}[state]
            clock = f"{mmss(spent)}/{mmss(budget)}" if state != "upcoming" else mmss(budget)
            row.update(f"{mark} {step.short:<13}{clock:>11}")
            row.set_classes(f"{state} {'over' if spent > budget else ''}".strip())
        self.query_one("#total-clock", Static).update(f"Total {mmss(total)} / {mmss(TOTAL_MINUTES * 60)}")


class ScoreBars(Vertical):
    """A bar per step with its score, and time spent against the budget."""

    def __init__(self, grade: Grade, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grade = grade

    def compose(self) -> ComposeResult:
        for step_id, step in self.grade.steps.items():
            over = step.seconds is not None and step.budget_seconds is not None and step.seconds > step.budget_seconds
            with Horizontal(classes="score-row"):
                yield Label(STEP_BY_ID[step_id].title, classes="score-name")
                bar = ProgressBar(total=100, show_eta=False, show_percentage=False, classes="score-bar")
                bar.progress = step.score
                yield bar
                yield Label(f"{step.score:>3}", classes="score-value")
                yield Label(time_cell(step), classes="score-time over" if over else "score-time")
