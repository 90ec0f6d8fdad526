"""From scores to a hire signal for the level, the way a debrief reads a packet: the overall bar, then the gaps.

The bar rises with the level (`LEVEL_OFFSET`). A step the candidate skipped or barely touched caps the signal at
lean no hire, however good the rest was, and several wrong decisions (red flags) cap it at lean hire: one hole in an ML
design loop usually decides the debrief.
"""

from __future__ import annotations

from collections.abc import Mapping

from interviewer.framework import Level
from interviewer.grading.models import HireSignal, StepGrade

BARS: tuple[tuple[int, HireSignal], ...] = (
    (80, HireSignal.STRONG_HIRE),
    (68, HireSignal.HIRE),
    (57, HireSignal.LEAN_HIRE),
    (45, HireSignal.LEAN_NO_HIRE),
    (30, HireSignal.NO_HIRE),
)
LEVEL_OFFSET = {Level.MID: -6, Level.SENIOR: 0, Level.STAFF: 6}
THIN_STEP_SCORE = 25
RED_FLAGS_FOR_CAP = 3
# A senior raises what matters unprompted: when this share of the covered weight came only after the interviewer's
# follow-up on it, a senior or staff signal is capped at lean hire.
PROMPTED_SHARE_FOR_CAP = 0.4

_ORDER = list(HireSignal)


def _cap(signal: HireSignal, ceiling: HireSignal) -> HireSignal:
    return min(signal, ceiling, key=_ORDER.index)


def wrong_decisions(steps: Mapping[str, StepGrade]) -> set[tuple[str | None, str]]:
    """The wrong decisions that count against the signal: one per sentence that states one (said in several items' or
    flags' words, it is still one decision, as it costs once), and none that the candidate took back after the
    interviewer's challenge (recorded, not penalised). Measured: five of the 39 blind strong answers were capped at
    lean hire, each by one sentence counted twice or three times."""
    return {
        (flag.said_in, flag.evidence)
        for step in steps.values()
        for flag in step.red_flags
        if flag.penalty > 0 and not flag.corrected
    }


def hire_signal(overall: int, level: Level, steps: Mapping[str, StepGrade]) -> tuple[HireSignal, list[str]]:
    offset = LEVEL_OFFSET[level]
    signal = HireSignal.STRONG_NO_HIRE
    for bar, candidate in BARS:
        if overall >= bar + offset:
            signal = candidate
            break
    hire_at = next(bar for bar, candidate in BARS if candidate is HireSignal.HIRE) + offset
    reasons = [f"overall {overall} against the {level.value} bar (hire from {hire_at})"]
    thin = [step_id for step_id, step in steps.items() if step.score < THIN_STEP_SCORE]
    if thin:
        capped = _cap(signal, HireSignal.LEAN_NO_HIRE)
        if capped is not signal:
            reasons.append(f"capped at lean no hire: {', '.join(thin)} scored under {THIN_STEP_SCORE}")
        signal = capped
    covered = [item for step in steps.values() for item in step.items if item.credit > 0 and item.counted]
    weight = sum(item.weight * item.credit for item in covered)
    prompted = sum(item.weight * item.credit for item in covered if item.prompted)
    if level is not Level.MID and weight and prompted / weight >= PROMPTED_SHARE_FOR_CAP:
        capped = _cap(signal, HireSignal.LEAN_HIRE)
        if capped is not signal:
            reasons.append(f"capped at lean hire: {prompted / weight:.0%} of the credit came only after follow-ups")
        signal = capped
    flags = len(wrong_decisions(steps))
    if flags >= RED_FLAGS_FOR_CAP:
        capped = _cap(signal, HireSignal.LEAN_HIRE)
        if capped is not signal:
            reasons.append(f"capped at lean hire: {flags} red flags")
        signal = capped
    return signal, reasons
