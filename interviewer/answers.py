"""Answers files: a whole interview's answers, one text per step, to grade without running an interview.

case: ad-click-prediction
level: senior
answers:
  requirements: "..."
  framing: "..."
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.errors import InterviewerError
from interviewer.framework import STEP_IDS, WRAP_UP, Level
from interviewer.yamlfile import LoadedDocument, format_validation_error

ANSWER_KEYS = (*STEP_IDS, WRAP_UP.id)


class AnswersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str = Field(min_length=1)
    level: Level = Level.SENIOR
    answers: dict[str, str | list[str] | None]

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
