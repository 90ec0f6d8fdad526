"""Which rubric items each candidate reply covered, so a replay can show what every answer earned."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.framework import STEP_IDS, Level
from interviewer.grading.deterministic import grade_step
from interviewer.grading.models import Coverage
from interviewer.rubric import Case
from interviewer.transcript import Role, Transcript


@dataclass(frozen=True, slots=True)
class ReplyNote:
    covered: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.covered or self.partial or self.red_flags)


def annotate(transcript: Transcript, case: Case, level: Level | None = None) -> dict[int, ReplyNote]:
    """A note per candidate turn (by index in `transcript.turns`) in one of the seven steps."""
    level = level or transcript.level
    notes: dict[int, ReplyNote] = {}
    for index, turn in enumerate(transcript.turns):
        if turn.role is not Role.CANDIDATE or turn.step not in STEP_IDS:
            continue
        graded = grade_step(case, turn.step, [turn.text], level)
        notes[index] = ReplyNote(
            covered=graded.ids(Coverage.COVERED),
            partial=graded.ids(Coverage.PARTIAL),
            red_flags=[flag.id for flag in graded.red_flags],
        )
    return notes
