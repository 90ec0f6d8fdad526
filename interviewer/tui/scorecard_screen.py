"""The scorecard: overall score and hire signal, a bar per step, then evidence, gaps and red flags."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Label, Markdown, ProgressBar, Static

from interviewer.framework import STEP_BY_ID
from interviewer.grading.models import Grade, HireSignal
from interviewer.rubric import Case
from interviewer.scorecard import accounting_lines, details_markdown, scorecard_markdown, time_cell
from interviewer.terminal import printable
from interviewer.transcript import Transcript
from interviewer.tui.base import GradedScreen
from interviewer.tui.widgets import KeysFooter, TooSmall


class ScoreBars(Vertical):
    """A bar per step with its score, and time spent against the budget."""

    def __init__(self, grade: Grade, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grade = grade

    def compose(self) -> ComposeResult:
        for step_id, step in self.grade.steps.items():
            with Horizontal(classes="score-row"):
                yield Label(STEP_BY_ID[step_id].title, classes="score-name")
                bar = ProgressBar(total=100, show_eta=False, show_percentage=False, classes="score-bar")
                bar.progress = step.score
                yield bar
                yield Label(f"{step.score:>3}", classes="score-value")
                yield Label(time_cell(step), classes="score-time over" if step.over_budget else "score-time")


POSITIVE = (HireSignal.LEAN_HIRE, HireSignal.HIRE, HireSignal.STRONG_HIRE)


def export_path(transcript_path: Path | None, transcript: Transcript) -> Path:
    if transcript_path is not None:
        return transcript_path.with_suffix(".md")
    return Path.cwd() / f"{transcript.case_id}-{transcript.id}.md"


def write_export(transcript: Transcript, case: Case, grade: Grade, target: Path) -> Path:
    target.write_text(scorecard_markdown(grade, case.title, transcript), encoding="utf-8")
    return target


class ScorecardScreen(GradedScreen):
    BINDINGS = [
        Binding(
            "e", "export", "Export .md", id="export", tooltip="Save the scorecard as Markdown next to the transcript"
        ),
        Binding("r", "replay", "Replay", id="replay", tooltip="Step through the interview turn by turn"),
        Binding("q,escape", "close", "Close", id="close", tooltip="Close the scorecard"),
        Binding("f1", "help", "Help", id="help", tooltip="Keys and how grading works"),
    ]

    def __init__(self, transcript: Transcript, case: Case, grade: Grade, path: Path | None, from_replay: bool = False):
        super().__init__(transcript, case, grade, path, from_partner=from_replay)

    def compose(self) -> ComposeResult:
        grade = self.grade
        yield TooSmall()
        with VerticalScroll(id="scorecard"):
            title, model = escape(printable(self.case.title)), escape(printable(self.transcript.model))
            yield Static(
                f"[b]{title}[/b]\n[dim]level {grade.level.value} · graded by {grade.grader} · "
                f"{model} interviewer[/dim]",
                id="score-title",
            )
            signal_class = (
                "good" if "hire" in grade.hire_signal.value and "no" not in grade.hire_signal.value else "bad"
            )
            yield Static(
                f"Overall [b]{grade.overall}[/b]/100 · [b]{grade.hire_signal.label}[/b]",
                id="overall",
                classes=signal_class,
            )
            notes = [*grade.hire_reasons, *grade.warnings, *accounting_lines(grade, self.transcript)]
            yield Static(printable("\n".join(notes)), id="reasons", markup=False)
            yield ScoreBars(grade, id="bars")
            yield Markdown(details_markdown(grade), id="details")
        yield KeysFooter()

    def action_export(self) -> None:
        target = write_export(self.transcript, self.case, self.grade, export_path(self.path, self.transcript))
        self.notify(printable(f"Scorecard saved to {target}"), timeout=8, markup=False)

    def action_replay(self) -> None:
        from interviewer.tui.replay_screen import ReplayScreen

        self.show_partner(lambda: ReplayScreen(self.transcript, self.case, self.grade, self.path, from_scorecard=True))
