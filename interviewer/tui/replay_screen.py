"""Replay a saved transcript turn by turn, each answer annotated with the rubric items it covered."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from interviewer.annotate import note_for
from interviewer.framework import REPLY_STEP_IDS, STEP_BY_ID
from interviewer.grading.models import Grade
from interviewer.grading.paraphrase import enabled as paraphrase_enabled
from interviewer.rubric import Case
from interviewer.terminal import printable
from interviewer.transcript import Role, Transcript
from interviewer.tui.base import GradedScreen
from interviewer.tui.chatlog import ReplayLog
from interviewer.tui.widgets import KeysFooter, StepsSidebar, TooSmall

JUMP_PHASES = REPLY_STEP_IDS


class ReplayScreen(GradedScreen):
    BINDINGS = [
        Binding("right,n,space", "forward", "Next turn", id="forward", tooltip="Show the next turn"),
        Binding("left,p", "back", "Back", id="back", tooltip="Go back one turn"),
        Binding("]", "next_step", "Next step", id="next_step", tooltip="Jump to the first turn of the next step"),
        Binding("[", "previous_step", "Prev step", id="previous_step", tooltip="Jump to the start of this step"),
        Binding("home", "first", "First", id="first", tooltip="Jump to the first turn", show=False),
        Binding("end", "last", "Last", id="last", tooltip="Jump to the last turn", show=False),
        Binding("s", "scorecard", "Scorecard", id="scorecard", tooltip="Show the graded scorecard"),
        Binding("q,escape", "close", "Close", id="close", tooltip="Close the replay"),
        Binding("f1", "help", "Help", id="help", tooltip="Keys"),
        *(
            Binding(str(n), f"jump({n - 1})", f"Step {n}", id=f"jump_{n}", tooltip=f"Jump to step {n}", show=False)
            for n in range(1, len(JUMP_PHASES) + 1)
        ),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    partner = "scorecard"

    def __init__(
        self, transcript: Transcript, case: Case, grade: Grade, path: Path | None, from_partner: bool = False
    ) -> None:
        super().__init__(transcript, case, grade, path, from_partner)
        backstop = paraphrase_enabled()  # once: each note would read the settings again
        self.note = cache(lambda index: note_for(case, transcript.turns[index], transcript.level, backstop))
        self.answered = {t.step for t in transcript.turns if t.role is Role.CANDIDATE and not t.intent}

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Horizontal(id="replay"):
            yield StepsSidebar(self.transcript.case_title, self.transcript.level.value, self.transcript.model)
            with Vertical(id="conversation"):
                yield ReplayLog(id="chat")
                yield Static("", id="replay-status", markup=False)  # it names the step a transcript gives
        yield KeysFooter()

    async def on_mount(self) -> None:
        # Every turn is kept as data; only the turns near the cursor are mounted (chatlog.py).
        self.query_one(ReplayLog).load(self.transcript.turns, self.note)
        if not self.transcript.turns:
            self.query_one("#replay-status", Static).update("This transcript has no turns.")
            return
        await self.watch_cursor(0)

    async def watch_cursor(self, cursor: int) -> None:
        turns = self.transcript.turns
        if not turns:
            return
        cursor = self.cursor  # a later key press may have moved it on while an earlier move was drawn
        await self.query_one(ReplayLog).show_upto(cursor)
        turn = turns[cursor]
        title = STEP_BY_ID[turn.step].title if turn.step in STEP_BY_ID else turn.step
        self.query_one("#replay-status", Static).update(
            f"Turn {cursor + 1}/{len(turns)} · {printable(title)} · {turn.role.value}"
            + (
                "   (the interview stopped here, unfinished)"
                if not self.transcript.finished and cursor == len(turns) - 1
                else ""
            )
        )
        self.query_one(StepsSidebar).show(
            turn.step, lambda step_id: self.transcript.step_seconds.get(step_id, 0.0), self._total(), self.answered
        )

    def _total(self) -> float:
        return sum(self.transcript.step_seconds.values())

    def _first_turn_of(self, phase: str) -> int | None:
        return next((i for i, turn in enumerate(self.transcript.turns) if turn.step == phase), None)

    # -- actions ---------------------------------------------------------------------------------------------------

    def action_forward(self) -> None:
        if self.cursor < len(self.transcript.turns) - 1:
            self.cursor += 1
        else:
            self.action_scorecard()

    def action_back(self) -> None:
        self.cursor = max(0, self.cursor - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self.transcript.turns) - 1)

    def action_next_step(self) -> None:
        current = self.transcript.turns[self.cursor].step if self.transcript.turns else None
        for index in range(self.cursor + 1, len(self.transcript.turns)):
            if self.transcript.turns[index].step != current:
                self.cursor = index
                return
        self.notify("This is the last step.")

    def action_previous_step(self) -> None:
        turns = self.transcript.turns
        if not turns:
            return
        start = self._first_turn_of(turns[self.cursor].step) or 0
        if start < self.cursor:
            self.cursor = start
        elif start > 0:
            self.cursor = self._first_turn_of(turns[start - 1].step) or 0

    def action_jump(self, index: int) -> None:
        phase = JUMP_PHASES[index]
        first = self._first_turn_of(phase)
        if first is None:
            self.notify(f"No turns in {STEP_BY_ID[phase].title.lower()}.", severity="warning")
        else:
            self.cursor = first

    def action_scorecard(self) -> None:
        self.show_partner()
