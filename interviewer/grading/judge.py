"""The LLM judge as a grader: its reply becomes claims of the same kind as the signals', merged by the one rule in
`interviewer.grading.merge`. Pure: no model is called here.

The judge may, per rubric item, confirm it (`endorses`) or say the candidate dismissed it (`rejects`), and may name red
flags the candidate endorsed. Every such claim needs a quote that is verified in the candidate's own words for that
step: at least `MIN_QUOTE_WORDS` words, normalised for case and whitespace, found in the replies, and not from text
addressed to the grader. Claims that fail are dropped and recorded with their reason.

It takes part in `confirms` mode: on an item it judged with a verified quote, its verdict decides (its endorsement
covers the item, its verified rejection takes away what the signals gave and records the dismissal); items it did not
judge keep the signals' result. A red flag it raises with a verified quote costs what the rubric says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from interviewer.grading.addressed import candidate_sentences
from interviewer.grading.claims import Claim, Kind
from interviewer.grading.models import DroppedClaim, Grade, JudgeClaim, JudgeReply, JudgeSummary
from interviewer.grading.stance import Stance
from interviewer.rubric import Case
from interviewer.usage import Usage

__all__ = [
    "JUDGE",
    "JUDGE_SCHEMA",
    "JudgeClaim",
    "JudgeReply",
    "Verdict",
    "combine",
    "judge_claims",
    "unavailable",
    "verify",
]

JUDGE = "judge"  # the judge's name as a claim source

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
                    "stance": {"type": "string", "enum": ["endorses", "rejects", ""]},
                    "quote": {"type": "string"},
                    "comment": {"type": "string"},
                },
                "required": ["id", "covered", "stance", "quote", "comment"],
            },
        },
        "red_flags": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "quote": {"type": "string"}},
                "required": ["id", "quote"],
            },
        },
        "comment": {"type": "string"},
    },
    "required": ["items", "red_flags", "comment"],
}


def normalise_quote(text: str) -> str:
    return " ".join(text.lower().split()).strip(_QUOTE_EDGES)


@dataclass
class Verdict:
    """What survives the evidence check of one step's reply: item -> quote for each stance, flag -> quote."""

    credited: dict[str, str] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    dropped: list[DroppedClaim] = field(default_factory=list)


def verify(case: Case, step_id: str, texts: Sequence[str], reply: JudgeReply) -> Verdict:
    """The judge's claims that pass the evidence check, its comments, and the claims dropped (with why)."""
    known = {item.id for item in case.steps[step_id].items}
    flags = {flag.id for flag in case.steps[step_id].red_flags}
    said = normalise_quote(" ".join(texts))
    _, ignored = candidate_sentences(texts)
    to_grader = [normalise_quote(sentence) for sentence in ignored]
    verdict = Verdict()

    def check(target: str, quote_text: str, valid: set[str], kind: str) -> str | None:
        quote = normalise_quote(quote_text)
        reason = None
        if target not in valid:
            reason = f"no such {kind} in this step"
        elif not quote:
            reason = "no quote"
        elif len(quote.split()) < MIN_QUOTE_WORDS:
            reason = f"quote shorter than {MIN_QUOTE_WORDS} words"
        elif quote not in said:
            reason = "quote not found in the candidate's words"
        elif any(quote in sentence or sentence in quote for sentence in to_grader if sentence):
            reason = "quote is text addressed to the grader"
        if reason:
            verdict.dropped.append(DroppedClaim(step=step_id, item_id=target, quote=quote_text[:300], reason=reason))
            return None
        return _original_span(" ".join(texts), quote) or quote_text.strip()

    for claim in reply.items:
        if claim.id in known and claim.comment:
            verdict.comments[claim.id] = claim.comment.strip()
        if not (claim.endorses or claim.rejects):
            continue
        bucket = verdict.rejected if claim.rejects else verdict.credited
        if claim.id in verdict.credited or claim.id in verdict.rejected:
            continue
        quote = check(claim.id, claim.quote, known, "rubric item")
        if quote is not None:
            bucket[claim.id] = quote
    for flag in reply.red_flags:
        if flag.id in verdict.flagged:
            continue
        quote = check(flag.id, flag.quote, flags, "red flag")
        if quote is not None:
            verdict.flagged[flag.id] = quote
    return verdict


def _original_span(text: str, quote: str) -> str | None:
    """The candidate's own wording (original case and spacing) of a normalised quote."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    found = re.search(pattern, text, re.IGNORECASE)
    return found.group(0) if found else None


def judge_claims(judge: JudgeSummary) -> list[Claim]:
    """The judge's verified verdicts as claims (said in the step it judged)."""
    claims: list[Claim] = []
    for step_id, judged in judge.steps.items():
        verdicts: tuple[tuple[Kind, dict[str, str], Stance], ...] = (
            ("item", judged.credited, Stance.ENDORSES),
            ("item", judged.rejected, Stance.REJECTS),
            ("red_flag", judged.flagged, Stance.ENDORSES),
        )
        for kind, entries, stance in verdicts:
            for target, quote in entries.items():
                claims.append(
                    Claim(
                        kind,
                        target,
                        step_id,
                        stance,
                        quote,
                        said_in=step_id,
                        explained=True,
                        source=JUDGE,
                        order=-1,  # no sentence of the transcript: its quote was verified, not located
                        dismisses=stance is Stance.REJECTS,  # the judge's verdict is that the candidate dismissed it
                    )
                )
    return claims


def combine(grade: Grade, judge: JudgeSummary) -> Grade:
    """The deterministic grade merged with the judge's verified claims (see the module docstring).

    `grade` must come from the deterministic grader in this process (it keeps what was read, `Grade._basis`): a
    grade read from a file is recomputed from its turns first.
    """
    from interviewer.grading.deterministic import assemble

    if grade._basis is None:
        raise ValueError("combine needs a grade computed in this process, not one read from a file")
    merged = assemble(grade._basis, judge_claims(judge), confirming=frozenset({JUDGE}))
    # What the claims do not decide (the curveballs' outcome) carries over from the grade as it was.
    return merged.model_copy(
        update={
            "grader": "deterministic+judge",
            "judge": judge,
            "warnings": grade.warnings,
            "curveballs": grade.curveballs,
        }
    )


def unavailable(grade: Grade, model: str, error: str, usage: Usage | None = None) -> Grade:
    """The deterministic grade, flagged: the judge was asked for and gave nothing usable."""
    summary = JudgeSummary(model=model, status="unavailable", error=error, usage=usage or Usage())
    warning = f"the judge ({model}) was unavailable, so this is the deterministic grade only: {error}"
    return grade.model_copy(update={"judge": summary, "warnings": [*grade.warnings, warning]})
