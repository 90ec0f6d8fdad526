"""The seven-step ML system design framework.

The step ids are a public interface: rubric files, transcripts and `grade --json` all use them, so they never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """The seniority the candidate is interviewing for; higher levels are held to more rubric items."""

    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self)


LEVEL_ORDER: tuple[Level, ...] = (Level.MID, Level.SENIOR, Level.STAFF)


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    short: str  # for narrow places such as the sidebar
    about: str
    opening: str
    budget_minutes: float
    weight: float

    @property
    def budget_seconds(self) -> float:
        """The step's time budget, in the unit every clock uses."""
        return self.budget_minutes * 60


STEPS: tuple[Step, ...] = (
    Step(
        id="requirements",
        short="Requirements",
        title="Clarify requirements",
        about="Business goal, users, scale, latency and freshness constraints, what success means.",
        opening="Before designing anything, what would you like to clarify about the problem and its constraints?",
        budget_minutes=5,
        weight=1.0,
    ),
    Step(
        id="framing",
        short="Framing",
        title="Frame it as an ML task",
        about="The ML objective, inputs and outputs, the label, and how the model output drives the product.",
        opening="How would you frame this as a machine learning problem? What exactly does the model predict?",
        budget_minutes=4,
        weight=1.0,
    ),
    Step(
        id="data",
        short="Data",
        title="Data and features",
        about="Data sources, labels and their quality, sampling, features, leakage, privacy.",
        opening="Let's talk about data. What would you train on, where do the labels come from, and which features?",
        budget_minutes=8,
        weight=1.25,
    ),
    Step(
        id="model",
        short="Model",
        title="Model",
        about="Baseline, model choice and architecture, loss, training setup, trade-offs.",
        opening="Which model would you start with, and how would you evolve it? Walk me through training.",
        budget_minutes=8,
        weight=1.25,
    ),
    Step(
        id="evaluation",
        short="Evaluation",
        title="Evaluation",
        about="Offline metrics tied to the goal, validation splits, online experiments, guardrails.",
        opening="How would you evaluate the model, offline and then online?",
        budget_minutes=7,
        weight=1.25,
    ),
    Step(
        id="serving",
        short="Serving",
        title="Serving",
        about="Architecture at inference time, latency budget, feature serving, scaling, fallbacks.",
        opening="How would you serve this in production within the constraints we discussed?",
        budget_minutes=6,
        weight=1.0,
    ),
    Step(
        id="monitoring",
        short="Monitoring",
        title="Monitoring and iteration",
        about="Drift, data quality, model and business metrics, alerting, retraining, feedback loops.",
        opening="Once it's live, how do you know it keeps working? What would you monitor, and how do you iterate?",
        budget_minutes=5,
        weight=1.0,
    ),
)

WRAP_UP = Step(
    id="wrap_up",
    short="Wrap-up",
    title="Wrap-up",
    about="Extra talking points: anything you would add, improve or do next.",
    opening="Before we finish: is there anything you would add, or improve with more time?",
    budget_minutes=2,
    weight=0.0,
)

INTRO = "intro"  # the phase before the first step, when the problem is stated
DONE = "done"  # the phase after the wrap-up
STEP_IDS: tuple[str, ...] = tuple(step.id for step in STEPS)
# The order of the interview, defined here only: the graded steps, then the wrap-up; the candidate replies in each.
REPLY_STEPS: tuple[Step, ...] = (*STEPS, WRAP_UP)
REPLY_STEP_IDS: tuple[str, ...] = tuple(step.id for step in REPLY_STEPS)
PHASES: tuple[str, ...] = (INTRO, *REPLY_STEP_IDS, DONE)
STEP_BY_ID: dict[str, Step] = {step.id: step for step in REPLY_STEPS}
TOTAL_MINUTES: float = sum(step.budget_minutes for step in REPLY_STEPS)


def step(step_id: str) -> Step:
    return STEP_BY_ID[step_id]


def next_step_id(step_id: str) -> str | None:
    """The step after `step_id`: the first step follows the intro, the wrap-up the last step; nothing follows it."""
    order = PHASES[:-1]  # the end is not a step
    index = order.index(step_id)
    return order[index + 1] if index + 1 < len(order) else None


def introduction(title: str, prompt: str) -> str:
    """The offline interviewer's first words: a greeting and the problem as the case states it. Defined here, with
    `start_of`, so the app can draw them from a cheap read of the case file before the interviewer is loaded."""
    return (
        f"Hi, thanks for joining. Today's problem: **{title}**.\n\n{prompt.strip()}\n\n"
        "We'll go through it step by step. Ask me anything you need to clarify; I'll answer from what we know."
    )


def start_of(step: Step) -> str:
    """How the first step is introduced, before its opening question. Step titles are imperatives ("Frame it as an
    ML task") or nouns ("Serving"): they are named, not put inside a sentence ("Let's start with Clarify requirements"
    read wrong)."""
    return f"First step: **{step.title}**. "


def mmss(seconds: float | None) -> str:
    """A duration as m:ss, or -:-- when unknown."""
    if seconds is None:
        return "-:--"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
