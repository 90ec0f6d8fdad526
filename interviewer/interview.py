"""An interview in progress: the session, the interviewer policy, the transcript file and the grader, wired together.

Every front end (line mode, TUI) drives this one object, so saving after each turn, clocks and grading behave the
same everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interviewer import transcript as transcripts
from interviewer.errors import InterviewerError
from interviewer.framework import STEP_IDS, WRAP_UP, Level, next_step_id
from interviewer.grading.deterministic import grade_answers
from interviewer.grading.models import Grade
from interviewer.policy.base import Action, AdvanceReason, Policy, View
from interviewer.rubric import Case, load_case
from interviewer.session import DONE, INTRO, PHASES, Session
from interviewer.transcript import Role, Transcript, Turn, TurnKind


def grade_transcript(transcript: Transcript, case: Case, level: Level | None = None) -> Grade:
    """Grade what the candidate said, step by step; an interrupted interview is graded on what is there."""
    warnings = [] if transcript.finished else ["the interview did not finish; graded on what was said"]
    return grade_answers(
        case, level or transcript.level, transcript.candidate_answers(), transcript.step_seconds, warnings
    )


def case_for(transcript: Transcript) -> Case:
    return load_case(transcript.case_source or transcript.case_id)


@dataclass(frozen=True, slots=True)
class Utterance:
    """Something the interviewer is about to say. It becomes a turn when committed."""

    text: str
    kind: TurnKind
    item_id: str | None = None
    advance_first: bool = False  # it opens the next step, so committing it moves the session on
    ends_interview: bool = False


class Interview:
    def __init__(
        self,
        case: Case,
        transcript: Transcript,
        policy: Policy,
        path: Path | None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.case = case
        self.policy = policy
        self.path = path
        self.session = Session(transcript, clock=clock, on_change=self._save)

    @classmethod
    def create(
        cls,
        case: Case,
        level: Level,
        policy: Policy,
        path: Path,
        case_source: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Interview:
        transcript = Transcript(
            case_id=case.id, case_title=case.title, case_source=case_source, level=level, model=policy.name
        )
        return cls(case, transcript, policy, path, clock)

    @classmethod
    def resume(cls, path: Path, policy: Policy, clock: Callable[[], float] = time.monotonic) -> Interview:
        transcript = transcripts.load(path)
        if transcript.finished:
            raise InterviewerError(f"{path}: this interview has finished; see it with `interviewer grade {path}`")
        return cls(case_for(transcript), transcript, policy, path, clock)

    # -- state -----------------------------------------------------------------------------------------------------

    @property
    def transcript(self) -> Transcript:
        return self.session.transcript

    @property
    def done(self) -> bool:
        return self.session.done

    def view(self) -> View:
        return View(self.case, self.transcript.level, self.session.phase, self.transcript.turns)

    # -- planning and committing ----------------------------------------------------------------------------------
    #
    # What the interviewer says next is planned first (a list of utterances) and each utterance becomes a turn only
    # when it is committed, after a front end has shown it in full. A front end that streams text and lets the user
    # cancel simply stops committing: the transcript never holds half an utterance, and the step only changes when
    # the opening of the next one is committed, so a cancelled reply leaves the interview where it was.

    def plan_start(self) -> list[Utterance]:
        """The problem statement and the first question; nothing on a resumed interview."""
        if self.session.phase != INTRO:
            return []
        return [
            Utterance(self.policy.introduce(self.view()), TurnKind.INTRO),
            self._opening(AdvanceReason.START),
        ]

    def plan_reply(self, text: str) -> list[Utterance]:
        """Record the candidate's reply (at once) and plan the interviewer's answer."""
        self.session.reply(text)
        if self.session.over_budget():
            self.session.time_up()  # a system event: noted and applied now, not cancellable
            return [self._opening(AdvanceReason.TIME, advance=False)]
        decision = self.policy.respond(self.view())
        if decision.action is Action.CLOSE or (decision.action is Action.ADVANCE and self._in_wrap_up):
            return self.plan_end()
        if decision.action is Action.ADVANCE:
            return [self._opening(decision.reason or AdvanceReason.COVERED)]
        return [Utterance(decision.text, decision.kind, decision.item_id)]

    def plan_next_step(self) -> list[Utterance]:
        """The candidate asked to move on."""
        if self.session.done:
            raise InterviewerError("the interview is over")
        if self._in_wrap_up:
            return self.plan_end()
        return [self._opening(AdvanceReason.CANDIDATE)]

    def plan_end(self) -> list[Utterance]:
        """Close the interview now; committing the closing words grades it."""
        if self.session.done:
            raise InterviewerError("the interview is over")
        return [Utterance(self.policy.close(self.view()), TurnKind.CLOSING, ends_interview=True)]

    def commit(self, utterance: Utterance) -> Turn:
        if utterance.advance_first:
            self.session.advance()
        turn = self.session.say(utterance.text, utterance.kind, utterance.item_id)
        if utterance.ends_interview:
            self.session.end()
            self.transcript.grade = grade_transcript(self.transcript, self.case)
            self._save(self.transcript)
        return turn

    # -- the same, all at once, for line mode and scripts ------------------------------------------------------------

    def start(self) -> list[Turn]:
        return self._say_all(self.plan_start)

    def reply(self, text: str) -> list[Turn]:
        """Record the candidate's reply and return what the interviewer (and the system) say back."""
        return self._say_all(lambda: self.plan_reply(text))

    def next_step(self) -> list[Turn]:
        return self._say_all(self.plan_next_step)

    def end(self) -> list[Turn]:
        return self._say_all(self.plan_end)

    def advance_to(self, phase: str) -> list[Turn]:
        """Move forward to `phase` (a step id or `wrap_up`), so a script can say which step its next answer is for."""
        order = list(PHASES)
        if phase not in order[1:-1]:
            raise InterviewerError(f"unknown step {phase!r}; steps are {', '.join(order[1:-1])}")
        if order.index(phase) < order.index(self.session.phase):
            raise InterviewerError(f"already past {phase}; the interview is at {self.session.phase}")
        mark = len(self.transcript.turns)
        while self.session.phase != phase:
            self.next_step()
        return self.transcript.turns[mark:]

    def grade(self) -> Grade:
        return self.transcript.grade or grade_transcript(self.transcript, self.case)

    # -- internals -------------------------------------------------------------------------------------------------

    @property
    def _in_wrap_up(self) -> bool:
        return self.session.phase == WRAP_UP.id

    def _opening(self, reason: AdvanceReason, advance: bool = True) -> Utterance:
        """The first question of the next step (or of the current one, when the session has already moved on)."""
        phase = self.session.phase
        if advance:
            phase = STEP_IDS[0] if phase == INTRO else next_step_id(phase) or DONE
        view = View(self.case, self.transcript.level, phase, self.transcript.turns)
        return Utterance(self.policy.open_step(view, reason), TurnKind.OPENING, advance_first=advance)

    def _say_all(self, plan: Callable[[], list[Utterance]]) -> list[Turn]:
        mark = len(self.transcript.turns)
        for utterance in plan():
            self.commit(utterance)
        return [turn for turn in self.transcript.turns[mark:] if turn.role is not Role.CANDIDATE]

    def _save(self, transcript: Transcript) -> None:
        if self.path is not None:
            transcripts.save(transcript, self.path)
