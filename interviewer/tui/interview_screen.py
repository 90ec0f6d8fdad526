"""The live interview: chat log, multi-line reply box, steps sidebar with clocks."""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from interviewer.errors import InterviewerError, SaveError
from interviewer.framework import INTRO, STEP_BY_ID
from interviewer.replies import ReplyRejected, clean_reply
from interviewer.terminal import printable
from interviewer.tui.base import AppScreen
from interviewer.tui.chatlog import ChatLog
from interviewer.tui.messages import InterviewEnded, InterviewReady, ReplyCancelled, ReplyFinished, ReplyStarted
from interviewer.tui.opening import OpeningBubble
from interviewer.tui.streaming import MarkdownStream
from interviewer.tui.widgets import KeysFooter, ReplyBox, StepsSidebar, TooSmall

if TYPE_CHECKING:
    from pathlib import Path

    from textual.widget import Widget

    from interviewer.catalog import Opening
    from interviewer.grading.models import StepJudgement
    from interviewer.interview import Interview, Plan, Utterance
    from interviewer.transcript import Turn


class InterviewScreen(AppScreen):
    AUTO_FOCUS = "#reply"  # focused as the screen opens, so the footer is built once with the right keys
    BINDINGS = [
        # Not priority bindings: a priority key is handled before the reply box has taken the characters typed just
        # ahead of it, so a fast typist (or a script) would send half an answer.
        Binding("ctrl+s", "send", "Send", id="send", tooltip="Send your answer to the interviewer"),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Stop the interviewer's answer in progress"),
        Binding("ctrl+n", "next_step", "Next step", id="next_step", tooltip="Move on to the next step"),
        Binding("ctrl+g", "end", "End & grade", id="end", tooltip="End the interview and see the scorecard"),
        Binding("f1", "help", "Help", id="help", tooltip="How the interview works, and every key"),
    ]

    def __init__(
        self,
        interview: Interview | None = None,
        *,
        load: Callable[[], Interview] | None = None,
        title: str = "",
        level: str = "",
        model: str = "stub",
        opening: Opening | None = None,
    ) -> None:
        """Give a ready `interview`, or a `load` that makes one: it runs after the first paint, off the UI thread.
        `opening`: the new interview's first words as the case file gives them, shown in the first frame."""
        super().__init__()
        if interview is None and load is None:
            raise ValueError("an interview or a loader is needed")
        if interview is not None:
            transcript = interview.transcript
            title, level, model = transcript.case_title, transcript.level.value, transcript.model
        self.interview = interview
        self._load = load
        self.header = (title, level, model)
        self.speaking = False
        # ctrl+s pressed before the interviewer could take a reply (the case loading, the problem being stated):
        # what is in the box then goes as soon as it can.
        self._send_when_ready: str | None = None  # the box's text at that ctrl+s
        self._previews = _previews(opening) if interview is None else []

    def compose(self) -> ComposeResult:
        title, level, model = self.header
        yield TooSmall()
        with Horizontal(id="interview"):
            yield StepsSidebar(title, level, model, id="sidebar")
            with Vertical(id="conversation"):
                yield ChatLog(*self._previews, id="chat")
                yield ReplyBox()
        yield KeysFooter()

    async def on_mount(self) -> None:
        self.refresh_clock()
        self.set_interval(1.0, self.refresh_clock)
        if self.interview is None:
            # After the frame that shows the opening: loading competes with drawing for the interpreter.
            self.call_after_refresh(self.call_after_refresh, self._load_in_background)
        else:
            await self._begin()

    @work(thread=True, group="load")
    def _load_in_background(self) -> None:
        """Load the case and the engine (pydantic, YAML, Markdown) after the first frame is on screen."""
        assert self._load is not None
        try:
            import interviewer.tui.bubbles  # noqa: F401  (Markdown is imported here, not on the UI thread)

            interview = self._load()
        except InterviewerError as exc:
            self.app.call_from_thread(self.host_app.exit_with_error, exc)
            return
        self.post_message(InterviewReady(interview))

    @on(InterviewReady)
    async def _ready(self, event: InterviewReady) -> None:
        self.interview = event.interview
        # The settings (a flag, the environment, .env) decide the interviewer only now: show the one in use.
        self.query_one(StepsSidebar).set_model(event.interview.transcript.model)
        await self._begin()

    async def _begin(self) -> None:
        assert self.interview is not None
        await self.query_one(ChatLog).add_turns(self.interview.transcript.turns)  # a resumed interview's history
        draft, box = self.interview.transcript.draft, self.query_one(ReplyBox)
        if draft and not box.text:  # left unsent when the interview was closed
            box.load_text(draft)
            box.move_cursor(box.document.end)
            self.notify("Your answer that was not sent is back in the box.")
        self.refresh_clock()
        plan = self.interview.plan_start()
        if plan:
            self.speak(plan)
        else:
            await _ChatSpeech(self, self._take_previews()).drop_previews()
            await self.send_queued()

    def _take_previews(self) -> list[OpeningBubble]:
        """The opening drawn before the interview was ready, for the first words said to take over (once)."""
        previews, self._previews = self._previews, []
        return previews

    # -- actions ---------------------------------------------------------------------------------------------------

    async def action_send(self) -> None:
        box = self.query_one(ReplyBox)
        if not box.text.strip():
            self.notify("Nothing to send yet: type your answer, then ctrl+s.", timeout=3)
            return
        if self.interview is None:
            self._send_when_ready = box.text
            self.notify("The case is still loading; your answer goes as soon as it is ready.")
            return
        if self.interview.done:
            return
        try:
            text = clean_reply(box.text)
        except ReplyRejected as exc:
            self.notify(str(exc), severity="error", timeout=8)  # the text stays in the box to be shortened
            return
        if self.interview.session.phase == INTRO:
            self._send_when_ready = box.text
            self.notify("Your answer goes once the interviewer has stated the problem.")
            if not self._interviewer_at_work():  # (a cancel stopped the opening: say it again)
                self.speak(self.interview.plan_start())
            return
        try:  # recorded (and saved) before the box is cleared: a reply that cannot be saved stays in the box
            plan = self.interview.plan_reply(text)
        except SaveError as exc:
            self.host_app.error = unsaved_reply(exc, self.interview.path)  # reported if the user quits now
            self.notify(
                f"Your reply is not saved ({exc}). It is still in the box: fix that and press ctrl+s again, "
                "or ctrl+q to quit.",
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        if isinstance(self.host_app.error, SaveError):
            self.host_app.error = None  # saving works again: nothing is left unsaved
        box.clear()
        await self.query_one(ChatLog).add_candidate(text)
        self.speak(plan)  # the plan's notices (time up) come first

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the terminal is too small the layout is hidden: nothing is sent, skipped or ended unseen."""
        return not (action in ("send", "next_step", "end") and self.app.has_class("-too-small"))

    def _interviewer_at_work(self) -> bool:
        """The interviewer's words are being said (read from the workers: `speaking` is set by a message, which
        may not have arrived yet when the candidate presses send right after the app opens)."""
        return any(worker.group == "interviewer" and not worker.is_finished for worker in self.workers)

    def action_cancel(self) -> None:
        if self.speaking:
            self.workers.cancel_group(self, "interviewer")

    def action_next_step(self) -> None:
        if self.interview is not None and not self.interview.done:
            self.speak(self.interview.plan_next_step())

    def keep_draft(self) -> None:
        """The app is closing: what is in the answer box is kept with the transcript, for `resume`."""
        if self.interview is None or self.interview.done:
            return
        try:
            self.interview.keep_draft(self.query_one(ReplyBox).text)
        except SaveError as exc:
            self.host_app.error = SaveError(f"{exc}; every sent answer is saved, the one in the box is not")

    def action_end(self) -> None:
        interview = self.interview
        if interview is None or interview.done:
            return
        question = "End the interview now and see the scorecard?"
        if self.query_one(ReplyBox).text.strip():
            question += " The answer in the box has not been sent: it will not be graded."

        def confirmed(yes: bool | None) -> None:
            if yes and not interview.done:
                self.speak(interview.plan_end())

        from interviewer.tui.modals import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question), confirmed)

    # -- the interviewer speaking ----------------------------------------------------------------------------------

    @work(exclusive=True, group="interviewer")
    async def speak(self, plan: Plan) -> None:
        """Stream each planned utterance, then commit it; a cancel drops what is not fully shown."""
        assert self.interview is not None
        speech = _ChatSpeech(self, self._take_previews())
        if any(utterance.ends_interview for utterance in plan):  # grading takes a moment after the closing words
            self.notify("Grading the interview...", timeout=10)
        self.post_message(ReplyStarted())
        try:
            await self.interview.speak(plan, speech)
        except asyncio.CancelledError:
            await speech.cancelled()
            self.post_message(ReplyCancelled())
            raise
        except SaveError as exc:  # the interviewer's words cannot be kept: stop, everything before them is saved
            self.host_app.exit_with_error(stopped_unsaved(exc, self.interview.path))
            return
        await speech.drop_previews()
        self.post_message(ReplyFinished())
        if self.interview.done:
            self.post_message(InterviewEnded())

    @on(ReplyStarted)
    def _started(self) -> None:
        self.speaking = True

    @on(ReplyFinished)
    async def _finished(self) -> None:
        self.speaking = False
        self.refresh_clock()
        await self.send_queued()

    async def send_queued(self) -> None:
        """Send the reply whose ctrl+s came before the interviewer could take it, once it can and the reply can be
        seen: not under a dialog, nor while the terminal is too small (the screen and the app call this again when
        those go). Only the text as it was at ctrl+s: an answer edited since waits for its own ctrl+s."""
        sent = self._send_when_ready
        if sent is None or self.interview is None or self.interview.session.phase == INTRO:
            return
        if self.app.screen is not self or self.app.has_class("-too-small"):
            return
        self._send_when_ready = None
        box = self.query_one(ReplyBox)
        if box.text == sent:
            await self.action_send()
        elif box.text.strip():
            self.notify("Your answer changed after ctrl+s, so it was not sent: press ctrl+s to send it.")

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.send_queued)  # a dialog closed over a reply waiting to go

    @on(ReplyCancelled)
    def _cancelled(self) -> None:
        self.speaking = False
        self._send_when_ready = None  # the candidate stopped the interviewer: what they send next is their call
        self.notify("Reply cancelled. Carry on when you are ready.")

    @on(InterviewEnded)
    async def _ended(self) -> None:
        assert self.interview is not None
        if self.interview.judge_model:
            await self._show_judging(self.interview.judge_model)
        self.show_scorecard()

    async def _show_judging(self, model: str) -> None:
        """A progress bar in place of the reply box while the judge reads the steps (a local model takes minutes)."""
        from textual.widgets import Label, ProgressBar

        panel = Vertical(
            Label(
                printable(f"Grading with {model}: the judge is reading your answers"), id="judging-label", markup=False
            ),
            ProgressBar(total=None, show_eta=False, id="judging-bar"),
            id="judging",
        )
        self.query_one(ReplyBox).display = False
        await self.query_one("#conversation").mount(panel)

    def _judged_step(self, judgement: StepJudgement, done: int, total: int) -> None:
        """The judge finished a step (`Interview.ajudge`'s `on_step`, on the app's loop): move the bar on."""
        from textual.widgets import Label, ProgressBar

        if not self.query("#judging"):  # grading without a judge: nothing shown
            return
        self.query_one("#judging-bar", ProgressBar).update(total=total, progress=done)
        step = STEP_BY_ID[judgement.step].short if judgement.step in STEP_BY_ID else judgement.step
        outcome = "not judged, deterministic grade kept" if judgement.failed else "judged"
        model = self.interview.judge_model if self.interview else None
        self.query_one("#judging-label", Label).update(
            printable(f"Grading with {model or 'the judge'}: {done} of {total} steps ({step}: {outcome})")
        )

    @work(exclusive=True, group="grading")
    async def show_scorecard(self) -> None:
        from interviewer.tui.scorecard_screen import ScorecardScreen

        assert self.interview is not None
        try:
            # The deterministic grade at once when no model is in use.
            grade = await self.interview.ajudge(self._judged_step)
        except SaveError as exc:
            self.host_app.exit_with_error(stopped_unsaved(exc, self.interview.path))
            return
        interview = self.interview
        self.app.push_screen(ScorecardScreen(interview.transcript, interview.case, grade, interview.path))

    # -- helpers ---------------------------------------------------------------------------------------------------

    def _answered_steps(self, turns: list) -> set[str]:
        """Steps with a reply that was more than a request (repeat, next...); read again only when turns were added,
        since the clock redraws every second."""
        from interviewer.transcript import Role

        cached = getattr(self, "_answered_cache", None)
        if cached is None or cached[0] is not turns or cached[1] > len(turns):
            cached = (turns, 0, set[str]())
        seen, answered = cached[1], cached[2]
        for turn in turns[seen:]:
            if turn.role is Role.CANDIDATE and not turn.intent:
                answered.add(turn.step)
        self._answered_cache = (turns, len(turns), answered)
        return answered

    def refresh_clock(self) -> None:
        if self.interview is None:  # still loading: the steps, all to come
            self.query_one(StepsSidebar).show(INTRO, lambda _: 0.0, 0.0)
            return
        session = self.interview.session
        answered = self._answered_steps(session.transcript.turns)
        total = session.total_seconds()
        self.query_one(StepsSidebar).show(session.phase, session.step_seconds, total, answered)
        box = self.query_one(ReplyBox)
        if self.app.has_class("-narrow"):  # the sidebar is hidden: the step and its clock go on the answer box
            box.border_title = StepsSidebar.one_line(session.phase, session.step_seconds, total)
        elif box.border_title:
            box.border_title = None


class _ChatSpeech:
    """The interviewer's words in the chat log: a bubble per utterance, streamed, marked if cancelled.

    `previews`: the opening drawn before the interview was ready (`tui/opening.py`). The first utterances take them
    over in order, kind for kind, instead of new bubbles: a preview stays as it is when the words said are its own,
    and gives way to a bubble with the words said when they differ; one that nothing took over is removed."""

    def __init__(self, screen: InterviewScreen, previews: Sequence[OpeningBubble] = ()):
        self.screen = screen
        self.chat = screen.query_one(ChatLog)
        self.bubble: Widget | None = None
        self.stream: MarkdownStream | None = None
        self.previews = list(previews)
        self.adopted: OpeningBubble | None = None  # the preview the current utterance is said into
        self.words: list[str] = []
        self.utterance: Utterance | None = None

    async def notice(self, turn: Turn) -> None:  # e.g. the model failed and the offline interviewer answers
        await self.chat.add_notice(turn.text)

    async def begin(self, utterance: Utterance) -> None:
        self.utterance = utterance
        preview = self.previews.pop(0) if self.previews else None
        if preview is not None and preview.kind == utterance.kind:
            self.bubble = self.adopted = preview
            self.words = []
            return
        if preview is not None:
            await self.drop_previews(preview)
        bubble = await self.chat.add_interviewer()
        self.bubble = bubble
        self.stream = MarkdownStream(bubble)

    async def text(self, delta: str) -> None:
        if self.adopted is not None:
            self.words.append(delta)
            return
        assert self.stream is not None
        await self.stream.write(delta)

    async def reset(self) -> None:
        if self.adopted is not None:
            self.words.clear()
            return
        assert self.stream is not None
        await self.stream.reset()

    async def end(self) -> None:
        if self.adopted is not None:
            assert self.utterance is not None
            said = "".join(self.words).strip() or self.utterance.text  # what `Interview.commit` will save
            if said != self.adopted.text:  # the cheap read of the case differed from the case: show what is said
                from interviewer.tui.bubbles import InterviewerMessage

                bubble = InterviewerMessage(said)
                await self.chat.replace(self.adopted, bubble)
                self.bubble, self.adopted = bubble, None
            return
        assert self.stream is not None
        await self.stream.finish()

    async def said(self, turn: Turn) -> None:
        self.bubble = self.stream = self.adopted = None  # saved: a cancel from here on leaves it as it is
        self.screen.refresh_clock()

    async def cancelled(self) -> None:
        """The reply was cancelled: the utterance being shown was not saved, and says so."""
        if self.stream is not None:
            await self.stream.stop()
        if self.bubble is not None:
            self.bubble.add_class("cancelled")
            self.bubble.border_subtitle = "cancelled: not saved"
        await self.drop_previews()

    async def drop_previews(self, *more: OpeningBubble) -> None:
        """Remove the previews nothing said: the words they stood for were not said."""
        for preview in (*more, *self.previews):
            await self.chat.replace(preview, None)
        self.previews = []


def _previews(opening: Opening | None) -> list[OpeningBubble]:
    """The opening's bubbles, if its problem statement can be drawn without Markdown (else none)."""
    if opening is None:
        return []
    intro = OpeningBubble.of(opening.intro, "intro")
    if intro is None:
        return []
    question = OpeningBubble.of(opening.question, "opening") if opening.question else None
    return [intro] if question is None else [intro, question]


def _continue(path: Path | None) -> str:
    if path is not None and path.exists():
        return f"every turn before it is saved in {path}; continue with `interviewer resume {shlex.quote(str(path))}`"
    return "nothing was saved"


def unsaved_reply(error: SaveError, path: Path | None) -> SaveError:
    return SaveError(f"your last reply was not saved ({error}); {_continue(path)}")


def stopped_unsaved(error: SaveError, path: Path | None) -> SaveError:
    return SaveError(f"the interview stopped: a turn could not be saved ({error}); {_continue(path)}")
