"""What every screen of the app shares: help, and its keys in the command palette."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from textual.binding import Binding
from textual.screen import Screen

from interviewer.tui.messages import GradedScreenName, OpenGradedScreen

if TYPE_CHECKING:
    from interviewer.errors import InterviewerError
    from interviewer.grading.models import Grade
    from interviewer.rubric import Case
    from interviewer.transcript import Transcript


@runtime_checkable
class HostApp(Protocol):
    """The app as its screens use it (`InterviewerApp`, which imports them): it keeps why it stopped, for the command
    line to report."""

    error: InterviewerError | None

    def exit_with_error(self, error: InterviewerError) -> None: ...


class AppScreen(Screen[None]):
    @property
    def host_app(self) -> HostApp:
        app = self.app
        assert isinstance(app, HostApp)
        return app

    def action_help(self) -> None:
        from interviewer.tui.modals import HelpScreen

        self.app.push_screen(HelpScreen())

    def palette_commands(self) -> list[Binding]:
        """The screen's shown keys, offered in the command palette too."""
        return [binding for binding in self.BINDINGS if isinstance(binding, Binding) and binding.show]


class GradedScreen(AppScreen):
    """The scorecard and the replay: one graded transcript, and each opens the other.

    Opened from its partner, a screen goes back to it (and closing returns there); otherwise it asks the app to open
    the partner on top (by name, so neither screen imports the other), and closing quits the app.
    """

    partner: ClassVar[GradedScreenName]

    def __init__(
        self, transcript: Transcript, case: Case, grade: Grade, path: Path | None, from_partner: bool = False
    ) -> None:
        super().__init__()
        self.transcript = transcript
        self.case = case
        self.grade = grade
        self.path = path
        self.from_partner = from_partner

    def show_partner(self) -> None:
        if self.from_partner:
            self.app.pop_screen()
        else:
            self.post_message(OpenGradedScreen(self.partner, self.transcript, self.case, self.grade, self.path))

    def action_close(self) -> None:
        if self.from_partner:
            self.app.pop_screen()
        else:
            self.app.exit()
