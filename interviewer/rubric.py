"""Case files: the problem, the fact sheet and the per-step rubric, validated on load.

A case lives in one YAML file, `rubrics/<id>.yaml`. See `rubrics/README.md` for the format.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from interviewer import casecache
from interviewer.catalog import available_case_ids, case_files, case_path, rubrics_dir
from interviewer.concepts import vocabulary_for
from interviewer.errors import RubricError

__all__ = ["Case", "available_case_ids", "case_files", "load_case", "load_case_file", "parse_case", "rubrics_dir"]
from interviewer.framework import STEP_IDS, Level
from interviewer.yamlfile import (
    LoadedDocument,
    Location,
    format_validation_error,
    load_document,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Signal = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

_HAS_WORD = re.compile(r"[A-Za-z0-9]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_signals(signals: list[str]) -> list[str]:
    for signal in signals:
        for part in signal.split("&"):
            if not _HAS_WORD.search(part):
                raise ValueError(f"signal {signal!r} has a part with no words")
    return signals


class RubricItem(_Strict):
    """One thing a strong answer covers in a step."""

    id: Slug
    covers: Text = Field(description="What a strong answer covers; shown in the scorecard, never said aloud.")
    weight: float = Field(gt=0, le=10)
    signals: list[Signal] = Field(min_length=1, description="Phrasings that show the item was covered.")
    follow_up: Text = Field(description="The question the interviewer asks when the item is missing.")
    level: Level = Field(Level.MID, description="The lowest level expected to cover this item.")
    concepts: list[Slug] = Field(
        default_factory=list, description="Shared concepts (rubrics/concepts/) whose phrasings also show the item."
    )
    opposite: list[Signal] = Field(
        default_factory=list,
        description="Phrasings of the wrong decision this item guards against; endorsing one is a recorded mistake.",
    )

    _signals_have_words = field_validator("signals", "opposite")(_check_signals)

    @field_validator("follow_up")
    @classmethod
    def _is_a_question(cls, value: str) -> str:
        if not value.endswith("?"):
            raise ValueError("a follow-up must be a question ending with '?'")
        return value


class RedFlag(_Strict):
    """A statement that costs points when said (and not negated), like accuracy as the metric at a 1% positive rate."""

    id: Slug
    description: Text
    signals: list[Signal] = Field(min_length=1)
    penalty: float = Field(10, gt=0, le=50, description="Points taken off the step score.")
    challenge: Text | None = Field(
        None,
        description="The interviewer's pushback when a candidate endorses it: a stress test or a 'why not' question "
        "grounded in the fact sheet, that never names the right answer. Must end with '?'.",
    )
    concepts: list[Slug] = Field(default_factory=list, description="Shared concepts whose phrasings also raise it.")

    _signals_have_words = field_validator("signals")(_check_signals)

    @field_validator("challenge")
    @classmethod
    def _challenge_is_a_question(cls, value: str | None) -> str | None:
        if value is not None and not value.endswith("?"):
            raise ValueError("a challenge must be a question ending with '?'")
        return value


class StepRubric(_Strict):
    opening: Text | None = Field(None, description="Overrides the framework's opening question for this case.")
    items: list[RubricItem] = Field(min_length=1)
    red_flags: list[RedFlag] = Field(default_factory=list)


class Steps(_Strict):
    requirements: StepRubric
    framing: StepRubric
    data: StepRubric
    model: StepRubric
    evaluation: StepRubric
    serving: StepRubric
    monitoring: StepRubric

    def __getitem__(self, step_id: str) -> StepRubric:
        if step_id not in STEP_IDS:
            raise KeyError(step_id)
        return getattr(self, step_id)

    def items(self) -> Iterator[tuple[str, StepRubric]]:
        for step_id in STEP_IDS:
            yield step_id, getattr(self, step_id)


class Fact(_Strict):
    """One thing the interviewer may tell the candidate when asked; it never states requirements beyond these."""

    topic: Text
    keywords: list[Signal] = Field(min_length=1, description="Words in a question that this fact answers.")
    answer: Text

    _keywords_have_words = field_validator("keywords")(_check_signals)


class TalkingPoint(_Strict):
    id: Slug
    covers: Text
    signals: list[Signal] = Field(min_length=1)

    _signals_have_words = field_validator("signals")(_check_signals)


class Curveball(_Strict):
    """A change to the requirements, grounded in the fact sheet, that the interviewer brings in during a step."""

    id: Slug
    step: str = Field(description="The step in which it is introduced, after the candidate's first answer there.")
    levels: list[Level] = Field(
        default_factory=lambda: [Level.SENIOR, Level.STAFF], description="The levels that get it."
    )
    says: Text = Field(description="What the interviewer says: the change, in numbers, and a question.")
    targets: list[Slug] = Field(
        min_length=1, description="Items (any step) whose coverage after the change shows the design adapted."
    )


class Case(_Strict):
    id: Slug
    title: Text
    summary: Text = Field(max_length=160, description="One line for the case picker.")
    prompt: Text = Field(description="The problem as the interviewer states it.")
    facts: list[Fact] = Field(min_length=1)
    steps: Steps
    talking_points: list[TalkingPoint] = Field(default_factory=list)
    curveballs: list[Curveball] = Field(default_factory=list)

    def item(self, step_id: str, item_id: str) -> RubricItem:
        for item in self.steps[step_id].items:
            if item.id == item_id:
                return item
        raise KeyError(f"{step_id}.{item_id}")


# ---------------------------------------------------------------------------------------------------------------------
# Finding and loading case files


def _semantic_problems(case: Case, path: Path) -> list[tuple[Location, str]]:
    """Rules the schema alone cannot express. Each problem is (location, message)."""
    problems: list[tuple[Location, str]] = []
    used = [
        concept
        for _, rubric in case.steps.items()
        for concepts in (*(item.concepts for item in rubric.items), *(flag.concepts for flag in rubric.red_flags))
        for concept in concepts
    ]
    known_concepts = vocabulary_for(used)
    for step_id, rubric in case.steps.items():
        groups: tuple[tuple[str, Sequence[RubricItem | RedFlag]], ...] = (
            ("items", rubric.items),
            ("red_flags", rubric.red_flags),
        )
        for kind, entries in groups:
            for index, entry in enumerate(entries):
                for number, concept in enumerate(entry.concepts):
                    if concept not in known_concepts:
                        loc: Location = ("steps", step_id, kind, index, "concepts", number)
                        problems.append((loc, f"unknown concept {concept!r}; see rubrics/concepts/"))
    if path.stem != case.id:
        problems.append((("id",), f"the id {case.id!r} must match the file name {path.stem!r}"))
    seen: dict[str, str] = {}
    for step_id, rubric in case.steps.items():
        for index, item in enumerate(rubric.items):
            loc = ("steps", step_id, "items", index, "id")
            if item.id in seen:
                problems.append((loc, f"item id {item.id!r} is already used in step {seen[item.id]!r}"))
            seen[item.id] = step_id
        flag_ids: set[str] = set()
        for index, flag in enumerate(rubric.red_flags):
            if flag.id in flag_ids:
                problems.append((("steps", step_id, "red_flags", index, "id"), f"duplicate red flag id {flag.id!r}"))
            flag_ids.add(flag.id)
    for index, ball in enumerate(case.curveballs):
        if ball.step not in STEP_IDS:
            problems.append(
                (("curveballs", index, "step"), f"unknown step {ball.step!r}; steps are {', '.join(STEP_IDS)}")
            )
        for number, target in enumerate(ball.targets):
            if target not in seen:
                problems.append((("curveballs", index, "targets", number), f"unknown item {target!r}"))
        if not ball.says.rstrip().endswith("?"):
            problems.append((("curveballs", index, "says"), "a curveball must end with a question"))
    if len({ball.id for ball in case.curveballs}) != len(case.curveballs):
        problems.append((("curveballs",), "duplicate curveball id"))
    point_ids: set[str] = set()
    for index, point in enumerate(case.talking_points):
        if point.id in point_ids:
            problems.append((("talking_points", index, "id"), f"duplicate talking point id {point.id!r}"))
        point_ids.add(point.id)
    return problems


def case_warnings(case: Case, doc: LoadedDocument) -> list[str]:
    """Advice for case authors that does not stop a case from loading."""
    warnings = []
    for step_id, rubric in case.steps.items():
        count = len(rubric.items)
        if not 6 <= count <= 12:
            where = doc.where(("steps", step_id, "items"))
            items = f"{count} item{'s' * (count != 1)}"
            warnings.append(f"{where}: steps.{step_id}.items: {items}; 6 to 12 give a fair grade")
    if not case.talking_points:
        warnings.append(f"{doc.where(())}: talking_points: none, so the wrap-up has nothing to compare with")
    return warnings


def parse_case(doc: LoadedDocument) -> Case:
    """Validate a loaded document as a case; every problem found is reported at once."""
    if not isinstance(doc.data, dict):
        raise RubricError([f"{doc.where(())}: expected a mapping of case fields at the top level"])
    try:
        case = Case.model_validate(doc.data)
    except ValidationError as exc:
        raise RubricError(format_validation_error(doc, exc)) from None
    problems = _semantic_problems(case, doc.path)
    if problems:
        raise RubricError([f"{doc.where(loc)}: {'.'.join(map(str, loc))}: {msg}" for loc, msg in problems])
    return case


CACHE_KIND = "case"
_DIGESTS: dict[int, tuple[weakref.ref[Case], str]] = {}


def source_digest(case: Case) -> str | None:
    """The sha256 of the file bytes `case` was loaded from by `load_case_file`; None for a case made otherwise."""
    hit = _DIGESTS.get(id(case))
    return hit[1] if hit is not None and hit[0]() is case else None


def load_case_file(path: Path) -> Case:
    """The case in a case file: validated as it was last time when its bytes have not changed since (see
    `interviewer.casecache`), else parsed and validated, every problem reported with its file, line and field."""
    # A cached case whose shared concept was removed since is parsed again, so the parse reports it with its line.
    case, digest = casecache.load(
        CACHE_KIND,
        path,
        Case,
        parse=lambda raw: parse_case(load_document(path, raw)),
        usable=lambda case: not _semantic_problems(case, path),
    )
    # Kept while the case lives, so a long session keeps no dead cases; not cleared by count, which forgot the
    # digest of a case still in use (a test that had loaded 64 cases before found its case's digest gone).
    _DIGESTS[id(case)] = (weakref.ref(case), digest)
    weakref.finalize(case, _DIGESTS.pop, id(case), None)
    return case


def load_case(id_or_path: str) -> Case:
    """Load a case by id (from the rubrics directory) or by the path of a YAML file."""
    return load_case_file(case_path(id_or_path))
