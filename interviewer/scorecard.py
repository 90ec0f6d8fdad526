"""What a scorecard shows, as plain data built once from a grade: the text report (`report.py`), the Markdown export
(`scorecard_markdown.py`) and the app's scorecard screen all render this one model, so they say the same things.

The model holds text as it came (titles, evidence, judge comments): each rendering neutralises it for its display.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.framework import STEP_BY_ID, STEP_IDS, mmss
from interviewer.grading.merge import settled_late
from interviewer.grading.models import Coverage, Grade, HireSignal, ItemResult, StepGrade
from interviewer.grading.paraphrase import SOURCE as PARAPHRASE
from interviewer.transcript import Transcript

BAR_WIDTH = 20
_POSITIVE = (HireSignal.LEAN_HIRE, HireSignal.HIRE, HireSignal.STRONG_HIRE)


def bar(score: int, width: int = BAR_WIDTH) -> str:
    filled = round(score * width / 100)
    return "#" * filled + "." * (width - filled)


@dataclass(frozen=True)
class Row:
    """One step's line in the summary: its score and the time spent against its budget."""

    step_id: str
    title: str
    score: int
    time: str  # "m:ss / m:ss", with "(over)" when over the budget
    over: bool

    @property
    def bar(self) -> str:
        return bar(self.score)


@dataclass(frozen=True)
class ItemLine:
    """A rubric item the candidate covered or only mentioned, with the sentence that earned it."""

    id: str
    evidence: str
    covers: str  # what a strong answer says (shown for a partial item)
    graded_by: tuple[str, ...]
    notes: tuple[str, ...]  # above the level (a bonus), where it was said, after a follow-up, corrected
    late: bool = False  # a requirement settled after the requirements step: partial for that, not for its words


@dataclass(frozen=True)
class Missed:
    id: str
    covers: str


@dataclass(frozen=True)
class Flag:
    id: str
    description: str
    evidence: str
    cost: str  # "-5", or why there is no penalty


@dataclass(frozen=True)
class StepCard:
    step_id: str
    title: str
    score: int
    answered: bool
    covered: tuple[ItemLine, ...]
    partial: tuple[ItemLine, ...]
    missed: tuple[Missed, ...]  # only items held against the level: one above it is never a gap
    red_flags: tuple[Flag, ...]
    restated: tuple[str, ...]  # sentences not credited because they restate the brief
    ignored: tuple[str, ...]  # sentences addressed to the grader
    judge_comment: str = ""
    judge_error: str = ""
    dropped: tuple[tuple[str, str], ...] = ()  # (item id, reason) of judge claims whose quote could not be verified


@dataclass(frozen=True)
class Curveball:
    id: str
    step_id: str
    adapted: bool
    outcome: str
    evidence: str = ""


@dataclass(frozen=True)
class TalkingPoint:
    id: str
    covers: str
    mentioned: bool
    evidence: str = ""


@dataclass(frozen=True)
class Scorecard:
    title: str
    level: str
    grader: str
    interviewer: str | None  # the interviewer's model, when the grade is of a transcript
    overall: int
    signal: str
    positive: bool  # a hire signal (lean hire or better)
    reasons: tuple[str, ...]  # why this signal, against which bar
    warnings: tuple[str, ...]
    accounting: tuple[str, ...]  # which graders ran, what the models cost, where the offline interviewer stood in
    judged: bool  # a judge took part: each item says which grader credited it
    rows: tuple[Row, ...]
    steps: tuple[StepCard, ...]
    curveballs: tuple[Curveball, ...]
    talking_points: tuple[TalkingPoint, ...]


# How a scorecard names the grader (`grade --json` keeps the ids: "graded by deterministic" read as a typo).
GRADER_NAMES = {"deterministic": "the offline grader", "deterministic+judge": "the offline grader and a model judge"}


def build_scorecard(grade: Grade, title: str, transcript: Transcript | None = None) -> Scorecard:
    order = [step_id for step_id in STEP_IDS if step_id in grade.steps]  # the framework's order, whatever the dict's
    return Scorecard(
        title=title,
        level=grade.level.value,
        grader=GRADER_NAMES.get(grade.grader, grade.grader),
        interviewer=transcript.model if transcript is not None else None,
        overall=grade.overall,
        signal=grade.hire_signal.label,
        positive=grade.hire_signal in _POSITIVE,
        reasons=tuple(grade.hire_reasons),
        warnings=tuple(grade.warnings),
        accounting=tuple(_accounting(grade, transcript)),
        judged=grade.judge is not None,
        rows=tuple(_row(step_id, grade.steps[step_id]) for step_id in order),
        steps=tuple(_step(step_id, grade.steps[step_id], grade) for step_id in order),
        curveballs=tuple(
            Curveball(
                ball.id, ball.step, ball.adapted, _outcome(ball.adapted, ball.answered, ball.item), ball.evidence or ""
            )
            for ball in grade.curveballs
        ),
        talking_points=tuple(
            TalkingPoint(point.id, point.covers, point.mentioned, point.evidence or "")
            for point in grade.talking_points
        ),
    )


