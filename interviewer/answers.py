"""Answers files: a whole interview's answers, one text per step, to grade without running an interview.

case: ad-click-prediction
level: senior
answers:
  requirements: "..."
  framing: "..."
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.catalog import CASE_ID, MAX_CASE_ID_CHARS
from interviewer.errors import InterviewerError
from interviewer.framework import REPLY_STEP_IDS, STEP_IDS, Level
from interviewer.yamlfile import LoadedDocument, format_validation_error

ANSWER_KEYS = REPLY_STEP_IDS


class AnswersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str = Field(min_length=1)
    level: Level = Level.SENIOR
    label: str | None = Field(None, max_length=40, description="For calibration: what kind of answer this is.")
    answers: dict[str, str | list[str] | None]

    @field_validator("case")
    @classmethod
    def _case_reference(cls, case: str) -> str:
        """A case id, or a case file the author points at; never a path to just any file."""
        if Path(case).suffix in (".yaml", ".yml"):
            return case
        if len(case) > MAX_CASE_ID_CHARS or not CASE_ID.fullmatch(case):
            raise ValueError(
                f"{case[:60]!r}{'...' if len(case) > 60 else ''} is not a case id (up to {MAX_CASE_ID_CHARS} "
                "lowercase letters, digits, '-' and '_') nor a .yaml case file"
            )
        return case

    @field_validator("answers")
    @classmethod
    def _known_steps(cls, answers: dict[str, str | list[str] | None]) -> dict[str, str | list[str] | None]:
        unknown = [key for key in answers if key not in ANSWER_KEYS]
        if unknown:
            raise ValueError(f"unknown step {unknown[0]!r}; steps are {', '.join(ANSWER_KEYS)}")
        return answers

    def by_step(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for key, value in self.answers.items():
            texts = [value] if isinstance(value, str) else list(value or [])
            texts = [text for text in texts if text and text.strip()]
            if texts:
                result[key] = texts
        return result

    def missing_steps(self) -> list[str]:
        present = self.by_step()
        return [step_id for step_id in STEP_IDS if step_id not in present]


def unknown_step_warnings(answers: Mapping[str, Sequence[str]]) -> list[str]:
    """A warning for replies filed under a step that does not exist (a hand-edited transcript): they are left out
    of the grade, and the rest is graded as usual."""
    unknown = [step for step in answers if step not in ANSWER_KEYS]
    if not unknown:
        return []
    count = sum(len(answers[step]) for step in unknown)
    names = ", ".join(repr(step[:40]) for step in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    replies = "reply" if count == 1 else "replies"
    return [f"{count} {replies} under unknown steps ({names}) not graded; steps are {', '.join(ANSWER_KEYS)}"]


def parse_answers(doc: LoadedDocument) -> AnswersFile:
    if not isinstance(doc.data, dict):
        raise InterviewerError(f"{doc.where(())}: expected a mapping with case, level and answers")
    try:
        return AnswersFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = format_validation_error(doc, exc)
        extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InterviewerError(problems[0] + extra) from None


def load_answers(path: Path) -> AnswersFile:
    from interviewer.yamlfile import load_document

    return parse_answers(load_document(path))
