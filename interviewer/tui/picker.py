"""The case picker: every case with its one-line summary, filtered as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from interviewer.catalog import CaseSummary
from interviewer.framework import LEVEL_ORDER, Level
from interviewer.terminal import printable
from interviewer.tui.practice_messages import OpenHistory, StartDrill
from interviewer.tui.widgets import KeysFooter, TooSmall, run_own_key

if TYPE_CHECKING:
    from interviewer.practice.index import CaseStats
    from interviewer.practice.progress import DrillTarget


class SearchBox(Input):
    """A one-line search field whose editing keys keep the order they were typed in (see `run_own_key`)."""

    async def _on_key(self, event: events.Key) -> None:
        if await run_own_key(self, event):
            self._restart_blink()
        else:
            await super()._on_key(event)


class CasePickerScreen(Screen[tuple[CaseSummary, Level]]):
    """Dismisses with the chosen case and level."""

    picks_case = True  # the app pushes this screen and starts the interview it dismisses with

    BINDINGS = [
        Binding("enter", "choose", "Start", id="choose", tooltip="Start the interview on the highlighted case"),
        Binding("down", "cursor_down", "Next case", id="cursor_down", tooltip="Highlight the next case", show=False),
        Binding("up", "cursor_up", "Previous case", id="cursor_up", tooltip="Highlight the previous case", show=False),
        Binding("f2", "history", "History", id="history", tooltip="Your attempts, trends and weak spots"),
        Binding("f3", "drill", "Drill next", id="drill", tooltip="Start the drill to practise next"),
    ]

    def __init__(self, cases: list[CaseSummary], level: Level) -> None:
        super().__init__()
        self.cases = cases
        self.level = level
        self.stats: dict[str, CaseStats] = {}  # per case, read from the history after the first frame
        self.next_drill: DrillTarget | None = None

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(id="picker"):
            yield Label("Choose a case to practise", id="picker-title")
            yield Label("Type to filter · up/down to choose · Enter to start", id="picker-hint")
            yield Label("", id="picker-next")
            yield SearchBox(placeholder="Type to search cases", id="search")
            # Above the list, so the open select drops over the list and never over the footer's keys.
            with Horizontal(id="picker-level"):
                yield Label("Level ")
                yield Select(
                    [(level.value, level) for level in LEVEL_ORDER], value=self.level, allow_blank=False, id="level"
                )
            yield OptionList(*self._options(""), id="cases")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        options = self.query_one("#cases", OptionList)
        if options.option_count:
            options.highlighted = 0
        self._read_history()

    @work(thread=True, exclusive=True, group="history")
    def _read_history(self) -> None:
        """Per case attempts, scores and cards due, after the first frame and off the UI thread (the index may
        grade transcripts it has not seen)."""
        from interviewer.errors import InterviewerError
        from interviewer.practice.lookup import picker_data

        try:
            stats, target = picker_data()
        except InterviewerError:
            return  # the picker works without a history; `interviewer history` says what is wrong with it
        self.app.call_from_thread(self._show_history, stats, target)

    def _show_history(self, stats: dict[str, CaseStats], target: DrillTarget | None) -> None:
        self.stats, self.next_drill = stats, target
        if target is not None:
            self.query_one("#picker-next", Label).update(
                Text(printable(f"Practise next: {target.case_id}, {target.reason} · f3 to start the drill"))
            )
        self._refill(self.query_one("#search", Input).value)

    def _options(self, query: str) -> list[Option]:
        # Built as text, not markup: titles and summaries come from case files (a `[` would be read as a tag).
        return [
            Option(
                Text.assemble(
                    (printable(case.title), "bold"),
                    "  ",
                    (printable(case.id), "dim"),
                    *self._stats(case.id),
                    "\n",
                    printable(case.summary),
                ),
                id=case.id,
            )
            for case in self.cases
            if case.matches(query)
        ]

    def _stats(self, case_id: str) -> tuple[str | tuple[str, str], ...]:
        stats = self.stats.get(case_id)
        if stats is None:
            return ()
        parts = [f"{stats.attempts} attempt{'' if stats.attempts == 1 else 's'}"]
        if stats.best is not None:
            parts.append(f"best {stats.best} · last {stats.last}")
        if stats.due:
            parts.append(f"{stats.due} card{'' if stats.due == 1 else 's'} due")
        return ("  ", (" · ".join(parts), "italic"))

    @on(Input.Changed, "#search")
    def _filter(self, event: Input.Changed) -> None:
        self._refill(event.value, keep=False)

    def _refill(self, query: str, keep: bool = True) -> None:
        options = self.query_one("#cases", OptionList)
        highlighted = options.highlighted if keep else None
        options.clear_options()
        options.add_options(self._options(query))
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.action_choose()

    @on(OptionList.OptionSelected, "#cases")
    def _selected(self) -> None:
        self.action_choose()

    @on(Select.Changed, "#level")
    def _level(self, event: Select.Changed) -> None:
        if isinstance(event.value, Level):
            self.level = event.value

    def action_cursor_down(self) -> None:
        self.query_one("#cases", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#cases", OptionList).action_cursor_up()

    def action_choose(self) -> None:
        options = self.query_one("#cases", OptionList)
        if options.highlighted is None:
            self.notify("No case matches the search.", severity="warning")
            return
        option = options.get_option_at_index(options.highlighted)
        chosen = next(case for case in self.cases if case.id == option.id)
        self.dismiss((chosen, self.level))

    def action_history(self) -> None:
        self.post_message(OpenHistory())

    def action_drill(self) -> None:
        if self.next_drill is None:
            self.notify("Nothing to practise yet: finish an interview first.", severity="warning")
            return
        title = next((case.title for case in self.cases if case.id == self.next_drill.case_id), self.next_drill.case_id)
        self.post_message(StartDrill(self.next_drill, self.level, title))
