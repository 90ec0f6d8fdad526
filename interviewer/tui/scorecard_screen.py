"""The scorecard: overall score and hire signal, a bar per step, then evidence, gaps and red flags."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Label, Markdown, ProgressBar, Static

from interviewer.errors import InterviewerError
from interviewer.grading.models import Grade
from interviewer.practice.progress import DrillTarget
from interviewer.rubric import Case
from interviewer.scorecard import Row, Scorecard, build_scorecard
from interviewer.scorecard_markdown import details_markdown, scorecard_markdown
from interviewer.terminal import printable
from interviewer.transcript import Transcript
from interviewer.tui.base import GradedScreen
from interviewer.tui.practice_messages import NewInterview, OpenHistory, StartDrill
from interviewer.tui.widgets import KeysFooter, TooSmall


class ScoreBars(Vertical):
    """A bar per step with its score, and time spent against the budget."""

    def __init__(self, rows: tuple[Row, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows = rows

    def compose(self) -> ComposeResult:
        for row in self.rows:
            with Horizontal(classes="score-row"):
                yield Label(row.title, classes="score-name")
                bar = ProgressBar(total=100, show_eta=False, show_percentage=False, classes="score-bar")
                bar.progress = row.score
                yield bar
                yield Label(f"{row.score:>3}", classes="score-value")
                yield Label(row.time, classes="score-time over" if row.over else "score-time")


def export_path(transcript_path: Path | None, transcript: Transcript) -> Path:
    """`<transcript>.md` next to the transcript, unless that is the transcript itself (one saved as `run.md`) or
    another transcript: then `<name>.scorecard.md` (numbered if need be), so an export never lands on one."""
    from interviewer.exportfile import looks_like_transcript, same_file

    if transcript_path is not None:
        base = transcript_path.with_suffix(".md")
    else:
        base = Path.cwd() / f"{transcript.case_id}-{transcript.id}.md"
    stem = base.name.removesuffix(".md")
    candidates = [base, base.with_name(f"{stem}.scorecard.md")]
    candidates += [base.with_name(f"{stem}.scorecard-{number}.md") for number in range(2, 100)]
    for candidate in candidates:
        taken = candidate.exists() and (looks_like_transcript(candidate) or not candidate.is_file())
        if not same_file(candidate, transcript_path) and not taken:
            return candidate
    return base.with_name(f"{stem}.scorecard-{transcript.id}.md")


def write_export(card: Scorecard, target: Path, source: Path | None = None) -> Path:
    """Write the Markdown scorecard atomically; refuses a transcript, and replaces any other file (ask first)."""
    from interviewer.exportfile import export_to

    export_to(target, scorecard_markdown(card), source, force=True)
    return target


class ScorecardScreen(GradedScreen):
    BINDINGS = [
        Binding(
            "e", "export", "Export .md", id="export", tooltip="Save the scorecard as Markdown next to the transcript"
        ),
        Binding("r", "replay", "Replay", id="replay", tooltip="Step through the interview turn by turn"),
        Binding("d", "drill", "Drill next", id="drill", tooltip="Start the drill to practise next"),
        Binding("n", "new_interview", "New", id="new_interview", tooltip="Start another interview"),
        Binding("h", "history", "History", id="history", tooltip="Your attempts, trends and weak spots"),
        Binding("q,escape", "close", "Close", id="close", tooltip="Close the scorecard"),
        Binding("f1", "help", "Help", id="help", tooltip="Keys and how grading works"),
    ]

    partner = "replay"

    def __init__(
        self, transcript: Transcript, case: Case, grade: Grade, path: Path | None, from_partner: bool = False
    ) -> None:
        super().__init__(transcript, case, grade, path, from_partner)
        self.card = build_scorecard(grade, case.title, transcript)
        self.next_drill: DrillTarget | None = None  # found once the attempt is indexed

    def compose(self) -> ComposeResult:
        card = self.card
        yield TooSmall()
        with VerticalScroll(id="scorecard"):
            title, model = escape(printable(card.title)), escape(printable(card.interviewer or ""))
            yield Static(
                f"[b]{title}[/b]\n[dim]level {card.level} · graded by {card.grader} · {model} interviewer[/dim]",
                id="score-title",
            )
            yield Static(
                f"Overall [b]{card.overall}[/b]/100 · [b]{card.signal}[/b]",
                id="overall",
                classes="good" if card.positive else "bad",
            )
            notes = [*card.reasons, *card.warnings, *card.accounting]
            yield Static(printable("\n".join(notes)), id="reasons", markup=False)
            yield Static("", id="practise-next", markup=False)
            yield ScoreBars(card.rows, id="bars")
            yield Markdown(details_markdown(card), id="details")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._index_attempt()

    @work(thread=True, exclusive=True, group="practice")
    def _index_attempt(self) -> None:
        """Index this attempt in the history and find what to practise next (off the UI thread: it may grade
        transcripts the index has not seen)."""
        from interviewer.practice.lookup import after_attempt

        try:
            target, problem = after_attempt(self.path, self.transcript, self.grade)
        except InterviewerError as exc:
            target, problem = None, str(exc)
        self.app.call_from_thread(self._show_next, target, problem)

    def _show_next(self, target: DrillTarget | None, problem: str | None) -> None:
        self.next_drill = target
        if target is not None:
            self.query_one("#practise-next", Static).update(
                printable(f"Practise next: {target.reason} (d starts the drill)")
            )
        if problem:
            self.notify(printable(problem), severity="warning", timeout=10, markup=False)

    def action_drill(self) -> None:
        if self.next_drill is None:
            self.notify("Nothing to practise yet.", severity="warning")
            return
        self.post_message(StartDrill(self.next_drill, self.transcript.level, self.case.title))

    def action_new_interview(self) -> None:
        self.post_message(NewInterview(self.transcript.level))

    def action_history(self) -> None:
        self.post_message(OpenHistory(self.transcript.case_id, self.transcript.level))

    def action_export(self) -> None:
        target = export_path(self.path, self.transcript)
        if not target.exists():
            self._export(target)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._export(target)

        from interviewer.tui.modals import ConfirmScreen

        question = f"{printable(str(target))} exists. Replace it with the scorecard?"
        self.app.push_screen(ConfirmScreen(question), confirmed)

    def _export(self, target: Path) -> None:
        try:
            write_export(self.card, target, self.path)
        except InterviewerError as exc:
            self.notify(f"Not exported: {printable(str(exc))}", severity="error", timeout=10, markup=False)
            return
        self.notify(f"Scorecard saved to {printable(str(target))}", timeout=8, markup=False)

    def action_replay(self) -> None:
        self.show_partner()
