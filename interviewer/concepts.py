"""The shared ML concept vocabulary: concept id -> the phrasings (jargon and plain words) that show the idea.

Case items reference concepts by id (`concepts: [calibration]`) and inherit their phrasings, so every case, including
a user's own, recognises the same idea in other words without repeating the list. The vocabulary ships with the
package (`rubrics/concepts/*.yaml`); it is loaded once and is the same whatever `INTERVIEWER_RUBRICS_DIR` says.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from interviewer.catalog import PACKAGE_DIR
from interviewer.errors import RubricError
from interviewer.yamlfile import format_validation_error, load_document

Phrasing = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ConceptId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]


class Concept(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    means: str = Field(min_length=1, description="The idea, in one line, for authors.")
    phrasings: list[Phrasing] = Field(default_factory=list, description="Signals that show the idea (see README).")


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    concepts: dict[ConceptId, Concept]


def concepts_dir() -> Path:
    checkout = PACKAGE_DIR.parent / "rubrics" / "concepts"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_rubrics" / "concepts"


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Concept]:
    """Every concept from every vocabulary file; an id defined twice is an error naming the second place."""
    merged: dict[str, Concept] = {}
    for path in sorted(concepts_dir().glob("*.yaml")):
        doc = load_document(path)
        try:
            loaded = Vocabulary.model_validate(doc.data)
        except ValidationError as exc:
            raise RubricError(format_validation_error(doc, exc)) from None
        for concept_id, concept in loaded.concepts.items():
            if concept_id in merged:
                raise RubricError([f"{doc.where(('concepts', concept_id))}: concept {concept_id!r} is defined twice"])
            merged[concept_id] = concept
    return merged


def phrasings(concept_ids: list[str]) -> tuple[str, ...]:
    """The phrasings of the given concepts, in order; unknown ids are skipped (the case loader reports them)."""
    known = vocabulary()
    return tuple(p for concept_id in concept_ids if concept_id in known for p in known[concept_id].phrasings)


@lru_cache(maxsize=1)
def concept_words() -> frozenset[str]:
    """Every word of every concept's phrasings: the generic ML vocabulary that fits any case."""
    from interviewer.grading.text import compile_signal

    return frozenset(
        token
        for concept in vocabulary().values()
        for phrase in concept.phrasings
        for part in compile_signal(phrase)
        for token in part
    )
