"""The Textual application: picks the first screen, adds screen commands to the palette, guards the minimum size."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from interviewer.errors import InterviewerError
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.picker import CasePickerScreen
from interviewer.tui.widgets import MIN_HEIGHT, MIN_WIDTH

StartInterview = Callable[[str, Level], Interview]


class InterviewerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "interviewer"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit; every turn is already saved", priority=True),
    ]

    def __init__(self, first_screen: Screen, start_interview: StartInterview | None = None) -> None:
        super().__init__()
        self.first_screen = first_screen
        self.start_interview = start_interview

    def on_mount(self) -> None:
        self._fit(self.size.width, self.size.height)
        if isinstance(self.first_screen, CasePickerScreen):
            self.push_screen(self.first_screen, self._case_chosen)
        else:
            self.push_screen(self.first_screen)

    def _case_chosen(self, choice: tuple[str, Level] | None) -> None:
        if choice is None or self.start_interview is None:
            self.exit()
            return
        case_id, level = choice
        try:
            interview = self.start_interview(case_id, level)
        except InterviewerError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            self.push_screen(CasePickerScreen(self.first_screen.cases, level), self._case_chosen)
            return
        self.push_screen(InterviewScreen(interview))

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "palette_commands", None)
        for binding in commands() if commands else ():
            yield SystemCommand(binding.description, binding.tooltip, partial(screen.run_action, binding.action))
