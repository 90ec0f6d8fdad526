"""The deterministic grader: the case's signals and the shared concept vocabulary read in the candidate's sentences.

Each reply becomes claims (`interviewer.grading.claims`), and one rule turns claims into item results, red flags and
step scores (`interviewer.grading.merge`, which documents it). Per step: each rubric item at or below the
candidate's level adds its weight to what is possible; items above the level add a bonus when covered but never
count against the candidate; red flags and recorded mistakes subtract their penalty. The step score is clamped to
0-100; the overall score is the mean of the step scores weighted by the framework's step weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from interviewer.framework import REPLY_STEP_IDS, STEPS, Level
from interviewer.grading.claims import Claim, ClaimCollector, CompiledCase, Reply
from interviewer.grading.hire import hire_signal
from interviewer.grading.merge import IMPORTANT_WEIGHT, PARTIAL_CREDIT, merge, step_score
from interviewer.grading.models import Grade, StepGrade, TalkingPointResult
from interviewer.grading.paraphrase import enabled as paraphrase_enabled
from interviewer.grading.paraphrase import paraphrase_claims
from interviewer.grading.relevance import scale_for
from interviewer.grading.stance import Stance
from interviewer.grading.text import Sentence, SentenceIndex
from interviewer.rubric import Case

__all__ = [
    "PARTIAL_CREDIT",
    "InterviewGrader",
    "StepGrader",
    "compiled",
    "grade_answers",
    "grade_replies",
    "grade_step",
    "mistakes_said",
    "overall_score",
    "step_score",
]

_COMPILED: dict[tuple[int, str], tuple[Case, CompiledCase]] = {}


def compiled(case: Case, step: str | None = None) -> CompiledCase:
    """The case's targets, compiled once per case object (and step, for a grader of one step)."""
    key = (id(case), step or "")
    hit = _COMPILED.get(key)
    if hit is None or hit[0] is not case:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        hit = (case, compiled(case).only(step) if step else CompiledCase.of(case))
        _COMPILED[key] = hit
    return hit[1]


class _ParaphraseRun:
    """The paraphrase backstop read reply by reply beside a running grade, as the final grade reads it: the
    interviewer never follows up on an idea the candidate said in other words (nor marks it raised only after that
    follow-up), and the replay notes what each reply earned the same way."""

    def __init__(self, case: Case, paraphrase: bool | None):
        self.case = case
        self.on = paraphrase_enabled() if paraphrase is None else paraphrase
        self._claims: list[Claim] = []

    def add(self, collector: ClaimCollector, reply: Reply) -> None:
        since = collector.said_count()
        collector.add(reply)
        if self.on:
            self._claims += paraphrase_claims(self.case, collector, collector.claims(), since=since)

    def claims(self, collector: ClaimCollector) -> list[Claim]:
        """Its claims as the final grade would make them now (a sentence may have become a template since)."""
        return collector.as_said_now(self._claims)


class StepGrader:
    """One step graded reply by reply, as the offline interviewer needs it to choose its follow-ups: each reply is
    analysed once, when it is added. Only this step's replies and items are read."""

    def __init__(self, case: Case, step_id: str, level: Level, paraphrase: bool | None = None):
        self.case, self.step_id, self.level = case, step_id, Level(level)
        self._collector = ClaimCollector(compiled(case, step_id))
        self._graded: StepGrade | None = None
        self._paraphrase = _ParaphraseRun(case, paraphrase)

    def add(
        self,
        text: str,
        prompted: frozenset[str] = frozenset(),
        step: str | None = None,
        challenged: frozenset[str] = frozenset(),
    ) -> None:
        """A reply of this step, or (`step`) one said earlier in another step that may already cover its items;
        `challenged`: what the interviewer's pushback just before it challenged."""
        self._paraphrase.add(self._collector, Reply(step or self.step_id, text, prompted, challenged))
        self._graded = None

    def grade(self, seconds: float | None = None) -> StepGrade:
        if self._graded is not None and self._graded.seconds == seconds:
            return self._graded
        collector = self._collector
        self._graded = merge(
            self.case,
            self.level,
            [*collector.claims(), *self._paraphrase.claims(collector)],
            steps=(self.step_id,),
            ignored=collector.ignored,
            restated=collector.restated,
            answered=collector.answered,
            seconds={self.step_id: seconds} if seconds is not None else None,
        )[self.step_id]
        return self._graded


class InterviewGrader:
    """The whole interview graded reply by reply, as the offline interviewer needs it: each reply is analysed once,
    against the whole case, and a step's grade is merged from the claims on its items wherever they were said. A
    new step costs nothing to open, however long the interview, and reads the same claims the final grade does."""

    def __init__(self, case: Case, level: Level, paraphrase: bool | None = None):
        self.case, self.level = case, Level(level)
        self._collector = ClaimCollector(compiled(case))
        self._grades: dict[str, StepGrade] = {}
        self._paraphrase = _ParaphraseRun(case, paraphrase)

    def add(self, reply: Reply) -> None:
        self._paraphrase.add(self._collector, reply)
        self._grades.clear()

    def grade(self, step_id: str) -> StepGrade:
        graded = self._grades.get(step_id)
        if graded is None:
            collector = self._collector
            graded = merge(
                self.case,
                self.level,
                [*collector.claims(), *self._paraphrase.claims(collector)],
                steps=(step_id,),
                ignored=collector.ignored,
                restated=collector.restated,
                answered=collector.answered,
            )[step_id]
            self._grades[step_id] = graded
        return graded


