"""The grade as data: what each step scored, which items were covered, and the candidate's own words as evidence."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from interviewer.framework import Level
from interviewer.usage import Usage


class Coverage(StrEnum):
    COVERED = "covered"  # mentioned in a sentence that explains a decision or a reason
    PARTIAL = "partial"  # mentioned only in passing or in a bare list of terms
    MISSED = "missed"


class HireSignal(StrEnum):
    STRONG_NO_HIRE = "strong_no_hire"
    NO_HIRE = "no_hire"
    LEAN_NO_HIRE = "lean_no_hire"
    LEAN_HIRE = "lean_hire"
    HIRE = "hire"
    STRONG_HIRE = "strong_hire"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ItemResult(BaseModel):
    id: str
    covers: str
    weight: float
    level: Level
    coverage: Coverage
    credit: float = Field(ge=0, le=1)
    counted: bool = Field(description="False for an item above the candidate's level: it can only add a bonus.")
    evidence: str | None = None
    evidence_from: str | None = Field(None, description="The grader whose claim the evidence is (see `graded_by`).")
    graded_by: list[str] = Field(default_factory=lambda: ["signals"])
    said_in: str | None = Field(None, description="The step in which the evidence was said (any step counts).")
    prompted: bool = Field(False, description="Raised only after the interviewer's follow-up on this item.")
    corrected: bool = Field(
        False,
        description="First dismissed or decided the wrong way, then taken back after the interviewer's challenge.",
    )


class RedFlagHit(BaseModel):
    id: str = Field(description="The red flag's id; `dismissed:ITEM` or `opposite:ITEM` for a wrong decision.")
    description: str
    penalty: float
    evidence: str
    said_in: str | None = None
    corrected: bool = Field(
        False, description="The interviewer challenged it and the candidate changed course: recorded, not penalised."
    )


class CurveballResult(BaseModel):
    """A requirement change the interviewer introduced, and whether the design adapted to it."""

    id: str
    step: str
    says: str
    answered: bool = Field(False, description="The candidate replied after it, in its step.")
    adapted: bool = Field(False, description="A reply after it endorsed one of the items the change is about.")
    evidence: str | None = None
    item: str | None = Field(None, description="The item that showed the adaptation.")


class StepGrade(BaseModel):
    step: str
    score: int = Field(ge=0, le=100)
    items: list[ItemResult]
    red_flags: list[RedFlagHit] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list, description="Sentences addressed to the grader, never credited.")
    restated: list[str] = Field(
        default_factory=list, description="Sentences that only restate the prompt, the facts or a follow-up question."
    )
    answered: bool = Field(description="Whether the candidate said anything in this step.")
    seconds: float | None = None
    budget_seconds: float | None = None

    @property
    def over_budget(self) -> bool:
        return self.seconds is not None and self.budget_seconds is not None and self.seconds > self.budget_seconds

    def ids(self, coverage: Coverage) -> list[str]:
        return [item.id for item in self.items if item.coverage is coverage]


class TalkingPointResult(BaseModel):
    id: str
    covers: str
    mentioned: bool
    evidence: str | None = None


class JudgeClaim(BaseModel):
    """One rubric item as the judge sees it; missing fields default to "not covered"."""

    model_config = ConfigDict(extra="ignore")

    id: str = ""
    covered: bool = False
    stance: str = Field("", description="endorses, rejects (the candidate dismissed it) or empty (not addressed).")
    quote: str = ""
    comment: str = ""

    @property
    def rejects(self) -> bool:
        return self.stance.strip().lower() in ("rejects", "dismisses", "rejected", "dismissed")

    @property
    def endorses(self) -> bool:
        return self.covered and not self.rejects

    @field_validator("id", "stance", "quote", "comment", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return "" if value is None else str(value)

    @field_validator("covered", mode="before")
    @classmethod
    def _flag(cls, value: object) -> bool:
        if isinstance(value, str):
            return value.strip().lower() in ("true", "yes", "1", "covered")
        return bool(value)


class JudgeFlag(BaseModel):
    """A red flag the judge says the candidate endorsed, with the quote that shows it."""

    model_config = ConfigDict(extra="ignore")

    id: str = ""
    quote: str = ""

    @field_validator("id", "quote", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return "" if value is None else str(value)


class JudgeReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    items: list[JudgeClaim] = Field(default_factory=list)
    red_flags: list[JudgeFlag] = Field(default_factory=list)
    comment: str = ""


class DroppedClaim(BaseModel):
    step: str
    item_id: str
    quote: str
    reason: str


class StepJudgement(BaseModel):
    step: str
    credited: dict[str, str] = Field(default_factory=dict, description="Item id -> verified quote.")
    rejected: dict[str, str] = Field(
        default_factory=dict, description="Item id -> verified quote in which the candidate dismissed it."
    )
    flagged: dict[str, str] = Field(default_factory=dict, description="Red flag id -> verified quote endorsing it.")
    comments: dict[str, str] = Field(default_factory=dict)
    overall: str = ""
    dropped: list[DroppedClaim] = Field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        """The judge gave nothing usable for this step: its deterministic grade stands alone."""
        return bool(self.error) and not (self.credited or self.rejected or self.flagged)


class JudgeSummary(BaseModel):
    model: str
    status: Literal["ok", "partial", "unavailable"]
    steps: dict[str, StepJudgement] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    error: str | None = None
    seal: str | None = Field(
        None, description="HMAC of this verdict and the candidate's turns by the installation that saved it."
    )

    @property
    def dropped(self) -> list[DroppedClaim]:
        return [claim for step in self.steps.values() for claim in step.dropped]

    @property
    def judged(self) -> list[str]:
        """The steps the judge finished (the others keep their deterministic grade)."""
        return [step_id for step_id, step in self.steps.items() if not step.failed]

    def describe(self) -> str:
        """One line for the scorecard: how much of the grade the judge read, e.g. "judge: gpt-x, 3 of 7 steps"."""
        if self.status == "unavailable":
            return f"judge: {self.model}, unavailable"
        return f"judge: {self.model}, {len(self.judged)} of {len(self.steps)} steps"


class Grade(BaseModel):
    case_id: str
    level: Level
    grader: Literal["deterministic", "deterministic+judge"] = "deterministic"
    overall: int = Field(ge=0, le=100)
    hire_signal: HireSignal
    hire_reasons: list[str] = Field(default_factory=list)
    steps: dict[str, StepGrade]
    talking_points: list[TalkingPointResult] = Field(default_factory=list)
    curveballs: list[CurveballResult] = Field(
        default_factory=list, description="Requirement changes introduced during the interview, and the response."
    )
    warnings: list[str] = Field(default_factory=list)
    judge: JudgeSummary | None = Field(None, description="What the LLM judge said, when one was asked.")
    # What the deterministic grader read (`interviewer.grading.deterministic.GradeBasis`), so the judge's claims merge
    # with it; not saved: a grade read from a file is always recomputed from its turns.
    _basis: Any = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # Two grades are equal when they say the same; what was read to make one (`_basis`) is not part of it.
        if not isinstance(other, Grade):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, like any pydantic model

    def public_json(self) -> dict:
        """The stable `grade --json` shape: step ids as keys, item ids in covered / partial / missed."""
        return {
            "case": self.case_id,
            "level": self.level.value,
            "grader": self.grader,
            "overall": self.overall,
            "hire_signal": self.hire_signal.value,
            "hire_reasons": self.hire_reasons,
            "steps": {
                step_id: {
                    "score": step.score,
                    "covered": step.ids(Coverage.COVERED),
                    "partial": step.ids(Coverage.PARTIAL),
                    "missed": step.ids(Coverage.MISSED),
                    # Items above the candidate's level: a bonus when covered, never counted against them.
                    "above_level": [item.id for item in step.items if not item.counted],
                    "red_flags": [flag.model_dump() for flag in step.red_flags],
                    "evidence": {item.id: item.evidence for item in step.items if item.evidence},
                    "graded_by": {item.id: item.graded_by for item in step.items if item.coverage != "missed"},
                    "said_in": {item.id: item.said_in for item in step.items if item.said_in},
                    "prompted": [item.id for item in step.items if item.prompted and item.coverage != "missed"],
                    "corrected": [item.id for item in step.items if item.corrected],
                    "ignored": step.ignored,
                    "restated": step.restated,
                    "seconds": step.seconds,
                    "budget_seconds": step.budget_seconds,
                }
                for step_id, step in self.steps.items()
            },
            "talking_points": {
                "mentioned": [p.id for p in self.talking_points if p.mentioned],
                "evidence": {p.id: p.evidence for p in self.talking_points if p.evidence},
            },
            "curveballs": [ball.model_dump() for ball in self.curveballs],
            "warnings": self.warnings,
            "judge": None
            if self.judge is None
            else {
                "model": self.judge.model,
                "status": self.judge.status,
                "error": self.judge.error,
                "steps_judged": self.judge.judged,
                "steps_asked": list(self.judge.steps),
                "comments": {step_id: step.overall for step_id, step in self.judge.steps.items() if step.overall},
                "dropped": [claim.model_dump() for claim in self.judge.dropped],
                "usage": self.judge.usage.model_dump(),
            },
        }
