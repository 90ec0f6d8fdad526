"""The History screen: attempts per case, each step's score over time, personal bests, the weakest steps and items,
the practice cards due, and one key to start the drill to practise next.

The chart is a line of block characters per step, one per attempt on a fixed 0-100 scale (`render.spark`):
Textual's `Sparkline` scales each line to its own minimum and maximum, so 60 then 62 would look like a leap, and a
plotting library (plotext behind textual-plotext) would add its import to the screen's opening for a chart this
simple. The history is read off the UI thread.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Select, Static

from interviewer.errors import InterviewerError
from interviewer.framework import STEP_BY_ID, Level, mmss
from interviewer.practice.progress import History
from interviewer.practice.render import spark, what, when
from interviewer.terminal import printable
from interviewer.tui.base import AppScreen
from interviewer.tui.practice_messages import StartDrill
from interviewer.tui.widgets import KeysFooter, TooSmall

ALL = "__all__"
CHART_POINTS = 24  # the latest attempts charted per step
# The latest attempts listed and the soonest due cards shown: hundreds of either cost the screen's opening more than
# they help (500 rows took 0.5 s to lay out, 175 wrapped card lines 0.4 s); the screen says how many there are, and
# `interviewer history` lists them all.
TABLE_ROWS = 20
CARDS_SHOWN = 8


class HistoryScreen(AppScreen):
    BINDINGS = [
        Binding("d", "drill", "Drill next", id="drill", tooltip="Start the drill to practise next"),
        Binding("q,escape", "close", "Close", id="close", tooltip="Back to where you were"),
        Binding("f1", "help", "Help", id="help", tooltip="Keys and how grading works"),
    ]

    def __init__(self, case_id: str | None = None, level: Level = Level.SENIOR) -> None:
        super().__init__()
        self.case_id = case_id
        self.level = level
        self.history: History | None = None
        self.cases: list[str] | None = None  # every case with an attempt, for the filter

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with VerticalScroll(id="history"):
            yield Label("History", id="history-title")
            with Horizontal(id="history-filter"):
                yield Label("Case ")
                yield Select([("all cases", ALL)], value=ALL, allow_blank=False, id="history-case")
            yield Static("Reading your history...", id="history-summary", markup=False)
            yield DataTable(id="attempts", cursor_type="row", zebra_stripes=True)
            yield Label("Per step, oldest to latest", classes="history-heading")
            yield Static("", id="trends")
            yield Static("", id="history-notes", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#attempts", DataTable)
        table.add_columns("date", "case", "what", "level", "time", "score", "signal")
        self._load(self.case_id)

    @work(thread=True, exclusive=True, group="history")
    def _load(self, case_id: str | None) -> None:
        from interviewer.practice.lookup import history, history_cases

        try:
            loaded = history(case_id, latest=TABLE_ROWS)
            cases = None if self.cases is not None else history_cases()  # the filter's choices
        except InterviewerError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, loaded, cases)

    def _failed(self, message: str) -> None:
        self.query_one("#history-summary", Static).update(printable(f"The history could not be read: {message}"))

    def _show(self, history: History, cases: list[str] | None) -> None:
        self.history = history
        if cases is not None:
            self.cases = cases
            choice = self.query_one("#history-case", Select)
            with self.prevent(Select.Changed):
                choice.set_options([("all cases", ALL), *((printable(case), case) for case in cases)])
                choice.value = history.case_id or ALL
        self.query_one("#history-summary", Static).update(_summary(history))
        table = self.query_one("#attempts", DataTable)
        table.clear()
        for attempt in reversed(history.attempts):  # the latest first
            table.add_row(
                when(attempt.ended_at),
                printable(attempt.case_id),
                printable(what(attempt)),
                attempt.level,
                mmss(attempt.seconds),
                Text(str(attempt.overall), justify="right"),
                attempt.hire_signal.replace("_", " "),
            )
        self.query_one("#trends", Static).update(_trends(history))
        self.query_one("#history-notes", Static).update(_notes(history))

    @on(Select.Changed, "#history-case")
    def _filter(self, event: Select.Changed) -> None:
        case_id = None if event.value == ALL else str(event.value)
        if case_id != self.case_id:
            self.case_id = case_id
            self._load(case_id)

    def action_drill(self) -> None:
        target = self.history.next if self.history is not None else None
        if target is None:
            self.notify("Nothing to practise yet: finish an interview first.", severity="warning")
            return
        assert self.history is not None
        title = next((a.case_title for a in self.history.attempts if a.case_id == target.case_id), target.case_id)
        self.post_message(StartDrill(target, self.level, title))

    def action_close(self) -> None:
        self.dismiss()


def _summary(history: History) -> str:
    if not history.attempts:
        return "No finished interview or drill yet."
    lines = [f"{history.interviews} interview(s), {history.drills} drill(s)"]
    if history.interviews + history.drills > len(history.attempts):
        lines[0] += f"; the latest {TABLE_ROWS} below (`interviewer history` lists them all)"
    if history.best is not None:
        best = history.best
        lines.append(f"Personal best: {best.overall} ({best.case_id}, {when(best.ended_at)})")
    if history.next is not None:
        lines.append(f"Practise next: {history.next.reason} (d to start the drill)")
    return printable("\n".join(lines))


def _trends(history: History) -> Text:
    """Per step a line: its title, its latest scores charted on a 0-100 scale, its best and last score. One widget
    for all of them: a row of widgets per step cost the screen's opening more than the chart is worth."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for trend in history.trends:
        title = STEP_BY_ID[trend.step].title if trend.step in STEP_BY_ID else trend.step
        if text:
            text.append("\n")
        text.append(f"{printable(title)[:25]:<26}")
        text.append(f"{spark(trend.scores[-CHART_POINTS:]):<{CHART_POINTS + 2}}", style="bold")
        text.append(f"best {trend.best:>3} · last {trend.last:>3}", style="dim")
    return text


def _notes(history: History) -> str:
    lines: list[str] = []
    if history.weakest_steps:
        lines.append("Weakest steps: " + ", ".join(f"{w.step} {w.recent:.0f}" for w in history.weakest_steps[:3]))
    if history.weakest_items:
        lines.append("Weakest items:")
        lines += [
            f"  {s.step} · {s.item_id}: missed {s.missed}, only mentioned {s.partial} of {s.attempts}"
            for s in history.weakest_items
        ]
    lines.append(f"Practice cards due: {len(history.due)}")
    lines += [f"  {card.case_id} · {card.step} · {card.item_id}: {card.covers}" for card in history.due[:CARDS_SHOWN]]
    if len(history.due) > CARDS_SHOWN:
        lines.append(f"  and {len(history.due) - CARDS_SHOWN} more (`interviewer history` lists them all)")
    return printable("\n".join(lines))
