"""Which rubric items each candidate reply covered, so a replay can show what every answer earned."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.framework import STEP_IDS, Level
from interviewer.grading.deterministic import grade_step
from interviewer.grading.models import Coverage
from interviewer.rubric import Case
from interviewer.transcript import Role, Turn


@dataclass(frozen=True, slots=True)
class ReplyNote:
    covered: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.covered or self.partial or self.red_flags)


def note_for(case: Case, turn: Turn, level: Level, paraphrase: bool | None = None) -> ReplyNote | None:
    """What a candidate turn in one of the seven steps earned on its own; None for any other turn. Computed a turn
    at a time, when the replay shows it: a long transcript would otherwise be read whole before the first frame.
    `paraphrase`: whether the backstop reads it too (default: the setting, read on each call, about 1 ms; a replay
    reads it once)."""
    if turn.role is not Role.CANDIDATE or turn.step not in STEP_IDS:
        return None
    graded = grade_step(case, turn.step, [turn.text], level, paraphrase=paraphrase)
    return ReplyNote(
        covered=graded.ids(Coverage.COVERED),
        partial=graded.ids(Coverage.PARTIAL),
        red_flags=[flag.id for flag in graded.red_flags],
    )
