"""A scorecard as Markdown: what `export --format md` and the scorecard screen's `e` write, and the per-step details
the scorecard screen shows.

The output is a display, so its outside text (titles, evidence quotes, judge comments, warnings) is neutralised here:
the exported file is read with `cat` and `less` as often as in a Markdown viewer. The transcript keeps the text as
given.
"""

from __future__ import annotations

from interviewer.scorecard import Scorecard, StepCard
from interviewer.terminal import printable


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()).replace("|", "\\|") + "”"


def _notes(notes: tuple[str, ...]) -> str:
    return f" ({', '.join(notes)})" if notes else ""


def scorecard_markdown(card: Scorecard) -> str:
    interviewer = f" · {card.interviewer} interviewer" if card.interviewer else ""
    lines = [
        f"# {card.title}",
        "",
        f"**Overall {card.overall}/100 · {card.signal}** (level {card.level}, graded by {card.grader}{interviewer})",
        "",
    ]
    lines += [f"- {reason}" for reason in card.reasons]
    lines += [f"- warning: {warning}" for warning in card.warnings]
    lines += [f"- {line}" for line in card.accounting]
    lines += ["", "| Step | Score | | Time / budget |", "|---|---:|---|---|"]
    lines += [f"| {row.title} | {row.score} | `{row.bar}` | {row.time} |" for row in card.rows]
    lines.append("")
    return printable("\n".join(lines), markdown=True) + "\n" + details_markdown(card)


def details_markdown(card: Scorecard) -> str:
    """Per step: covered items with the candidate's words, partial and missed items, red flags; then the curveballs
    and the talking points."""
    lines: list[str] = []
    for step in card.steps:
        lines += _step_section(step)
    if card.curveballs:
        lines += ["## Requirement changes (curveballs)", ""]
        for ball in card.curveballs:
            said = f": {_quote(ball.evidence)}" if ball.evidence else ""
            lines.append(f"- {'[x]' if ball.adapted else '[ ]'} `{ball.id}` ({ball.step_id}): {ball.outcome}{said}")
        lines.append("")
    if card.talking_points:
        lines += ["## Wrap-up talking points (not scored)", ""]
        for point in card.talking_points:
            said = f": {_quote(point.evidence)}" if point.evidence else ""
            lines.append(f"- {'[x]' if point.mentioned else '[ ]'} `{point.id}`: {point.covers}{said}")
        lines.append("")
    return printable("\n".join(lines), markdown=True)


def _step_section(step: StepCard) -> list[str]:
    lines = [f"## {step.title}: {step.score}/100", ""]
    if not step.answered:
        lines += ["*No answer in this step.*", ""]

    def section(heading: str, entries: list[str]) -> None:
        if entries:
            lines.extend([heading, *entries, ""])

    section(
        "**Covered**",
        [
            f"- `{item.id}`{_notes(item.notes)}: {_quote(item.evidence)} *({', '.join(item.graded_by)})*"
            for item in step.covered
        ],
    )
    section(
        "**Partial credit** (mentioned without a decision or reason, or a requirement settled late)",
        [
            f"- `{item.id}`{_notes(item.notes)}: {_quote(item.evidence)}. A strong answer: {item.covers}"
            for item in step.partial
        ],
    )
    section("**Missed**", [f"- `{item.id}`: {item.covers}" for item in step.missed])
    section(
        "**Red flags**",
        [f"- `{flag.id}` ({flag.cost}): {flag.description} {_quote(flag.evidence)}" for flag in step.red_flags],
    )
    section(
        "**Not credited** (restates the problem, the facts or a question)",
        [f"- {_quote(sentence)}" for sentence in step.restated],
    )
    section(
        "**Ignored** (addressed to the grader, never credited)", [f"- {_quote(sentence)}" for sentence in step.ignored]
    )
    if step.judge_comment:
        lines += [f"*Judge:* {step.judge_comment}", ""]
    if step.judge_error:
        lines += [f"*Judge unavailable for this step:* {step.judge_error}", ""]
    section(
        "**Judge claims dropped** (their quote could not be verified)",
        [f"- `{item_id}`: {reason}" for item_id, reason in step.dropped],
    )
    return lines
