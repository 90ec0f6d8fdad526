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
from functools import lru_cache

from interviewer.concepts import concept_words
from interviewer.errors import InterviewerError
from interviewer.framework import STEP_IDS, STEPS, Level
from interviewer.grading.claims import Claim, ClaimCollector, CompiledCase, Reply
from interviewer.grading.content import content_words
from interviewer.grading.hire import hire_signal
from interviewer.grading.merge import PARTIAL_CREDIT, merge, step_score
from interviewer.grading.models import Grade, StepGrade, TalkingPointResult
from interviewer.grading.text import Sentence, SentenceIndex, analyse, split_sentences
from interviewer.rubric import Case

__all__ = [
    "PARTIAL_CREDIT",
    "StepGrader",
    "compiled",
    "grade_answers",
    "grade_replies",
    "grade_step",
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


# An answer is taken to be about another case when at least this share of its sentences use that case's own words
# and twice as many as use this case's: a generic answer (few of anyone's words) is never scaled.
ANOTHER_CASE_SHARE = 0.25


def _relevance(case: Case, collector: ClaimCollector) -> tuple[float, float, str]:
    """How much the answer uses this case's own words, and the most it uses another built-in case's, and which.

    Generic ML words ("retrain daily, monitor drift") fit every case; an answer that speaks more in another case's
    words than in this one's is about that problem, and its credit shrinks in proportion (see `grade_replies`). An
    answer that is generic everywhere is left alone: the rubric already gives generic words little.
    """
    from interviewer.rubric import available_case_ids

    here = collector.relevance(distinctive_words(case)) or 0.0
    best, best_id = 0.0, ""
    if 2 * here >= 1.0:
        return here, best, best_id  # no other case can reach twice this share: their files need not be read
    for other_id in available_case_ids():
        if other_id == case.id:
            continue
        words = _distinctive_of(other_id)
        share = collector.relevance(words) if words else None
        if share is not None and share > best:
            best, best_id = share, other_id
    return here, best, best_id


@lru_cache(maxsize=64)
def _distinctive_of(case_id: str) -> frozenset[str]:
    from interviewer.rubric import load_case

    try:
        return distinctive_words(load_case(case_id))
    except InterviewerError:
        return frozenset()


@lru_cache(maxsize=32)
def _brief_words(case_id: str, texts: tuple[str, ...]) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        for sentence in split_sentences(text):
            words |= content_words(analyse(sentence))
    return frozenset(words)


def _brief_of(case: Case) -> frozenset[str]:
    return _brief_words(case.id, (case.title, case.prompt, *(fact.answer for fact in case.facts)))


@lru_cache(maxsize=32)
def _background(case_id: str) -> frozenset[str]:
    """The brief words of every other built-in case."""
    from interviewer.rubric import available_case_ids, load_case

    others: set[str] = set()
    for other_id in available_case_ids():
        if other_id != case_id:
            try:
                others |= _brief_of(load_case(other_id))
            except InterviewerError:
                continue  # a broken built-in case is reported by `check`; it only narrows the background here
    return frozenset(others)


def distinctive_words(case: Case) -> frozenset[str]:
    """Words of this case's brief that no other built-in case's brief uses, and that no shared concept uses."""
    others = _background(case.id)
    generic = concept_words()
    return frozenset(w for w in _brief_of(case) if w not in others and w not in generic and not w[0].isdigit())


class StepGrader:
    """One step graded reply by reply, as the offline interviewer needs it to choose its follow-ups: each reply is
    analysed once, when it is added. Only this step's replies and items are read."""

    def __init__(self, case: Case, step_id: str, level: Level):
        self.case, self.step_id, self.level = case, step_id, Level(level)
        self._collector = ClaimCollector(compiled(case, step_id))
        self._graded: StepGrade | None = None

    def add(self, text: str, prompted: frozenset[str] = frozenset()) -> None:
        self._collector.add(Reply(self.step_id, text, prompted))
        self._graded = None

    def grade(self, seconds: float | None = None) -> StepGrade:
        if self._graded is not None and self._graded.seconds == seconds:
            return self._graded
        collector = self._collector
        self._graded = merge(
            self.case,
            self.level,
            collector.claims(),
            steps=(self.step_id,),
            ignored=collector.ignored,
            restated=collector.restated,
            answered=collector.answered,
            seconds={self.step_id: seconds} if seconds is not None else None,
        )[self.step_id]
        return self._graded


def grade_step(case: Case, step_id: str, texts: Sequence[str], level: Level, seconds: float | None = None) -> StepGrade:
    grader = StepGrader(case, step_id, level)
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
) -> Grade:
    """Grade the whole interview: every reply, in order, with the step it was said in (`wrap_up` included)."""
    collector = ClaimCollector(compiled(case))
    for reply in replies:
        collector.add(reply)
    relevance, elsewhere, other_id = _relevance(case, collector)
    about_another = elsewhere >= ANOTHER_CASE_SHARE and elsewhere > 2 * relevance
    scale = relevance / elsewhere if about_another else 1.0
    note = (
        f"the answer reads as one for {other_id} ({elsewhere:.0%} of its sentences use that case's own words, "
        f"{relevance:.0%} this one's), so credit is scaled by {scale:.2f}"
        if about_another
        else None
    )
    basis = GradeBasis(
        case=case,
        level=Level(level),
        claims=tuple(collector.claims()),
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
) -> Grade:
    """Grade the candidate's replies grouped by step id (an answers file, where nothing was prompted)."""
    replies = [Reply(step_id, text) for step_id in (*STEP_IDS, "wrap_up") for text in answers.get(step_id, ())]
    return grade_replies(case, level, replies, seconds, warnings)
