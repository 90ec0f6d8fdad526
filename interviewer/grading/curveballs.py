"""Whether the candidate adapted the design to a curveball: a target item endorsed in the replies that followed it."""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.grading.claims import ClaimCollector, Reply
from interviewer.grading.deterministic import compiled
from interviewer.grading.models import CurveballResult
from interviewer.grading.stance import Stance
from interviewer.rubric import Case, Curveball


def adapted(case: Case, ball: Curveball, replies: Sequence[str]) -> CurveballResult:
    """`replies`: what the candidate said after the curveball, in its step."""
    collector = ClaimCollector(compiled(case))
    for text in replies:
        collector.add(Reply(ball.step, text, frozenset(ball.targets)))
    targets = set(ball.targets)
    hit = min(
        (c for c in collector.claims() if c.kind == "item" and c.target in targets and c.stance is Stance.ENDORSES),
        key=lambda claim: claim.order,
        default=None,
    )
    return CurveballResult(
        id=ball.id,
        step=ball.step,
        says=ball.says,
        answered=bool(replies),
        adapted=hit is not None,
        evidence=hit.quote if hit else None,
        item=hit.target if hit else None,
    )
