"""The Textual application: picks the first screen, adds screen commands to the palette, guards the minimum size."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual._time import get_time
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import WorkerFailed

from interviewer.catalog import CaseSummary
from interviewer.errors import InterviewerError
from interviewer.framework import Level
from interviewer.terminal import printable
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.messages import OpenGradedScreen
from interviewer.tui.practice_messages import NewInterview, OpenHistory, StartDrill
from interviewer.tui.widgets import MIN_HEIGHT, MIN_WIDTH, NARROW_WIDTH

if TYPE_CHECKING:
    from interviewer.interview import Interview
    from interviewer.practice.progress import DrillTarget

StartInterview = Callable[[str, Level], "Interview"]
StartDrillFor = Callable[["DrillTarget", Level], "Interview"]
InterviewScreenFor = Callable[[CaseSummary, Level], Screen]
# The longest keys typed at start wait for the first screen: a screen that never takes the focus still gets them.
EARLY_KEYS_WAIT = 2.0


class InterviewerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "interviewer"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit; every turn is already saved", priority=True),
    ]

    def __init__(
        self,
        first_screen: Screen,
        start_interview: StartInterview | None = None,
        notice: str | None = None,
        start_drill: StartDrillFor | None = None,
        interview_screen: InterviewScreenFor | None = None,
    ) -> None:
        from interviewer.tui.paste import install

        install()  # a paste holding ESC or BEL is one paste, not keys (see paste.py)
        super().__init__()
        self.first_screen = first_screen
        self.start_interview = start_interview
        self.start_drill = start_drill  # a drill to practise next, from the scorecard, the picker or the history
        # The screen of a new interview picked in the app: the same header (model) and early opening as one named
        # on the command line.
        self.interview_screen = interview_screen
        self.notice = notice  # shown once the app is up (e.g. a saved grade that did not match its transcript)
        # Why the app stopped, for the command line to report: an error meant for the user (a reply that could not
        # be saved counts until a later save succeeds), or a crash (a bug), reported in one line, never a traceback.
        self.error: InterviewerError | None = None
        self.crash: BaseException | None = None
        self._focus_before_too_small: tuple[Screen | None, Widget | None] = (None, None)
        # Keys typed before the first screen could take them (None once it could): see `on_event`.
        self._early_keys: list[events.Key | events.Paste] | None = []

    def _handle_exception(self, error: Exception) -> None:
        """Every unexpected exception in a handler, worker or timer ends up here: end the app with a non-zero code
        and no traceback on screen; the command line prints one line about it (see `crash_report`)."""
        if self.crash is None:
            self.crash = error.error if isinstance(error, WorkerFailed) else error
        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it after the test, so a crash never passes a test unseen
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    async def on_event(self, event: events.Event) -> None:
        # Keys typed as the app starts (text typed right after the command, a script) are read before the first
        # screen is built; Textual gives them to the screen itself, which has nothing focused yet and drops them.
        # They wait until the screen is ready, then go where the screen's focus is, in the order they were typed.
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded and self._early_keys is not None:
            if self._early_keys or not self._first_screen_ready():
                self._early_keys.append(event)
                if len(self._early_keys) == 1:
                    self.call_after_refresh(self._release_early_keys)
                return
            self._early_keys = None
        await super().on_event(event)

    def _first_screen_ready(self) -> bool:
        try:
            screen = self.screen
        except ScreenStackError:
            return False
        return screen.is_mounted and (self.focused is not None or not screen.focus_chain)

    async def _release_early_keys(self) -> None:
        keys = self._early_keys or []
        if keys and not self._first_screen_ready() and keys[0].time > get_time() - EARLY_KEYS_WAIT:
            # Not ready yet: look again shortly, from the app's own message loop (a timer's callback runs apart).
            self.set_timer(0.01, lambda: self.call_later(self._release_early_keys))
            return
        self._early_keys = None
        for key in keys:
            await super().on_event(key)

    async def action_quit(self) -> None:
        # Every sent answer is saved as it is sent; what is typed and not sent is kept as the app closes.
        for screen in self.screen_stack:
            keep_draft = getattr(screen, "keep_draft", None)
            if keep_draft is not None:
                keep_draft()
        await super().action_quit()

    def crash_report(self) -> str | None:
        """The one line that explains a crash (None when there was none)."""
        if self.crash is None:
            return None
        return crash_line(self.crash, self.interview_path())

    def interview_path(self) -> Path | None:
        """The transcript of the interview on screen (or replayed), if any."""
        for screen in (*self.screen_stack, self.first_screen):
            interview = getattr(screen, "interview", None)
            if interview is not None:
                return interview.path
        return getattr(self.first_screen, "path", None)

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
        if self.notice:
            self.notify(printable(self.notice), severity="warning", timeout=15, markup=False)
        if self._starts_with_picker:
            self.push_screen(self.first_screen, self._case_chosen)

    def _case_chosen(self, choice: tuple[CaseSummary, Level] | None) -> None:
        if choice is None or self.start_interview is None:
            self.exit()
            return
        case, level = choice
        if self.interview_screen is not None:
            self.push_screen(self.interview_screen(case, level))
            return
        start = self.start_interview
        self.push_screen(
            InterviewScreen(load=lambda: start(case.id, level), title=case.title, level=level.value, model="stub")
        )

    def on_start_drill(self, message: StartDrill) -> None:
        start = self.start_drill
        if start is None:
            self.notify("Drills start from `interviewer drill`.", severity="warning")
            return
        target, level = message.target, message.level
        self.push_screen(
            InterviewScreen(
                load=lambda: start(target, level),
                title=f"{message.title} · drill: {target.step}",
                level=level.value,
                model="stub",
            )
        )

    def on_new_interview(self, message: NewInterview) -> None:
        if self.start_interview is None:
            self.notify("Start another interview with `interviewer`.", severity="warning")
            return
        from interviewer.catalog import case_files, peek_case
        from interviewer.errors import InterviewerError
        from interviewer.tui.picker import CasePickerScreen

        try:  # a case file may have been added or copied since the app started ("case id defined twice")
            cases = [peek_case(path) for path in case_files()]
        except InterviewerError as error:
            self.notify(printable(str(error)), title="Cannot list the cases", severity="error", markup=False)
            return
        self.push_screen(CasePickerScreen(cases, message.level or Level.SENIOR), self._another_case)

    def _another_case(self, choice: tuple[CaseSummary, Level] | None) -> None:
        if choice is not None:
            self._case_chosen(choice)

    def on_open_history(self, message: OpenHistory) -> None:
        from interviewer.tui.history_screen import HistoryScreen

        self.push_screen(HistoryScreen(message.case_id, message.level or Level.SENIOR))

    def on_open_graded_screen(self, message: OpenGradedScreen) -> None:
        from interviewer.tui.replay_screen import ReplayScreen
        from interviewer.tui.scorecard_screen import ScorecardScreen

        screen = ScorecardScreen if message.name == "scorecard" else ReplayScreen
        self.push_screen(screen(message.transcript, message.case, message.grade, message.path, from_partner=True))

    def exit_with_error(self, error: InterviewerError) -> None:
        self.error = error
        self.exit(return_code=error.exit_code)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        if (width < NARROW_WIDTH) != self.has_class("-narrow"):
            self.set_class(width < NARROW_WIDTH, "-narrow")
            refresh = getattr(self.screen, "refresh_clock", None)
            if refresh is not None:
                self.call_after_refresh(refresh)
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small == self.has_class("-too-small"):
            return
        if small:
            # Hiding the layout takes the focus away (a hidden widget cannot have it); it is given back on restore.
            self._focus_before_too_small = (self.screen, self.screen.focused)
        self.set_class(small, "-too-small")
        if not small:
            screen, widget = self._focus_before_too_small
            if screen is self.screen and widget is not None and widget.is_attached:
                self.call_after_refresh(widget.focus)
            send_queued = getattr(self.screen, "send_queued", None)
            if send_queued is not None:  # a reply that waited for the layout to be seen again
                self.call_after_refresh(send_queued)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "palette_commands", None)
        for binding in commands() if commands else ():
            yield SystemCommand(binding.description, binding.tooltip, partial(screen.run_action, binding.action))


def crash_line(error: BaseException, path: Path | None) -> str:
    """`unexpected error: Name: message`, then where the transcript is and how to go on (one line)."""
    from interviewer.transcript import where_saved

    message = " ".join(str(error).split())[:300]
    line = f"unexpected error in the app: {type(error).__name__}" + (f": {message}" if message else "")
    if path is None or not path.exists():
        return printable(f"{line}; nothing was saved")
    return printable(f"{line}; {where_saved(path)}")
