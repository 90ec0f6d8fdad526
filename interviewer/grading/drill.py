"""The grade of a drill: one step of a case, read off the whole grade the grader gave the transcript.

A drill is graded by the same grader as an interview; this only keeps the drilled step, so its score is the step's
score and its hire signal reads that score against the level's bar (the steps a drill never asked about are not
gaps).
"""

from __future__ import annotations

from interviewer.grading.hire import hire_signal
from interviewer.grading.models import Grade


def drill_view(grade: Grade, step_id: str) -> Grade:
    """`grade` reduced to the drilled step: the step alone, its score as the overall, and the signal for it."""
    if step_id not in grade.steps:
        return grade  # the wrap-up or an unknown step: nothing graded to keep
    step = grade.steps[step_id]
    signal, reasons = hire_signal(step.score, grade.level, {step_id: step})
    return grade.model_copy(
        update={
            "overall": step.score,
            "hire_signal": signal,
            "hire_reasons": [f"a drill of one step ({step_id}): the score is that step's", *reasons],
            "steps": {step_id: step},
            "talking_points": [],
            "curveballs": [ball for ball in grade.curveballs if ball.step == step_id],
        }
    )
