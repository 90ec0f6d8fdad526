"""A scorecard as text for the terminal (`grade`, line mode): overall, hire signal, a bar per step, then per step the
items covered with the candidate's words, what was only mentioned or missed, and red flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.scorecard import Scorecard, build_scorecard
from interviewer.terminal import printable

if TYPE_CHECKING:
    from interviewer.grading.models import Grade
    from interviewer.transcript import Transcript

QUOTE_LIMIT = 160  # characters of a quote: the terminal report is read at a glance; the export has them in full


def _quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The quote on one line; a long one cut at the last word that fits ("calibrated pr…" read as a typo)."""
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[: limit - 1]
        if text[limit - 1] != " " and " " in cut:  # the cut falls inside a word: drop that word
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;:") + "…"
    return f'"{text}"'


def _notes(notes: tuple[str, ...]) -> str:
    return f" ({', '.join(notes)})" if notes else ""


def render_grade(grade: Grade, title: str, detail: bool = True, transcript: Transcript | None = None) -> str:
    return render_text(build_scorecard(grade, title, transcript), detail)


def render_text(card: Scorecard, detail: bool = True) -> str:
    interviewer = f" · {card.interviewer} interviewer" if card.interviewer else ""
    lines = [
        f"{card.title} · level {card.level} · graded by {card.grader}{interviewer}",
        f"Overall {card.overall}/100 · {card.signal}",
    ]
    lines += [f"  ({reason})" for reason in card.reasons]
    lines += [f"  warning: {warning}" for warning in card.warnings]
    lines += [f"  {line}" for line in card.accounting]
    lines.append("")
    lines += [f"  {row.step_id:<13} {row.score:>3} {row.bar}  {row.time}" for row in card.rows]
    if detail:
        lines += _details(card)
    # Titles, evidence quotes, warnings and judge comments come from files, replies and a model.
    return printable("\n".join(lines))


def _details(card: Scorecard) -> list[str]:
    lines: list[str] = []
    for step in card.steps:
        lines += ["", f"{step.title} ({step.step_id}): {step.score}/100"]
        if not step.answered:
            lines.append("  (no answer in this step)")
        for item in step.covered:
            by = f" [{', '.join(item.graded_by)}]" if card.judged else ""
            lines.append(f"  + {item.id}{_notes(item.notes)}{by}: {_quote(item.evidence)}")
        for item in step.partial:
            said = _quote(item.evidence)
            why = "partial, settled late" if item.late else "mentioned without a decision or reason"
            lines.append(f"  ~ {item.id}{_notes(item.notes)}: {why}: {said}")
            lines.append(f"      a strong answer: {item.covers}")
        lines += [f"  - {item.id}: missed. A strong answer: {item.covers}" for item in step.missed]
        lines += [
            f"  ! red flag {flag.id} ({flag.cost}): {flag.description} {_quote(flag.evidence)}"
            for flag in step.red_flags
        ]
        lines += [f"  ? ignored, addressed to the grader: {_quote(sentence)}" for sentence in step.ignored]
        lines += [f"  ? not credited, restates the brief: {_quote(sentence)}" for sentence in step.restated]
        if step.judge_comment:
            lines.append(f"  judge: {step.judge_comment}")
        if step.judge_error:
            lines.append(f"  judge unavailable for this step: {step.judge_error}")
        lines += [f"  x dropped judge claim {item_id} ({reason})" for item_id, reason in step.dropped]
    if card.curveballs:
        lines += ["", "Requirement changes (curveballs):"]
        for ball in card.curveballs:
            said = f": {_quote(ball.evidence)}" if ball.evidence else ""
            lines.append(f"  {'+' if ball.adapted else '-'} {ball.id} ({ball.step_id}): {ball.outcome}{said}")
    if card.talking_points:
        lines += ["", "Wrap-up talking points (not scored):"]
        for point in card.talking_points:
            lines.append(f"  {'+' if point.mentioned else '-'} {point.id}: {point.covers}")
            if point.evidence:
                lines.append(f"      said: {_quote(point.evidence)}")
    return lines
