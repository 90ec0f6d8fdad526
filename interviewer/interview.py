"""An interview in progress: the session, the interviewer policy, the transcript file and the grader, wired together.

Every front end (line mode, TUI) drives this one object, so saving after each turn, clocks and grading behave the
same everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from interviewer import transcript as transcripts
from interviewer.errors import InterviewerError
from interviewer.framework import Level
from interviewer.grading.deterministic import grade_answers
from interviewer.grading.models import Grade
from interviewer.policy.base import Action, AdvanceReason, Policy, View
from interviewer.rubric import Case, load_case
from interviewer.session import DONE, INTRO, PHASES, Session
from interviewer.transcript import Transcript, Turn, TurnKind


def grade_transcript(transcript: Transcript, case: Case, level: Level | None = None) -> Grade:
    """Grade what the candidate said, step by step; an interrupted interview is graded on what is there."""
    warnings = [] if transcript.finished else ["the interview did not finish; graded on what was said"]
    return grade_answers(
        case, level or transcript.level, transcript.candidate_answers(), transcript.step_seconds, warnings
    )


def case_for(transcript: Transcript) -> Case:
    return load_case(transcript.case_source or transcript.case_id)


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

    # -- what the front ends call ----------------------------------------------------------------------------------

    def start(self) -> list[Turn]:
        """State the problem and open the first step. On a resumed interview, nothing new is said."""
        if self.session.phase != INTRO:
            return []
        intro = self.session.say(self.policy.introduce(self.view()), TurnKind.INTRO)
        self.session.advance()
        return [intro, self._open(AdvanceReason.START)]

    def reply(self, text: str) -> list[Turn]:
        """Record the candidate's reply and return what the interviewer (and the system) say back."""
        self.session.reply(text)
        mark = len(self.transcript.turns)
        if self.session.over_budget():
            self.session.time_up()
            self._after_advance(AdvanceReason.TIME)
            return self.transcript.turns[mark:]
        decision = self.policy.respond(self.view())
        if decision.action is Action.CLOSE:
            return self.end()
        if decision.action is Action.ADVANCE:
            self.session.advance()
            return self._after_advance(decision.reason or AdvanceReason.COVERED)
        return [self.session.say(decision.text, decision.kind, decision.item_id)]

    def next_step(self) -> list[Turn]:
        """The candidate asked to move on."""
        if self.session.phase == "wrap_up":
            return self.end()
        self.session.advance()
        return self._after_advance(AdvanceReason.CANDIDATE)

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

    def end(self) -> list[Turn]:
        """Close the interview now and grade it."""
        closing = self.session.say(self.policy.close(self.view()), TurnKind.CLOSING)
        self.session.end()
        self.transcript.grade = grade_transcript(self.transcript, self.case)
        self._save(self.transcript)
        return [closing]

    def grade(self) -> Grade:
        return self.transcript.grade or grade_transcript(self.transcript, self.case)

    # -- internals -------------------------------------------------------------------------------------------------

    def _after_advance(self, reason: AdvanceReason) -> list[Turn]:
        if self.session.phase == DONE:  # defensive: advancing past the wrap-up ends the interview
            self.transcript.grade = grade_transcript(self.transcript, self.case)
            self._save(self.transcript)
            return []
        return [self._open(reason)]

    def _open(self, reason: AdvanceReason) -> Turn:
        return self.session.say(self.policy.open_step(self.view(), reason), TurnKind.OPENING)

    def _save(self, transcript: Transcript) -> None:
        if self.path is not None:
            transcripts.save(transcript, self.path)
