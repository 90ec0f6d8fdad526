"""What the history keeps of one attempt: plain data read off a transcript and the grade the grader gave it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviewer.grading.models import Grade
    from interviewer.rubric import Case
    from interviewer.transcript import Transcript

INTERVIEW = "interview"
DRILL = "drill"


@dataclass(frozen=True, slots=True)
class StepResult:
    step: str
    score: int
    answered: bool
    seconds: float | None
    budget_seconds: float | None


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """One rubric item of an answered step, held against the level: covered, partial or missed."""

    step: str
    item_id: str
    coverage: str
    covers: str  # what a strong answer says: shown only once the attempt is over
    weight: float


@dataclass(frozen=True, slots=True)
class Entry:
    """One finished interview or drill, as the history index stores it. Times are seconds since the epoch (UTC)."""

    transcript_id: str
    kind: str  # INTERVIEW or DRILL
    drill_step: str | None
    case_id: str
    case_title: str
    level: str
    model: str
    started_at: float
    ended_at: float
    seconds: float
    overall: int
    hire_signal: str
    steps: tuple[StepResult, ...]
    items: tuple[ItemOutcome, ...]


def entry_of(transcript: Transcript, grade: Grade) -> Entry:
    """The entry of a finished transcript and its grade (a drill's grade is already the drilled step's alone).

    Items count only in the steps the candidate answered (an interview ended early leaves later steps unanswered,
    which says nothing about those items) and only those held against the level (an item above it is a bonus)."""
    drill_step = transcript.drill.step if transcript.drill is not None else None
    steps = tuple(
        StepResult(step_id, step.score, step.answered, step.seconds, step.budget_seconds)
        for step_id, step in grade.steps.items()
    )
    items = tuple(
        ItemOutcome(step_id, item.id, item.coverage.value, item.covers, item.weight)
        for step_id, step in grade.steps.items()
        if step.answered or step_id == drill_step
        for item in step.items
        if item.counted
    )
    return Entry(
        transcript_id=transcript.id,
        kind=DRILL if drill_step else INTERVIEW,
        drill_step=drill_step,
        case_id=transcript.case_id,
        case_title=transcript.case_title,
        level=transcript.level.value,
        model=transcript.model,
        started_at=transcript.started_at.timestamp(),
        ended_at=transcript.updated_at.timestamp(),
        seconds=round(sum(transcript.step_seconds.values()), 3),
        overall=grade.overall,
        hire_signal=grade.hire_signal.value,
        steps=steps,
        items=items,
    )


class NotIndexed(Exception):
    """A transcript the history leaves out without complaint (an interview still running or stopped midway)."""


class Grader:
    """Reads transcript files and grades them as `interviewer grade` does (the saved grade is only a cache), each
    case loaded once per grader: a rebuild of hundreds of transcripts of a few cases loads each case file once."""

    def __init__(self) -> None:
        self._cases: dict[tuple[str, str | None], Case] = {}

    def __call__(self, path: Path) -> Entry:
        """Raises `NotIndexed` for an unfinished transcript, and `InterviewerError` (one line) for a file that is
        not a transcript, is broken, or names a case that cannot be loaded."""
        from interviewer.interview import case_for, checked_grade
        from interviewer.transcript import load

        transcript = load(path, on_warning=lambda message: None)  # a torn last line matters only while unfinished
        if not transcript.finished:
            raise NotIndexed("not finished")
        key = (transcript.case_id, transcript.case_source)
        case = self._cases.get(key)
        if case is None:
            case = self._cases[key] = case_for(transcript)  # checks what the transcript names before loading it
        grade, _ = checked_grade(transcript, case, path=path)
        return entry_of(transcript, grade)


def graded_entry(path: Path) -> Entry:
    """One transcript file's entry (see `Grader`)."""
    return Grader()(path)


def record_finished(path: Path | None, transcript: Transcript, grade: Grade, transcripts_dir: Path) -> str | None:
    """Index a finished interview or drill just graded, with that grade. The history is a cache rebuilt from the
    transcripts, so a failure here is never fatal: it is returned as one line for the caller to show."""
    if path is None or not transcript.finished:
        return None
    import sqlite3

    from interviewer.errors import InterviewerError
    from interviewer.practice.index import HistoryIndex

    try:
        with HistoryIndex.open(transcripts_dir) as index:
            index.record(path, entry_of(transcript, grade))
    except (InterviewerError, sqlite3.Error, OSError) as exc:
        return f"the history index was not updated ({exc}); `interviewer history` catches up from the transcripts"
    return None
