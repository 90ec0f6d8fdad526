"""A drill: one step of a case, on that step's own clock, with follow-ups aimed first at the items due for practice.

It is an `Interview` whose transcript says which step it drills (`Transcript.drill`): the same policy, saving,
clocks and grader, so a drill is saved, resumed, graded and indexed like an interview. It starts in the step (the
problem statement, then the step's opening question), and ends instead of moving on: when the step is covered, its
follow-ups are spent, its time budget has run out, or the candidate asks. The grade is the drilled step's
(`interviewer.grading.drill`). The items it aims at are never said before the attempt: the interviewer asks only
its follow-up questions, as in an interview.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.framework import STEP_BY_ID, STEP_IDS, Level
from interviewer.grading.models import Coverage, Grade, ItemResult, StepJudgement
from interviewer.intents import intent_of
from interviewer.interview import MODEL_STRIKES, Interview, Plan
from interviewer.policy import Action, AdvanceReason, Policy, RubricDecider, View
from interviewer.rubric import Case
from interviewer.store import Store
from interviewer.transcript import DrillSpec, Transcript, Turn, TurnKind

MAX_FOLLOW_UPS = 3


@dataclasses.dataclass
class DrillDecider(RubricDecider):
    """The interviewer's decisions, with the follow-ups aimed first at `focus` (the due items, most overdue
    first) while they are still missed or only mentioned."""

    focus: tuple[str, ...] = ()

    def introduce(self, view: View) -> str:
        step = STEP_BY_ID[view.phase]
        return (
            f"A drill of one step: **{step.title.lower()}**, {step.budget_minutes:g} minutes, for "
            f"**{view.case.title}**.\n\n{view.case.prompt.strip()}\n\n"
            "Ask me anything you need to clarify; I'll answer from what we know."
        )

    def close(self, view: View) -> str:
        return "That's the drill. Let's look at how it went."

    def _follow_up_target(self, items: list[ItemResult], asked: list[str]) -> str | None:  # type: ignore[override]
        by_id = {item.id: item for item in items}
        for item_id in self.focus:
            item = by_id.get(item_id)
            if item is not None and item.coverage is not Coverage.COVERED and item_id not in asked:
                return item_id
        return RubricDecider._follow_up_target(items, asked)


def drill_policy(policy: Policy, focus: Sequence[str]) -> Policy:
    """`policy` with the drill's decisions; its voice and judge stay (a model phrases the drill as an interview)."""
    decider = DrillDecider(focus=tuple(focus), max_follow_ups=max(2, min(MAX_FOLLOW_UPS, len(focus))))
    return dataclasses.replace(policy, decider=decider)


class Drill(Interview):
    """One step as a drill. `Drill.create` starts one; `Drill.resume` (inherited) continues one from its file."""

    def __init__(
        self,
        case: Case,
        transcript: Transcript,
        policy: Policy,
        path: Path | None,
        clock: Callable[[], float] = time.monotonic,
        store: Store | None = None,
        model_strikes: int = MODEL_STRIKES,
    ):
        if transcript.drill is None or transcript.drill.step not in STEP_IDS:
            raise InterviewerError("not a drill: the transcript names no step to drill")
        if not isinstance(policy.decider, DrillDecider):
            policy = drill_policy(policy, transcript.drill.items)
        super().__init__(case, transcript, policy, path, clock, store, model_strikes)

    @classmethod
    def create_drill(
        cls,
        case: Case,
        level: Level,
        policy: Policy,
        path: Path | None,
        step: str,
        items: Sequence[str] = (),
        case_source: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        model_strikes: int = MODEL_STRIKES,
    ) -> Drill:
        """A new drill of `step`, its file written and locked at once (`SaveError` if it cannot be)."""
        if step not in STEP_IDS:
            raise InterviewerError(f"unknown step {step!r}; steps are {', '.join(STEP_IDS)}")
        known = {item.id for item in case.steps[step].items}
        transcript = Transcript(
            case_id=case.id,
            case_title=case.title,
            case_source=case_source,
            level=level,
            model=policy.name,
            phase=step,  # the drill starts in its step: its clock runs from now
            drill=DrillSpec(step=step, items=[item for item in items if item in known]),
        )
        store = Store.create(transcript, path) if path is not None else None
        return cls(case, transcript, policy, path, clock, store=store, model_strikes=model_strikes)

    @property
    def step(self) -> str:
        assert self.transcript.drill is not None
        return self.transcript.drill.step

    def plan_start(self) -> Plan:
        """The problem and the step's opening question (only the question when the problem was stated already)."""
        turns = self.transcript.turns
        if self.done or any(turn.kind is TurnKind.OPENING for turn in turns):
            return Plan()
        stated = any(turn.kind is TurnKind.INTRO for turn in turns)
        intro = () if stated else (self._utterance(self.policy.introduce(self.view()), TurnKind.INTRO),)
        return Plan((*intro, self._opening(AdvanceReason.START, advance=False)))

    def plan_reply(self, text: str) -> Plan:
        """Record the reply and plan the answer; where an interview would move on, the drill ends."""
        with self.session.one_change():
            self.session.reply(text, intent=intent_of(text))
        if self.session.over_budget():
            return self.plan_end()
        decision = self.policy.respond(self.view())
        if decision.action in (Action.ADVANCE, Action.CLOSE):
            return self.plan_end()
        return Plan((self._utterance(decision.text, decision.kind, decision.item_id, intent=decision.intent),))

    def plan_next_step(self, confirm: bool = True) -> Plan:
        """Moving on ends the drill (asked before any answer, the interviewer checks first, as in an interview)."""
        if self.done:
            raise InterviewerError("the drill is over")
        view = self.view()
        if confirm and not view.answered and not self._skip_offered(view):
            return super().plan_next_step(confirm)
        return self.plan_end()

    def advance_to(self, phase: str, say: bool = True) -> list[Turn] | Plan:
        raise InterviewerError(f"a drill is one step ({self.step}); /end finishes it")

    @property
    def judge_model(self) -> str | None:
        return None  # no judge reads a drill (see `ajudge`)

    async def ajudge(self, on_step: Callable[[StepJudgement, int, int], None] | None = None) -> Grade:
        """A drill is graded by the deterministic grader alone, at once (a judge reads whole interviews): `on_step`
        is never called."""
        return self.grade()
