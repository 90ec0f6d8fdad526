"""The interview as a state machine: intro -> the seven steps -> wrap_up -> done, with a clock per step.

The session records every turn in its transcript and calls `on_change` after each change, so a front end can save
it immediately. Each change is all or nothing: when `on_change` raises (the save failed), the transcript is put back
exactly as it was before the change and the error goes to the caller, who can keep the user's reply and retry.
It knows nothing about who speaks next: that is the interviewer policy's job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from interviewer.errors import SessionError
from interviewer.framework import DONE, INTRO, PHASES, REPLY_STEP_IDS, STEP_BY_ID, WRAP_UP, mmss
from interviewer.replies import MAX_REPLY_CHARS, ReplyRejected, clean_reply

__all__ = ["DONE", "INTRO", "MAX_REPLY_CHARS", "PHASES", "ReplyRejected", "Session", "clean_reply"]
from interviewer.transcript import Role, Transcript, Turn, TurnKind
from interviewer.usage import Usage


class Session:
    def __init__(
        self,
        transcript: Transcript,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[Transcript], None] | None = None,
    ):
        if transcript.phase not in PHASES:
            raise SessionError(f"transcript phase {transcript.phase!r} is not one of {', '.join(PHASES)}")
        self.transcript = transcript
        self._clock = clock
        self._on_change = on_change
        # Time is counted from now: a gap between an interruption and `resume` is not charged to the step.
        self._last_tick = clock()
        self._batching = 0
        self._batched = False
        # Where each phase's turns begin, kept as turns are recorded, so no turn needs a scan of the whole transcript.
        self._phase_start: dict[str, int] = {}
        for index, turn in enumerate(transcript.turns):
            self._phase_start.setdefault(turn.step, index)

    # -- state -----------------------------------------------------------------------------------------------------

    @property
    def phase(self) -> str:
        return self.transcript.phase

    @property
    def in_step(self) -> bool:
        return self.phase in REPLY_STEP_IDS

    @property
    def done(self) -> bool:
        return self.phase == DONE

    def step_seconds(self, step_id: str | None = None) -> float:
        """Time spent in a step so far (the current one, including the running clock)."""
        step_id = step_id or self.phase
        spent = self.transcript.step_seconds.get(step_id, 0.0)
        if step_id == self.phase and not self.done:
            spent += self._clock() - self._last_tick
        return spent

    def total_seconds(self) -> float:
        return sum(self.step_seconds(step_id) for step_id in REPLY_STEP_IDS)

    def over_budget(self) -> bool:
        if not self.in_step:
            return False
        return self.step_seconds() > STEP_BY_ID[self.phase].budget_seconds

    def step_start(self, phase: str | None = None) -> int:
        """Index of the first turn of `phase` (the current one by default); the end of the turns if it has none.
        Phases only move forward, so a phase's turns are the ones from there up to the next phase's first turn."""
        return self._phase_start.get(phase or self.phase, len(self.transcript.turns))

    # -- events ----------------------------------------------------------------------------------------------------

    def say(
        self,
        text: str,
        kind: TurnKind,
        item_id: str | None = None,
        role: Role = Role.INTERVIEWER,
        usage: Usage | None = None,
        fallback: bool = False,
        intent: str | None = None,
    ) -> Turn:
        """Record an interviewer (or system) turn in the current phase."""
        if self.done:
            raise SessionError("the interview is over; nothing more can be said")
        turn = Turn(
            step=self.phase,
            role=role,
            text=text,
            kind=kind,
            item_id=item_id,
            usage=usage,
            fallback=fallback,
            intent=intent,
        )
        return self._record(turn)

    def reply(self, text: str, intent: str | None = None) -> Turn:
        """Record the candidate's reply in the current step (with what it asked of the interviewer, if anything)."""
        if not self.in_step:
            raise SessionError(f"a reply is not expected in phase {self.phase!r}")
        turn = Turn(step=self.phase, role=Role.CANDIDATE, text=clean_reply(text), kind=TurnKind.REPLY, intent=intent)
        with self.one_change():
            self.keep_draft(None)  # what was kept unsent is sent now, or given up
            return self._record(turn)

    def keep_draft(self, text: str | None) -> None:
        """What the candidate has typed and not sent, kept with the transcript when they leave (None: nothing)."""
        if text != self.transcript.draft:
            with self.one_change():
                self.transcript.draft = text
                self._changed()

    def advance(self) -> str:
        """Move to the next phase (the candidate asked, the policy decided, or the step's time ran out)."""
        if self.done:
            raise SessionError("the interview is over; there is no next step")
        with self.one_change():
            self._tick()
            self.transcript.phase = PHASES[PHASES.index(self.phase) + 1]
            self._changed()
        return self.phase

    def time_up(self) -> str:
        """The current step ran over its budget: note it and move on."""
        if not self.in_step:
            raise SessionError(f"phase {self.phase!r} has no time budget")
        spent, budget = self.step_seconds(), STEP_BY_ID[self.phase].budget_seconds
        if spent <= budget:
            raise SessionError(f"step {self.phase!r} is within its budget ({spent:.0f}s of {budget:.0f}s)")
        with self.one_change():  # the notice and the move: saved together or not at all
            self.say(
                f"Time budget for {STEP_BY_ID[self.phase].title.lower()} passed ({mmss(spent)} of {mmss(budget)}).",
                TurnKind.NOTICE,
                role=Role.SYSTEM,
            )
            return self.advance()

    def end(self) -> None:
        """End the interview now, from any phase; it is graded on what was said."""
        if self.done:
            raise SessionError("the interview has already ended")
        with self.one_change():
            self._tick()
            self.transcript.ended_early = self.phase != WRAP_UP.id
            self.transcript.phase = DONE
            self.transcript.draft = None  # whatever was left unsent is not part of a finished interview
            self._changed()

    # -- internals -------------------------------------------------------------------------------------------------

    def _tick(self) -> None:
        now = self._clock()
        if self.in_step:
            seconds = self.transcript.step_seconds
            seconds[self.phase] = round(seconds.get(self.phase, 0.0) + now - self._last_tick, 3)
        self._last_tick = now

    def _record(self, turn: Turn) -> Turn:
        with self.one_change():
            self._tick()
            self._phase_start.setdefault(turn.step, len(self.transcript.turns))
            self.transcript.turns.append(turn)
            self._changed()
        return turn

    @contextmanager
    def one_change(self) -> Iterator[None]:
        """Make the changes inside one change: reported (saved) once, at the end, and all undone if the block or
        the save fails, so the transcript is then exactly as it was before."""
        outermost = not self._batching
        before = self._snapshot() if outermost else None
        self._batching += 1
        try:
            yield
            if outermost and self._batched:
                self._batched = False
                if self._on_change is not None:
                    self._on_change(self.transcript)
        except BaseException:
            if before is not None:
                self._batched = False
                self._restore(before)
            raise
        finally:
            self._batching -= 1

    def _changed(self) -> None:
        self._batched = True  # every change runs inside `one_change`, which reports it when the outermost one ends

    def _snapshot(self) -> tuple:
        # Everything a change may touch. Only the turn count is kept for the turns: a change only appends.
        t = self.transcript
        return (
            len(t.turns),
            t.phase,
            dict(t.step_seconds),
            t.ended_early,
            t.model_failures,
            t.grade,
            t.updated_at,
            t.draft,
            self._last_tick,
        )

    def _restore(self, snapshot: tuple) -> None:
        t = self.transcript
        (count, t.phase, t.step_seconds, t.ended_early, t.model_failures, t.grade, t.updated_at, t.draft) = snapshot[
            :-1
        ]
        self._last_tick = snapshot[-1]
        for turn in t.turns[count:]:
            if self._phase_start.get(turn.step, -1) >= count:
                del self._phase_start[turn.step]
        del t.turns[count:]
