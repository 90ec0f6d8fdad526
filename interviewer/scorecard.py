"""The scorecard as Markdown: what the TUI's scorecard screen shows and what `export --format md` writes.

Both are displays, so their outside text (titles, evidence quotes, judge comments, warnings) is neutralised here: the
exported file is read with `cat` and `less` as often as in a Markdown viewer. The transcript keeps the text as given.
"""

from __future__ import annotations

from interviewer.framework import STEP_BY_ID, mmss
from interviewer.grading.models import Coverage, Grade, StepGrade, StepJudgement
from interviewer.report import bar, curveball_outcome, where_said
from interviewer.terminal import printable
from interviewer.transcript import Transcript


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()).replace("|", "\\|") + "”"


def time_cell(step: StepGrade) -> str:
    return f"{mmss(step.seconds)} / {mmss(step.budget_seconds)}" + (" (over)" if step.over_budget else "")


def step_section(step_id: str, step: StepGrade, judged: StepJudgement | None = None) -> list[str]:
    lines = [f"## {STEP_BY_ID[step_id].title}: {step.score}/100", ""]
    if not step.answered:
        lines += ["*No answer in this step.*", ""]
    covered = [item for item in step.items if item.coverage is Coverage.COVERED]
    partial = [item for item in step.items if item.coverage is Coverage.PARTIAL]
    missed = [item for item in step.items if item.coverage is Coverage.MISSED and item.counted]
    if covered:
        lines.append("**Covered**")
        lines += [
            f"- `{item.id}`{'' if item.counted else ' (bonus)'}{where_said(item, step.step)}: "
            f"{_quote(item.evidence or '')} *({', '.join(item.graded_by)})*"
            for item in covered
        ]
        lines.append("")
    if partial:
        lines.append("**Mentioned without a decision or reason** (40% credit)")
        lines += [
            f"- `{item.id}`{where_said(item, step.step)}: {_quote(item.evidence or '')}. A strong answer: {item.covers}"
            for item in partial
        ]
        lines.append("")
    if missed:
        lines.append("**Missed**")
        lines += [f"- `{item.id}`: {item.covers}" for item in missed]
        lines.append("")
    if step.red_flags:
        lines.append("**Red flags**")
        lines += [
            f"- `{f.id}` ({'corrected after a challenge' if f.corrected else f'-{f.penalty:g}'}): {f.description} "
            f"{_quote(f.evidence)}"
            for f in step.red_flags
        ]
        lines.append("")
    if step.restated:
        lines.append("**Not credited** (restates the problem, the facts or a question)")
        lines += [f"- {_quote(sentence)}" for sentence in step.restated]
        lines.append("")
    if step.ignored:
        lines.append("**Ignored** (addressed to the grader, never credited)")
        lines += [f"- {_quote(sentence)}" for sentence in step.ignored]
        lines.append("")
    if judged is not None:
        if judged.overall:
            lines += [f"*Judge:* {judged.overall}", ""]
        if judged.error:
            lines += [f"*Judge unavailable for this step:* {judged.error}", ""]
        if judged.dropped:
            lines.append("**Judge claims dropped** (their quote could not be verified)")
            # Their quotes are not shown: they are not in the transcript; only the candidate's words are evidence.
            lines += [f"- `{claim.item_id}`: {claim.reason}" for claim in judged.dropped]
            lines.append("")
    return lines


def accounting_lines(grade: Grade, transcript: Transcript | None) -> list[str]:
    """Which graders ran, what the model cost, and where the offline interviewer stood in."""
    lines = []
    if grade.judge is not None and grade.judge.status != "unavailable":
        lines.append(
            f"judge {grade.judge.model}: {grade.judge.status}, {len(grade.judge.dropped)} unverified claim(s) "
            f"dropped, {grade.judge.usage.describe()}"
        )
    if transcript is not None and not transcript.usage.empty:
        lines.append(f"interviewer {transcript.model}: {transcript.usage.describe()}")
    if transcript is not None and transcript.model_failures:
        lines.append(f"the model failed on {transcript.model_failures} turn(s); the offline interviewer answered them")
    return lines


def details_markdown(grade: Grade) -> str:
    """Per step: covered items with the candidate's words, partial and missed items, red flags; then talking points."""
    lines: list[str] = []
    for step_id, step in grade.steps.items():
        lines += step_section(step_id, step, grade.judge.steps.get(step_id) if grade.judge else None)
    if grade.curveballs:
        lines += ["## Requirement changes (curveballs)", ""]
        for ball in grade.curveballs:
            lines.append(f"- {'[x]' if ball.adapted else '[ ]'} `{ball.id}` ({ball.step}): {curveball_outcome(ball)}")
        lines.append("")
    if grade.talking_points:
        lines += ["## Wrap-up talking points (not scored)", ""]
        for point in grade.talking_points:
            said = f": {_quote(point.evidence)}" if point.evidence else ""
            lines.append(f"- {'[x]' if point.mentioned else '[ ]'} `{point.id}`: {point.covers}{said}")
        lines.append("")
    return printable("\n".join(lines), markdown=True)


def scorecard_markdown(grade: Grade, title: str, transcript: Transcript | None = None) -> str:
    model = f" · {transcript.model} interviewer" if transcript else ""
    lines = [
        f"# {title}",
        "",
        f"**Overall {grade.overall}/100 · {grade.hire_signal.label}** (level {grade.level.value}, graded by "
        f"{grade.grader}{model})",
        "",
    ]
    lines += [f"- {reason}" for reason in grade.hire_reasons]
    lines += [f"- warning: {warning}" for warning in grade.warnings]
    lines += [f"- {line}" for line in accounting_lines(grade, transcript)]
    lines += ["", "| Step | Score | | Time / budget |", "|---|---:|---|---|"]
    for step_id, step in grade.steps.items():
        lines.append(f"| {STEP_BY_ID[step_id].title} | {step.score} | `{bar(step.score)}` | {time_cell(step)} |")
    lines.append("")
    return printable("\n".join(lines), markdown=True) + "\n" + details_markdown(grade)
