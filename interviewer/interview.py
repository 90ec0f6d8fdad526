"""An interview in progress: the session, the interviewer policy, the transcript file and the grader, wired together.

Every front end (line mode, TUI) drives this one object, so saving after each turn, clocks and grading behave the
same everywhere.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from interviewer import transcript as transcripts
from interviewer.answers import unknown_step_warnings
from interviewer.errors import InterviewerError
from interviewer.framework import WRAP_UP, Level, next_step_id
from interviewer.grading.deterministic import grade_answers
from interviewer.grading.models import Grade
from interviewer.policy.base import Action, AdvanceReason, Policy, Utterance, View
from interviewer.rubric import Case, load_case
from interviewer.session import DONE, INTRO, PHASES, Session
from interviewer.transcript import Role, Transcript, Turn, TurnKind
from interviewer.usage import Usage

__all__ = ["RESET", "Interview", "Reset", "Utterance", "case_for", "grade_transcript"]


def grade_transcript(transcript: Transcript, case: Case, level: Level | None = None) -> Grade:
    """Grade what the candidate said, step by step; an interrupted interview is graded on what is there."""
    warnings = [] if transcript.finished else ["the interview did not finish; graded on what was said"]
    warnings += unknown_step_warnings(transcript.candidate_answers())
    return grade_answers(
        case, level or transcript.level, transcript.candidate_answers(), transcript.step_seconds, warnings
    )


def case_for(transcript: Transcript) -> Case:
    return load_case(transcript.case_source or transcript.case_id)


class Reset:
    """Sent by `Interview.realise` when the text shown so far must be wiped: a stream broke, the fallback follows."""


RESET = Reset()


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
        self._pending_usage: Usage | None = None
        self._pending_fallback = False
        self._syncer = transcripts.SYNCER

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
            if self._in_wrap_up:  # the last minutes are up: nothing follows but the close
                return self.plan_end()
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

    def commit(self, utterance: Utterance, text: str | None = None) -> Turn:
        """Record the utterance as said: `text` is what was shown (a model's words), or else the draft."""
        said = text.strip() if text and text.strip() else utterance.text
        usage, self._pending_usage = self._pending_usage, None
        fallback, self._pending_fallback = self._pending_fallback, False
        with self.session.one_change():  # moving to the next step and its opening question: one save
            if utterance.advance_first:
                self.session.advance()
            turn = self.session.say(said, utterance.kind, utterance.item_id, usage=usage, fallback=fallback)
        if utterance.ends_interview:
            self.session.end()
            self.transcript.grade = grade_transcript(self.transcript, self.case)
            self._save(self.transcript, durable=True)
        return turn

    async def realise(self, utterance: Utterance) -> AsyncIterator[str | Reset]:
        """The words of a planned utterance as they arrive, for a front end to show and then `commit`.

        If the model cannot answer, the draft is said instead, after a system notice in the transcript; if its stream
        breaks midway, `RESET` tells the front end to wipe what it showed, so no half text is ever kept.
        """
        self._pending_usage, self._pending_fallback = None, False
        shown = False
        try:
            async for delta in self.policy.phrase(utterance, self.view(), self._note_usage):
                shown = True
                yield delta
            return
        except InterviewerError as exc:  # a model's errors are InterviewerErrors, explained in one line
            reason = str(exc)
        if shown:
            yield RESET
        self.session.say(
            f"The model could not answer ({reason}); the offline interviewer answered this turn.",
            TurnKind.NOTICE,
            role=Role.SYSTEM,
        )
        self.transcript.model_failures += 1
        self._pending_fallback = True
        yield utterance.text

    async def say_all(self, plan: list[Utterance], on_text: Callable[[str | Reset], None] | None = None) -> list[Turn]:
        """Realise and commit a plan in order; the turns said (system notices included)."""
        mark = len(self.transcript.turns)
        for utterance in plan:
            parts: list[str] = []
            async for piece in self.realise(utterance):
                if isinstance(piece, Reset):
                    parts.clear()
                else:
                    parts.append(piece)
                if on_text:
                    on_text(piece)
            self.commit(utterance, "".join(parts))
        return [turn for turn in self.transcript.turns[mark:] if turn.role is not Role.CANDIDATE]

    def _note_usage(self, usage: Usage) -> None:
        self._pending_usage = usage if self._pending_usage is None else self._pending_usage + usage
        self.transcript.usage = self.transcript.usage + usage

    # -- the same, all at once with the drafts as they are: tests and scripts on the stub ----------------------------

    def start(self) -> list[Turn]:
        return self._say_all(self.plan_start)

    def reply(self, text: str) -> list[Turn]:
        """Record the candidate's reply and return what the interviewer (and the system) say back."""
        return self._say_all(lambda: self.plan_reply(text))

    def next_step(self) -> list[Turn]:
        return self._say_all(self.plan_next_step)

    def end(self) -> list[Turn]:
        return self._say_all(self.plan_end)

    def advance_to(self, phase: str, say: bool = True) -> list:
        """Move forward to `phase` (a step id or `wrap_up`), so a script can say which step its next answer is for.

        Steps skipped on the way are opened with their drafts. With `say=False` the opening of `phase` itself is
        returned as a plan for the caller to realise (a model phrases it), instead of being committed.
        """
        order = list(PHASES)
        if phase not in order[1:-1]:
            raise InterviewerError(f"unknown step {phase!r}; steps are {', '.join(order[1:-1])}")
        if order.index(phase) < order.index(self.session.phase):
            raise InterviewerError(f"already past {phase}; the interview is at {self.session.phase}")
        mark = len(self.transcript.turns)
        while self.session.phase != phase:
            if not say and next_step_id(self.session.phase) == phase:
                return self.plan_next_step()
            self.next_step()
        return self.transcript.turns[mark:] if say else []

    def grade(self) -> Grade:
        return self.transcript.grade or grade_transcript(self.transcript, self.case)

    @property
    def judge_model(self) -> str | None:
        client = getattr(self.policy, "client", None)
        return client.model if client is not None else None

    async def ajudge(self) -> Grade:
        """Add the LLM judge's verified claims to the grade of a finished interview (when a model is in use)."""
        client = getattr(self.policy, "client", None)
        grade = self.grade()
        if client is None or (grade.judge is not None):
            return grade
        from interviewer.llm.judge import judge_grade

        concurrency = getattr(client.settings, "judge_concurrency", 7)
        answers = self.transcript.candidate_answers()
        self.transcript.grade = await judge_grade(client, self.case, grade, answers, concurrency)
        self._save(self.transcript, durable=True)
        return self.transcript.grade

    # -- internals -------------------------------------------------------------------------------------------------

    @property
    def _in_wrap_up(self) -> bool:
        return self.session.phase == WRAP_UP.id

    def _opening(self, reason: AdvanceReason, advance: bool = True) -> Utterance:
        """The first question of the next step (or of the current one, when the session has already moved on)."""
        phase = self.session.phase
        if advance:
            phase = next_step_id(phase) or DONE
        view = View(self.case, self.transcript.level, phase, self.transcript.turns)
        return Utterance(self.policy.open_step(view, reason), TurnKind.OPENING, advance_first=advance)

    def _say_all(self, plan: Callable[[], list[Utterance]]) -> list[Turn]:
        mark = len(self.transcript.turns)
        for utterance in plan():
            self.commit(utterance)
        return [turn for turn in self.transcript.turns[mark:] if turn.role is not Role.CANDIDATE]

    def _save(self, transcript: Transcript, durable: bool = False) -> None:
        """After every change: the atomic write happens now, the flush to disk on a background thread."""
        if self.path is None:
            return
        transcripts.save(transcript, self.path, durable=durable)
        if not durable:
            self._syncer.request(self.path)
