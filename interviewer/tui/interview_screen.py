"""The live interview: chat log, multi-line reply box, steps sidebar with clocks."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from interviewer.interview import Interview, Utterance
from interviewer.session import INTRO, ReplyRejected, clean_reply
from interviewer.transcript import Role
from interviewer.tui.messages import InterviewEnded, ReplyCancelled, ReplyFinished, ReplyStarted
from interviewer.tui.modals import ConfirmScreen, HelpScreen
from interviewer.tui.streaming import stream_into
from interviewer.tui.widgets import (
    CandidateMessage,
    ChatLog,
    InterviewerMessage,
    NoticeMessage,
    ReplyBox,
    StepsSidebar,
    TooSmall,
    turn_widget,
)


class InterviewScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="send", tooltip="Send your answer to the interviewer", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Stop the interviewer's answer in progress"),
        Binding("ctrl+n", "next_step", "Next step", id="next_step", tooltip="Move on to the next step", priority=True),
        Binding("ctrl+g", "end", "End & grade", id="end", tooltip="End the interview and see the scorecard"),
        Binding("f1", "help", "Help", id="help", tooltip="How the interview works, and every key"),
    ]

    def __init__(self, interview: Interview) -> None:
        super().__init__()
        self.interview = interview
        self.speaking = False

    def compose(self) -> ComposeResult:
        transcript = self.interview.transcript
        yield TooSmall()
        with Horizontal(id="interview"):
            yield StepsSidebar(transcript.case_title, transcript.level.value, transcript.model, id="sidebar")
            with Vertical(id="conversation"):
                yield ChatLog(id="chat")
                yield ReplyBox()
        yield Footer()

    async def on_mount(self) -> None:
        chat = self.query_one(ChatLog)
        for turn in self.interview.transcript.turns:  # a resumed interview shows what was said
            await chat.add(turn_widget(turn))
        self.refresh_clock()
        self.set_interval(1.0, self.refresh_clock)
        self.query_one(ReplyBox).focus()
        plan = self.interview.plan_start()
        if plan:
            self.speak(plan)

    # -- actions ---------------------------------------------------------------------------------------------------

    async def action_send(self) -> None:
        box = self.query_one(ReplyBox)
        if not box.text.strip() or self.interview.done:
            return
        try:
            text = clean_reply(box.text)
        except ReplyRejected as exc:
            self.notify(str(exc), severity="error", timeout=8)  # the text stays in the box to be shortened
            return
        if self.interview.session.phase == INTRO:
            self.notify("Let the interviewer finish stating the problem first.", severity="warning")
            self.speak(self.interview.plan_start())
            return
        box.clear()
        await self.query_one(ChatLog).add(CandidateMessage(text))
        mark = len(self.interview.transcript.turns)
        plan = self.interview.plan_reply(text)
        await self._show_system_turns(mark)
        self.speak(plan)

    def action_cancel(self) -> None:
        if self.speaking:
            self.workers.cancel_group(self, "interviewer")

    def action_next_step(self) -> None:
        if not self.interview.done:
            self.speak(self.interview.plan_next_step())

    def action_end(self) -> None:
        if self.interview.done:
            return

        def confirmed(yes: bool | None) -> None:
            if yes and not self.interview.done:
                self.speak(self.interview.plan_end())

        self.app.push_screen(ConfirmScreen("End the interview now and see the scorecard?"), confirmed)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    # -- the interviewer speaking ----------------------------------------------------------------------------------

    @work(exclusive=True, group="interviewer")
    async def speak(self, plan: list[Utterance]) -> None:
        """Stream each planned utterance, then commit it; a cancel drops what is not fully shown."""
        chat = self.query_one(ChatLog)
        self.post_message(ReplyStarted())
        widget: InterviewerMessage | None = None
        try:
            for utterance in plan:
                widget = await chat.add_interviewer()
                await stream_into(widget, self.interview.policy.stream(utterance.text))
                self.interview.commit(utterance)
                widget = None
                self.refresh_clock()
        except asyncio.CancelledError:
            if widget is not None:
                widget.add_class("cancelled")
                widget.border_subtitle = "cancelled: not saved"
            self.post_message(ReplyCancelled())
            raise
        self.post_message(ReplyFinished(len(self.interview.transcript.turns)))
        if self.interview.done:
            self.post_message(InterviewEnded())

    @on(ReplyStarted)
    def _started(self) -> None:
        self.speaking = True

    @on(ReplyFinished)
    def _finished(self) -> None:
        self.speaking = False
        self.refresh_clock()

    @on(ReplyCancelled)
    def _cancelled(self) -> None:
        self.speaking = False
        self.notify("Reply cancelled. Carry on when you are ready.")

    @on(InterviewEnded)
    def _ended(self) -> None:
        from interviewer.tui.scorecard_screen import ScorecardScreen

        self.app.switch_screen(
            ScorecardScreen(self.interview.transcript, self.interview.case, self.interview.grade(), self.interview.path)
        )

    # -- helpers ---------------------------------------------------------------------------------------------------

    async def _show_system_turns(self, mark: int) -> None:
        chat = self.query_one(ChatLog)
        for turn in self.interview.transcript.turns[mark:]:
            if turn.role is Role.SYSTEM:
                await chat.add(NoticeMessage(turn.text))

    def refresh_clock(self) -> None:
        session = self.interview.session
        self.query_one(StepsSidebar).show(session.phase, session.step_seconds, session.total_seconds())

    def palette_commands(self) -> list[Binding]:
        return [binding for binding in self.BINDINGS if isinstance(binding, Binding)]
