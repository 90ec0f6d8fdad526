"""A grade as text for the terminal: overall, hire signal, a bar per step, then covered / missed items with evidence."""

from __future__ import annotations

from interviewer.framework import STEP_BY_ID, mmss
from interviewer.grading.models import Coverage, CurveballResult, Grade, ItemResult
from interviewer.terminal import printable

BAR_WIDTH = 20


def bar(score: int, width: int = BAR_WIDTH) -> str:
    filled = round(score * width / 100)
    return "#" * filled + "." * (width - filled)


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def render_grade(grade: Grade, title: str, detail: bool = True) -> str:
    lines = [
        f"{title} · level {grade.level.value} · graded by {grade.grader}",
        f"Overall {grade.overall}/100 · {grade.hire_signal.label}",
    ]
    lines += [f"  ({reason})" for reason in grade.hire_reasons]
    lines += [f"  warning: {warning}" for warning in grade.warnings]
    if grade.judge is not None and grade.judge.status != "unavailable":
        dropped = len(grade.judge.dropped)
        lines.append(
            f"  judge: {grade.judge.model} ({grade.judge.status}); {dropped} unverified claim(s) dropped; "
            f"{grade.judge.usage.describe()}"
        )
    lines.append("")
    for step_id, step in grade.steps.items():
        timing = f"{mmss(step.seconds)} / {mmss(step.budget_seconds)}" + (" over" if step.over_budget else "")
        lines.append(f"  {step_id:<13} {step.score:>3} {bar(step.score)}  {timing}")
    if not detail:
        return printable("\n".join(lines))
    for step_id, step in grade.steps.items():
        lines += ["", f"{STEP_BY_ID[step_id].title} ({step_id}): {step.score}/100"]
        if not step.answered:
            lines.append("  (no answer in this step)")
        for item in step.items:
            extra = "" if item.counted else f" [{item.level.value}-level bonus]"
            extra += where_said(item, step_id)
            if item.coverage is Coverage.COVERED:
                by = f" [{', '.join(item.graded_by)}]" if grade.judge is not None else ""
                lines.append(f"  + {item.id}{extra}{by}: {_quote(item.evidence or '')}")
            elif item.coverage is Coverage.PARTIAL:
                lines.append(
                    f"  ~ {item.id}{extra}: mentioned without a decision or reason: {_quote(item.evidence or '')}"
                )
                lines.append(f"      a strong answer: {item.covers}")
            elif item.counted:
                lines.append(f"  - {item.id}: missed. A strong answer: {item.covers}")
        for flag in step.red_flags:
            cost = "corrected after a challenge, no penalty" if flag.corrected else f"-{flag.penalty:g}"
            lines.append(f"  ! red flag {flag.id} ({cost}): {flag.description} {_quote(flag.evidence)}")
        for sentence in step.ignored:
            lines.append(f"  ? ignored, addressed to the grader: {_quote(sentence)}")
        for sentence in step.restated:
            lines.append(f"  ? not credited, restates the brief: {_quote(sentence)}")
        judged = grade.judge.steps.get(step_id) if grade.judge else None
        if judged is not None:
            if judged.overall:
                lines.append(f"  judge: {judged.overall}")
            if judged.error:
                lines.append(f"  judge unavailable for this step: {judged.error}")
            for claim in judged.dropped:
                # Its quote is not shown: it is not in the transcript, and only the candidate's own words are evidence.
                lines.append(f"  x dropped judge claim {claim.item_id} ({claim.reason})")
    if grade.curveballs:
        lines += ["", "Requirement changes (curveballs):"]
        for ball in grade.curveballs:
            lines.append(f"  {'+' if ball.adapted else '-'} {ball.id} ({ball.step}): {curveball_outcome(ball)}")
    if grade.talking_points:
        lines += ["", "Wrap-up talking points (not scored):"]
        for point in grade.talking_points:
            mark = "+" if point.mentioned else "-"
            lines.append(f"  {mark} {point.id}: {point.covers}")
    # Titles, evidence quotes, warnings and judge comments come from files, replies and a model.
    return printable("\n".join(lines))


def curveball_outcome(ball: CurveballResult) -> str:
    if ball.adapted:
        return f"adapted the design ({ball.item}): {_quote(ball.evidence or '')}"
    if ball.answered:
        return "answered, but the design did not change in a way the rubric recognises"
    return "not answered"


def where_said(item: ItemResult, step_id: str) -> str:
    """Where the evidence was said when it is not this step, and whether only after the interviewer's follow-up."""
    notes = []
    if item.said_in and item.said_in != step_id:
        notes.append(f"said in {item.said_in}")
    if item.prompted and item.coverage is not Coverage.MISSED:
        notes.append("after a follow-up")
    return f" ({', '.join(notes)})" if notes else ""
