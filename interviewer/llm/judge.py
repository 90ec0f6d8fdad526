"""The LLM judge: one structured call per step, the seven steps at once (bounded), every claim checked for evidence.

A step whose call fails keeps its deterministic grade and says why; if every call fails, the grade is the
deterministic one, flagged. See `interviewer.grading.judge` for the checks and the combining rule.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from interviewer.errors import InterviewerError
from interviewer.framework import STEP_BY_ID, STEP_IDS, Level
from interviewer.grading.judge import JUDGE_SCHEMA, combine, unavailable, verify
from interviewer.grading.models import Grade, JudgeReply, JudgeSummary, StepJudgement
from interviewer.llm.client import ModelClient
from interviewer.llm.prompts import fence, render
from interviewer.rubric import Case
from interviewer.usage import Usage

ANSWER_CHARS = 12_000  # a step's answer beyond this is cut (the deterministic grader still reads all of it)


def judge_messages(case: Case, step_id: str, texts: Sequence[str], level: Level) -> list[dict[str, str]]:
    rubric = case.steps[step_id]
    items = "\n".join(f"- {item.id}: {item.covers}" for item in rubric.items)
    flags = "\n".join(f"- {flag.id}: {flag.description}" for flag in rubric.red_flags) or "(none)"
    answer = "\n\n".join(texts)[:ANSWER_CHARS]
    fenced = fence(answer, "candidate_answer").removeprefix("<candidate_answer>").removesuffix("</candidate_answer>")
    return render(
        "judge",
        level=level.value,
        title=case.title,
        step_title=STEP_BY_ID[step_id].title,
        items=items,
        red_flags=flags,
        answer=fenced,
    )


async def judge_step(
    client: ModelClient, case: Case, step_id: str, texts: Sequence[str], level: Level
) -> tuple[StepJudgement, Usage]:
    try:
        data, used = await client.complete_json(judge_messages(case, step_id, texts, level), JUDGE_SCHEMA, "judgement")
    except InterviewerError as exc:
        return StepJudgement(step=step_id, error=str(exc)), Usage()
    try:
        reply = JudgeReply.model_validate(data if isinstance(data, dict) else {"items": data})
    except ValidationError:
        return StepJudgement(step=step_id, error="the judge's answer did not have the fields asked for"), used
    verdict = verify(case, step_id, texts, reply)
    known = {item.id for item in case.steps[step_id].items}
    error = None
    if not reply.items:
        error = "the judge's answer listed no items"
    elif not any(claim.id in known for claim in reply.items):  # e.g. the prompt's "<item id>" copied back
        error = "the judge's answer named no item of this step"
    judgement = StepJudgement(
        step=step_id,
        credited=verdict.credited,
        rejected=verdict.rejected,
        flagged=verdict.flagged,
        comments={item: text for item, text in verdict.comments.items() if not is_placeholder(text)},
        overall="" if is_placeholder(reply.comment) else reply.comment.strip(),
        dropped=verdict.dropped,
        error=error,
    )
    return judgement, used


_PLACEHOLDER = re.compile(r"^\W*<[^<>]{0,200}>\W*$|^\W*(\.\.\.|…|n/?a|none|todo|tbd)?\W*$", re.IGNORECASE)


def is_placeholder(comment: str) -> bool:
    """A comment that only repeats the prompt's template ("<one or two sentences on the step overall>") or says
    nothing: small models copy the example they were given."""
    return bool(_PLACEHOLDER.match(comment.strip()))


async def judge_grade(
    client: ModelClient,
    case: Case,
    grade: Grade,
    answers: Mapping[str, Sequence[str]],
    concurrency: int | None = None,
    on_step: Callable[[StepJudgement, int, int], None] | None = None,
) -> Grade:
    """The deterministic `grade` with the judge's verified claims added (or flagged, if the judge was unavailable).

    At most `concurrency` calls at once (default: `Settings.judge_workers`, one for a server on this machine);
    `on_step(judgement, done, total)` reports each step as it finishes, for a progress line or bar."""
    gate = asyncio.Semaphore(concurrency or client.settings.judge_workers)
    steps = [step_id for step_id in STEP_IDS if any(text.strip() for text in answers.get(step_id, ()))]
    finished = 0

    async def one(step_id: str) -> tuple[StepJudgement, Usage]:
        nonlocal finished
        async with gate:
            result = await judge_step(client, case, step_id, answers[step_id], grade.level)
        finished += 1
        if on_step is not None:
            on_step(result[0], finished, len(steps))
        return result

    results = await asyncio.gather(*(one(step_id) for step_id in steps))
    judged = {judgement.step: judgement for judgement, _ in results}
    usage = sum((used for _, used in results), Usage())
    failed = [judgement for judgement in judged.values() if judgement.failed]
    if steps and len(failed) == len(steps):
        return unavailable(grade, client.model, failed[0].error or "no answer", usage)
    status: Literal["ok", "partial"] = "partial" if failed else "ok"
    summary = JudgeSummary(model=client.model, status=status, steps=judged, usage=usage)
    return combine(grade, summary)


@dataclass(frozen=True)
class ModelJudge:
    """The `Judge` of an interview on a model: `judge_grade` on the same client, as many steps at once as the
    settings allow."""

    client: ModelClient

    @property
    def model(self) -> str:
        return self.client.model

    async def judge(
        self,
        case: Case,
        grade: Grade,
        answers: Mapping[str, Sequence[str]],
        on_step: Callable[[StepJudgement, int, int], None] | None = None,
    ) -> Grade:
        return await judge_grade(self.client, case, grade, answers, self.client.settings.judge_workers, on_step)
