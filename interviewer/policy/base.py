"""What an interviewer is made of: the decisions, the voice and the judge, and the values they pass around.

A `Decider` chooses what the interviewer does next (a `Decision`, with the rubric-driven words of a draft); a
`Voice` says a planned `Utterance` (the draft as it is, or a model's phrasing of it); a `Judge` may add a model's
verdict to the final grade. `interviewer.policy.Policy` composes the three. None of them changes the interview: the
`Interview` applies what they return, so every back end gets the same saving, clocks and grading.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from interviewer.framework import STEP_BY_ID, STEP_IDS, Level
from interviewer.grading.models import Grade, StepJudgement
from interviewer.rubric import Case
from interviewer.transcript import Role, Turn, TurnKind
from interviewer.usage import Usage


class Action(StrEnum):
    STAY = "stay"  # keep going in this step
    ADVANCE = "advance"  # move to the next step
    CLOSE = "close"  # the interview is over


class AdvanceReason(StrEnum):
    START = "start"
    COVERED = "covered"  # the step is covered well
    FOLLOW_UPS_SPENT = "follow_ups_spent"
    CANDIDATE = "candidate"  # the candidate asked to move on
    TIME = "time"  # the step ran over its budget


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    text: str = ""
    kind: TurnKind = TurnKind.PROMPT
    item_id: str | None = None
    reason: AdvanceReason | None = None  # why the step ends, for ADVANCE
    intent: str | None = None  # the candidate's intent this answers


@dataclass(frozen=True, slots=True)
class Utterance:
    """Something the interviewer is about to say. It becomes a turn when committed.

    `text` is the rubric-driven draft: the stub says it as is, a model phrases it in context (and falls back to it).
    """

    text: str
    kind: TurnKind
    item_id: str | None = None
    advance_first: bool = False  # it opens the next step, so committing it moves the session on
    ends_interview: bool = False
    intent: str | None = None  # the candidate's intent this answers (`interviewer.intents.Intent`)
    phase: str = ""  # the phase it is said in: the next step's for an opening that moves the session on


@dataclass(frozen=True, slots=True)
class View:
    """What a policy may look at: the case, the level, the current phase and its turns.

    `step_start` is where the phase's turns begin in `turns` (the session keeps it); without it the phase's turns
    are found by walking back from the end. Phases only move forward, so they are the trailing run either way, and
    nothing here scans the whole interview."""

    case: Case
    level: Level
    phase: str
    turns: list[Turn] = field(default_factory=list)
    step_start: int | None = None
    elapsed: float | None = None  # seconds of interview so far (the session's clock), when known
    step_elapsed: float | None = None  # seconds spent in the current phase

    @property
    def start(self) -> int:
        if self.step_start is not None:
            return self.step_start
        start = len(self.turns)
        while start and self.turns[start - 1].step == self.phase:
            start -= 1
        return start

    @property
    def step_turns(self) -> list[Turn]:
        return self.turns[self.start :]

    @property
    def question(self) -> str:
        """The question the candidate is answering now: the step's latest follow-up, challenge or change of
        requirements, or else its opening question."""
        for turn in reversed(self.step_turns):
            if turn.role is Role.INTERVIEWER and turn.kind in (TurnKind.PUSHBACK, TurnKind.CURVEBALL):
                return turn.text
            if turn.role is Role.INTERVIEWER and turn.kind is TurnKind.FOLLOW_UP and turn.item_id:
                try:
                    return self.case.item(self.phase, turn.item_id).follow_up
                except KeyError:
                    break
        return opening_question(self.case, self.phase)

    @property
    def answered(self) -> bool:
        """Whether the candidate has said anything in this phase that was more than a request (repeat, next...)."""
        return any(turn.role is Role.CANDIDATE and not turn.intent for turn in self.step_turns)

    @property
    def last_reply(self) -> str:
        for index in range(len(self.turns) - 1, self.start - 1, -1):  # usually the last turn or the one before
            if self.turns[index].role is Role.CANDIDATE:
                return self.turns[index].text
        return ""


def opening_question(case: Case, phase: str) -> str:
    """The first question of a phase: the case's own for the step, or the framework's."""
    step = STEP_BY_ID[phase]
    rubric = case.steps[phase] if phase in STEP_IDS else None
    return (rubric.opening if rubric is not None else None) or step.opening


class Decider(Protocol):
    """Decides the interviewer's next move and drafts its words. Implementations must not mutate the view."""

    def introduce(self, view: View) -> str:
        """The opening statement: greeting and the problem."""
        ...

    def open_step(self, view: View, reason: AdvanceReason) -> str:
        """The first thing said in a new step (`view.phase`), acknowledging why the last one ended."""
        ...

    def respond(self, view: View) -> Decision:
        """React to the candidate's latest reply in `view.phase`."""
        ...

    def confirm_skip(self, view: View) -> str:
        """Said when the candidate asks for the next step before answering this one (asked again, it moves on)."""
        ...

    def close(self, view: View) -> str:
        """The last words of the interview."""
        ...


class Voice(Protocol):
    """Says a planned utterance: its words as they come."""

    @property
    def name(self) -> str:
        """Who speaks, as the transcript records it: "stub", or the model's name."""
        ...

    def phrase(
        self, utterance: Utterance, view: View, on_usage: Callable[[Usage], None] | None = None
    ) -> AsyncGenerator[str, None]:
        """The words of `utterance`. A model's voice raises an `InterviewerError` (`ModelError`) when it cannot
        answer, and the interview then says the draft instead."""
        ...


class Judge(Protocol):
    """A second opinion on a finished interview's grade (a model's), added to the deterministic grade."""

    @property
    def model(self) -> str:
        """The judge's name, as the app and line mode show it while it works."""
        ...

    async def judge(
        self,
        case: Case,
        grade: Grade,
        answers: Mapping[str, Sequence[str]],
        on_step: Callable[[StepJudgement, int, int], None] | None = None,
    ) -> Grade:
        """`grade` with the judge's verified claims added (`grade.judge` says how it went); `on_step(judgement,
        done, total)` reports each step as it finishes."""
        ...
