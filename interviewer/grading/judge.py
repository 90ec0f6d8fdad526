"""What an LLM judge may add to a grade, and the checks its claims must pass. Pure: no model is called here.

The combining rule, per rubric item: the item is covered if the deterministic grader covered it, or if the judge
claimed it with a quote that is verified in the candidate's own words for that step. The judge can only add credit,
never remove it (the signals' evidence is the candidate's sentence too), and it never touches red flags. A claim is
verified when its quote, normalised for case and whitespace, has at least `MIN_QUOTE_WORDS` words, appears in the
candidate's replies in that step, and does not come from a sentence addressed to the grader. Every claim that fails
is dropped and recorded with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.grading.addressed import candidate_sentences
from interviewer.grading.deterministic import overall_score, step_score
from interviewer.grading.hire import hire_signal
from interviewer.grading.models import (
    Coverage,
    DroppedClaim,
    Grade,
    JudgeClaim,
    JudgeReply,
    JudgeSummary,
    StepGrade,
    StepJudgement,
)
from interviewer.rubric import Case
from interviewer.usage import Usage

__all__ = ["JUDGE_SCHEMA", "JudgeClaim", "JudgeReply", "StepJudgement", "combine", "unavailable", "verify"]

MIN_QUOTE_WORDS = 4
_QUOTE_EDGES = "\"'\u201c\u201d\u2018\u2019`.,;:!?()[] "  # quotes (straight and curly) and punctuation


JUDGE_SCHEMA = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "covered": {"type": "boolean"},
                    "quote": {"type": "string"},
                    "comment": {"type": "string"},
                },
                "required": ["id", "covered", "quote", "comment"],
            },
        },
        "comment": {"type": "string"},
    },
    "required": ["items", "comment"],
}


def normalise_quote(text: str) -> str:
    return " ".join(text.lower().split()).strip(_QUOTE_EDGES)


def verify(
    case: Case, step_id: str, texts: Sequence[str], reply: JudgeReply
) -> tuple[dict[str, str], dict[str, str], list[DroppedClaim]]:
    """The claims that pass the evidence check (item -> quote), the judge's comments, and the claims dropped."""
    known = {item.id for item in case.steps[step_id].items}
    said = normalise_quote(" ".join(texts))
    _, ignored = candidate_sentences(texts)
    to_grader = [normalise_quote(sentence) for sentence in ignored]
    credited: dict[str, str] = {}
    comments: dict[str, str] = {}
    dropped: list[DroppedClaim] = []
    for claim in reply.items:
        if claim.id in known and claim.comment:
            comments[claim.id] = claim.comment.strip()
        if not claim.covered:
            continue
        quote = normalise_quote(claim.quote)
        reason = None
        if claim.id not in known:
            reason = "no such rubric item in this step"
        elif not quote:
            reason = "no quote"
        elif len(quote.split()) < MIN_QUOTE_WORDS:
            reason = f"quote shorter than {MIN_QUOTE_WORDS} words"
        elif quote not in said:
            reason = "quote not found in the candidate's words"
        elif any(quote in sentence or sentence in quote for sentence in to_grader if sentence):
            reason = "quote is text addressed to the grader"
        if reason:
            dropped.append(DroppedClaim(step=step_id, item_id=claim.id, quote=claim.quote[:300], reason=reason))
        elif claim.id not in credited:
            credited[claim.id] = _original_span(" ".join(texts), quote) or claim.quote.strip()
    return credited, comments, dropped


def _original_span(text: str, quote: str) -> str | None:
    """The candidate's own wording (original case and spacing) of a normalised quote."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    found = re.search(pattern, text, re.IGNORECASE)
    return found.group(0) if found else None


def combine(grade: Grade, judge: JudgeSummary) -> Grade:
    """The deterministic grade plus what the judge credited with verified quotes (see the module docstring)."""
    steps: dict[str, StepGrade] = {}
    for step_id, step in grade.steps.items():
        judged = judge.steps.get(step_id)
        items = []
        for item in step.items:
            quote = judged.credited.get(item.id) if judged else None
            if quote is None:
                items.append(item)
            elif item.coverage is Coverage.COVERED:
                items.append(item.model_copy(update={"graded_by": ["signals", "judge"]}))
            else:
                graded_by = ["signals (mention)", "judge"] if item.coverage is Coverage.PARTIAL else ["judge"]
                items.append(
                    item.model_copy(
                        update={"coverage": Coverage.COVERED, "credit": 1.0, "evidence": quote, "graded_by": graded_by}
                    )
                )
        steps[step_id] = step.model_copy(update={"items": items, "score": step_score(items, step.red_flags)})
    overall = overall_score(steps)
    signal, reasons = hire_signal(overall, grade.level, steps)
    return grade.model_copy(
        update={
            "steps": steps,
            "overall": overall,
            "hire_signal": signal,
            "hire_reasons": reasons,
            "grader": "deterministic+judge",
            "judge": judge,
        }
    )


def unavailable(grade: Grade, model: str, error: str, usage: Usage | None = None) -> Grade:
    """The deterministic grade, flagged: the judge was asked for and gave nothing usable."""
    summary = JudgeSummary(model=model, status="unavailable", error=error, usage=usage or Usage())
    warning = f"the judge ({model}) was unavailable, so this is the deterministic grade only: {error}"
    return grade.model_copy(update={"judge": summary, "warnings": [*grade.warnings, warning]})