def mistakes_said(case: Case, text: str, step: str) -> list[Claim]:
    """The wrong decisions one reply endorses, whatever step they belong to: red flags, an item's opposite, and the
    dismissal of an important item; what the interviewer pushes back on, in the order they were said."""
    collector = ClaimCollector(compiled(case))
    collector.add(Reply(step, text))

    def wrong(claim: Claim) -> bool:
        if claim.kind != "item":
            return claim.stance is Stance.ENDORSES
        return claim.dismisses and case.item(claim.step, claim.target).weight >= IMPORTANT_WEIGHT

    return sorted(filter(wrong, collector.claims()), key=lambda claim: claim.order)


def grade_step(
    case: Case,
    step_id: str,
    texts: Sequence[str],
    level: Level,
    seconds: float | None = None,
    paraphrase: bool | None = None,
) -> StepGrade:
    grader = StepGrader(case, step_id, level, paraphrase)
    for text in texts:
        grader.add(text)
    return grader.grade(seconds)


def overall_score(steps: Mapping[str, StepGrade]) -> int:
    total_weight = sum(step.weight for step in STEPS)
    return round(sum(steps[step.id].score * step.weight for step in STEPS) / total_weight)


def grade_talking_points(case: Case, sentences: list[Sentence]) -> list[TalkingPointResult]:
    """Extras credited wherever the candidate said them (they are not scored)."""
    index = SentenceIndex(sentences)
    results = []
    for point in case.talking_points:
        hits = index.matches_any(point.signals)
        results.append(
            TalkingPointResult(
                id=point.id,
                covers=point.covers,
                mentioned=bool(hits),
                evidence=sentences[hits[0]].text if hits else None,
            )
        )
    return results


def grade_replies(
    case: Case,
    level: Level,
    replies: Sequence[Reply],
    seconds: Mapping[str, float] | None = None,
    warnings: Sequence[str] = (),
    paraphrase: bool | None = None,
) -> Grade:
    """Grade the whole interview: every reply, in order, with the step it was said in (`wrap_up` included).
    `paraphrase`: also run the paraphrase backstop (`interviewer.grading.paraphrase`); default: when it is enabled."""
    collector = ClaimCollector(compiled(case))
    for reply in replies:
        collector.add(reply)
    scale, note = scale_for(case, collector)
    claims = collector.claims()
    if paraphrase if paraphrase is not None else paraphrase_enabled():
        claims += paraphrase_claims(case, collector, claims)
    basis = GradeBasis(
        case=case,
        level=Level(level),
        claims=tuple(claims),
        ignored={step: list(texts) for step, texts in collector.ignored.items()},
        restated={step: list(texts) for step, texts in collector.restated.items()},
        answered=frozenset(collector.answered),
        seconds=dict(seconds or {}),
        scale=scale,
        scale_note=note,
        talking_points=tuple(grade_talking_points(case, collector.sentences())),
        warnings=tuple(warnings),
    )
    return assemble(basis)


@dataclass(frozen=True)
class GradeBasis:
    """What the deterministic grader read, kept with the grade so another grader's claims can be merged with it
    (`assemble`) without reading the answers again."""

    case: Case
    level: Level
    claims: tuple[Claim, ...]
    ignored: dict[str, list[str]]
    restated: dict[str, list[str]]
    answered: frozenset[str]
    seconds: dict[str, float]
    scale: float
    scale_note: str | None
    talking_points: tuple[TalkingPointResult, ...]
    warnings: tuple[str, ...]


def assemble(basis: GradeBasis, extra: Sequence[Claim] = (), confirming: frozenset[str] = frozenset()) -> Grade:
    """The grade from the deterministic claims plus any other grader's (`confirming`: the sources whose verdict on an
    item decides it, see `interviewer.grading.merge`)."""
    steps = merge(
        basis.case,
        basis.level,
        [*basis.claims, *extra],
        ignored=basis.ignored,
        restated=basis.restated,
        answered=set(basis.answered),
        seconds=basis.seconds,
        scale=basis.scale,
        confirming=confirming,
    )
    overall = overall_score(steps)
    signal, reasons = hire_signal(overall, basis.level, steps)
    if basis.scale_note:
        reasons.append(basis.scale_note)
    grade = Grade(
        case_id=basis.case.id,
        level=basis.level,
        overall=overall,
        hire_signal=signal,
        hire_reasons=reasons,
        steps=steps,
        talking_points=list(basis.talking_points),
        warnings=list(basis.warnings),
    )
    grade._basis = basis
    return grade


def grade_answers(
    case: Case,
    level: Level,
    answers: Mapping[str, Sequence[str]],
    seconds: Mapping[str, float] | None = None,
    warnings: Sequence[str] = (),
    paraphrase: bool | None = None,
) -> Grade:
    """Grade the candidate's replies grouped by step id (an answers file, where nothing was prompted)."""
    replies = [Reply(step_id, text) for step_id in REPLY_STEP_IDS for text in answers.get(step_id, ())]
    return grade_replies(case, level, replies, seconds, warnings, paraphrase)
