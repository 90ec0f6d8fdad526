"""The case picker: every case with its one-line summary, filtered as you type."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from interviewer.catalog import CaseSummary
from interviewer.framework import LEVEL_ORDER, Level
from interviewer.terminal import printable
from interviewer.tui.widgets import KeysFooter, TooSmall


class CasePickerScreen(Screen[tuple[CaseSummary, Level]]):
    """Dismisses with the chosen case and level."""

    picks_case = True  # the app pushes this screen and starts the interview it dismisses with

    BINDINGS = [
        Binding("enter", "choose", "Start", id="choose", tooltip="Start the interview on the highlighted case"),
        Binding("down", "cursor_down", "Next case", id="cursor_down", tooltip="Highlight the next case", show=False),
        Binding("up", "cursor_up", "Previous case", id="cursor_up", tooltip="Highlight the previous case", show=False),
    ]

    def __init__(self, cases: list[CaseSummary], level: Level) -> None:
        super().__init__()
        self.cases = cases
        self.level = level

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(id="picker"):
            yield Label("Choose a case to practise", id="picker-title")
            yield Label("Type to filter · up/down to choose · Enter to start", id="picker-hint")
            yield Input(placeholder="Type to search cases", id="search")
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

    def _options(self, query: str) -> list[Option]:
        # Built as text, not markup: titles and summaries come from case files (a `[` would be read as a tag).
        return [
            Option(
                Text.assemble(
                    (printable(case.title), "bold"), "  ", (printable(case.id), "dim"), "\n", printable(case.summary)
                ),
                id=case.id,
            )
            for case in self.cases
            if case.matches(query)
        ]

    @on(Input.Changed, "#search")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one("#cases", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

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
