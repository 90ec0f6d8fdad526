"""The Textual application: picks the first screen, adds screen commands to the palette, guards the minimum size."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from interviewer.catalog import CaseSummary
from interviewer.errors import InterviewerError
from interviewer.framework import Level
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.widgets import MIN_HEIGHT, MIN_WIDTH

if TYPE_CHECKING:
    from interviewer.interview import Interview

StartInterview = Callable[[str, Level], "Interview"]


class InterviewerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "interviewer"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit; every turn is already saved", priority=True),
    ]

    def __init__(self, first_screen: Screen, start_interview: StartInterview | None = None) -> None:
        from interviewer.tui.paste import install

        install()  # a paste holding ESC or BEL is one paste, not keys (see paste.py)
        super().__init__()
        self.first_screen = first_screen
        self.start_interview = start_interview
        self.error: InterviewerError | None = None  # why the app stopped, for the command line to report

    @property
    def _starts_with_picker(self) -> bool:
        return getattr(self.first_screen, "picks_case", False)

    def get_default_screen(self) -> Screen:
        # The first screen is the default one, rather than pushed over an empty default: one screen to style and
        # lay out before the first frame. The picker is pushed instead, because it is dismissed with the choice.
        if self._starts_with_picker:
            return super().get_default_screen()
        return self.first_screen

    def on_mount(self) -> None:
        self._fit(self.size.width, self.size.height)
        if self._starts_with_picker:
            self.push_screen(self.first_screen, self._case_chosen)

    def _case_chosen(self, choice: tuple[CaseSummary, Level] | None) -> None:
        if choice is None or self.start_interview is None:
            self.exit()
            return
        case, level = choice
        start = self.start_interview
        self.push_screen(
            InterviewScreen(load=lambda: start(case.id, level), title=case.title, level=level.value, model="stub")
        )

    def exit_with_error(self, error: InterviewerError) -> None:
        self.error = error
        self.exit(return_code=error.exit_code)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "palette_commands", None)
        for binding in commands() if commands else ():
            yield SystemCommand(binding.description, binding.tooltip, partial(screen.run_action, binding.action))