def _accounting(grade: Grade, transcript: Transcript | None) -> list[str]:
    lines = []
    if grade.judge is not None and grade.judge.status != "unavailable":
        lines.append(
            f"{grade.judge.describe()}; {len(grade.judge.dropped)} unverified claim(s) dropped; "
            f"{grade.judge.usage.describe()}"
        )
    if transcript is not None and not transcript.usage.empty:
        spoke, said = transcript.model_spoke()
        lines.append(
            f"interviewer: {transcript.model} said {spoke} of {said} turns (the offline interviewer the rest); "
            f"{transcript.usage.describe()}"
        )
    if transcript is not None and transcript.model_failures:
        lines.append(f"the model failed on {transcript.model_failures} turn(s); the offline interviewer answered them")
    return lines


def _row(step_id: str, step: StepGrade) -> Row:
    time = f"{mmss(step.seconds)} / {mmss(step.budget_seconds)}" + (" (over)" if step.over_budget else "")
    return Row(step_id, STEP_BY_ID[step_id].title, step.score, time, step.over_budget)


def _step(step_id: str, step: StepGrade, grade: Grade) -> StepCard:
    judged = grade.judge.steps.get(step_id) if grade.judge is not None else None
    return StepCard(
        step_id=step_id,
        title=STEP_BY_ID[step_id].title,
        score=step.score,
        answered=step.answered,
        covered=tuple(_item(item, step_id) for item in step.items if item.coverage is Coverage.COVERED),
        partial=tuple(_item(item, step_id) for item in step.items if item.coverage is Coverage.PARTIAL),
        missed=tuple(
            Missed(item.id, item.covers) for item in step.items if item.coverage is Coverage.MISSED and item.counted
        ),
        red_flags=tuple(
            Flag(flag.id, flag.description, flag.evidence, _flag_cost(flag.corrected, flag.penalty))
            for flag in step.red_flags
        ),
        restated=tuple(step.restated),
        ignored=tuple(step.ignored),
        judge_comment=judged.overall if judged is not None else "",
        judge_error=(judged.error or "") if judged is not None else "",
        # Their quotes are not kept: they are not in the transcript, and only the candidate's words are evidence.
        dropped=tuple((claim.item_id, claim.reason) for claim in judged.dropped) if judged is not None else (),
    )


def _item(item: ItemResult, step_id: str) -> ItemLine:
    late = settled_late(step_id, item.said_in)
    notes = _item_notes(item, step_id, late)
    return ItemLine(item.id, item.evidence or "", item.covers, tuple(item.graded_by), notes, late)


def _item_notes(item: ItemResult, step_id: str, late: bool) -> tuple[str, ...]:
    """What to know about a credited item besides its evidence: that it is above the level (a bonus), where it was
    said when not in this step, whether only after the interviewer's follow-up, a mistake taken back, and that the
    quote is one the paraphrase backstop recognised (in other words than the rubric's: check it yourself)."""
    notes = []
    if not item.counted:
        notes.append(f"{item.level.value}-level bonus")
    if item.said_in and item.said_in != step_id and not late:
        notes.append(f"said in {item.said_in}")
    if item.prompted:
        notes.append("after a follow-up")
    if item.corrected:
        notes.append("corrected after a challenge")
    if item.evidence_from == PARAPHRASE and item.coverage is not Coverage.MISSED:
        notes.append("in other words")  # the quote is the backstop's, whoever else credited the item
    if late:
        notes.append(f"settled in {item.said_in}, after requirements")  # last: it is why the item is partial
    return tuple(notes)


def _flag_cost(corrected: bool, penalty: float) -> str:
    return "corrected after a challenge, no penalty" if corrected else f"-{penalty:g}"


def _outcome(adapted: bool, answered: bool, item: str | None) -> str:
    if adapted:
        return f"adapted the design ({item})"
    if answered:
        return "answered, but the design did not change in a way the rubric recognises"
    return "not answered"
