"""The deterministic grader: rubric signals matched in the candidate's own sentences.

Scoring rule, per step: each rubric item at or below the candidate's level adds its weight to what is possible; a
covered item earns its full weight, a partial one (a bare mention with no decision or reason) earns
`PARTIAL_CREDIT` of it. Items above the level add a bonus when covered but never count against the candidate. Red
flags subtract their penalty. The step score is clamped to 0-100; the overall score is the mean of the step scores
weighted by the framework's step weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from interviewer.framework import STEP_BY_ID, STEP_IDS, STEPS, Level
from interviewer.grading.hire import hire_signal
from interviewer.grading.models import Coverage, Grade, ItemResult, RedFlagHit, StepGrade, TalkingPointResult
from interviewer.grading.text import (
    Sentence,
    SentenceIndex,
    addressed_to_grader,
    analyse,
    is_explained,
    is_question,
    split_sentences,
)
from interviewer.rubric import Case, StepRubric

PARTIAL_CREDIT = 0.4


def candidate_sentences(texts: Sequence[str]) -> tuple[list[Sentence], list[str]]:
    """The sentences that may earn credit, and those addressed to the grader (which never do)."""
    kept: list[Sentence] = []
    ignored: list[str] = []
    for text in texts:
        for sentence in split_sentences(text):
            if addressed_to_grader(sentence):
                ignored.append(sentence)
            else:
                kept.append(analyse(sentence))
    return kept, ignored


def grade_step(
    step_id: str,
    rubric: StepRubric,
    texts: Sequence[str],
    level: Level,
    seconds: float | None = None,
) -> StepGrade:
    grader = StepGrader(step_id, rubric, level)
    for text in texts:
        grader.add(text)
    return grader.grade(seconds)


def _grade_sentences(
    step_id: str,
    rubric: StepRubric,
    sentences: list[Sentence],
    ignored: list[str],
    level: Level,
    seconds: float | None,
) -> StepGrade:
    grader = StepGrader(step_id, rubric, level)
    grader.add_sentences(sentences, ignored)
    return grader.grade(seconds)


class StepGrader:
    """A step's grade built reply by reply: each reply is analysed and matched once, when it is added.

    Every signal matches within one sentence, so an item's coverage only needs, over all sentences in order, the
    first sentence that hits it and the first explained one that does; a red flag, its first hit. Adding a reply
    costs the same at reply 5 and at reply 5,000, and the grade is the one `grade_step` gives for all the replies.
    """

    def __init__(self, step_id: str, rubric: StepRubric, level: Level):
        self.step_id = step_id
        self.rubric = rubric
        self.level = Level(level)
        # Clarifying requirements is done by asking, so there a real question counts as much as a statement.
        self._asking_counts = step_id == "requirements"
        self._first_hit: list[str | None] = [None] * len(rubric.items)
        self._first_explained: list[str | None] = [None] * len(rubric.items)
        self._flag_hit: list[str | None] = [None] * len(rubric.red_flags)
        self._ignored: list[str] = []
        self._answered = False
        self._graded: StepGrade | None = None

    def add(self, text: str) -> None:
        self.add_sentences(*candidate_sentences([text]))

    def add_sentences(self, sentences: list[Sentence], ignored: list[str]) -> None:
        self._ignored.extend(ignored)
        self._answered = self._answered or bool(sentences or ignored)
        self._graded = None
        if not sentences:
            return
        index = SentenceIndex(sentences)
        explained = [is_explained(s) or (self._asking_counts and is_question(s)) for s in sentences]
        for number, item in enumerate(self.rubric.items):
            if self._first_explained[number] is not None:
                continue  # covered already: the evidence is the first explained sentence, found before
            hits = index.matches_any(item.signals)
            if not hits:
                continue
            if self._first_hit[number] is None:
                self._first_hit[number] = sentences[hits[0]].text
            explained_hits = [hit for hit in hits if explained[hit]]
            if explained_hits:
                self._first_explained[number] = sentences[explained_hits[0]].text
        for number, flag in enumerate(self.rubric.red_flags):
            if self._flag_hit[number] is None:
                hits = index.matches_any(flag.signals)
                if hits:
                    self._flag_hit[number] = sentences[hits[0]].text

    def grade(self, seconds: float | None = None) -> StepGrade:
        if self._graded is not None and self._graded.seconds == seconds:
            return self._graded
        items: list[ItemResult] = []
        for number, item in enumerate(self.rubric.items):
            explained, hit = self._first_explained[number], self._first_hit[number]
            if explained is not None:
                coverage, credit, evidence = Coverage.COVERED, 1.0, explained
            elif hit is not None:
                coverage, credit, evidence = Coverage.PARTIAL, PARTIAL_CREDIT, hit
            else:
                coverage, credit, evidence = Coverage.MISSED, 0.0, None
            items.append(
                ItemResult(
                    id=item.id,
                    covers=item.covers,
                    weight=item.weight,
                    level=item.level,
                    coverage=coverage,
                    credit=credit,
                    counted=item.level.rank <= self.level.rank,
                    evidence=evidence,
                )
            )
        flags = [
            RedFlagHit(id=flag.id, description=flag.description, penalty=flag.penalty, evidence=evidence)
            for flag, evidence in zip(self.rubric.red_flags, self._flag_hit, strict=True)
            if evidence is not None
        ]
        self._graded = StepGrade(
            step=self.step_id,
            score=step_score(items, flags),
            items=items,
            red_flags=flags,
            ignored=list(self._ignored),
            answered=self._answered,
            seconds=seconds,
            budget_seconds=STEP_BY_ID[self.step_id].budget_minutes * 60,
        )
        return self._graded


def step_score(items: Sequence[ItemResult], flags: Sequence[RedFlagHit]) -> int:
    """The step's score: credit earned over the weight of the items counted at this level, less red flags."""
    possible = sum(item.weight for item in items if item.counted)
    earned = sum(item.credit * item.weight for item in items)
    raw = 100.0 * earned / possible if possible else 0.0
    return round(max(0.0, min(100.0, raw) - sum(flag.penalty for flag in flags)))


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


def grade_answers(
    case: Case,
    level: Level,
    answers: Mapping[str, Sequence[str]],
    seconds: Mapping[str, float] | None = None,
    warnings: Sequence[str] = (),
) -> Grade:
    """Grade the candidate's replies, grouped by step id (`wrap_up` included for the talking points)."""
    seconds = seconds or {}
    analysed = {step_id: candidate_sentences(answers.get(step_id, ())) for step_id in (*STEP_IDS, "wrap_up")}
    steps = {
        step_id: _grade_sentences(step_id, case.steps[step_id], *analysed[step_id], level, seconds.get(step_id))
        for step_id in STEP_IDS
    }
    overall = overall_score(steps)
    signal, reasons = hire_signal(overall, level, steps)
    everything = [sentence for sentences, _ in analysed.values() for sentence in sentences]
    return Grade(
        case_id=case.id,
        level=level,
        overall=overall,
        hire_signal=signal,
        hire_reasons=reasons,
        steps=steps,
        talking_points=grade_talking_points(case, everything),
        warnings=list(warnings),
    )
