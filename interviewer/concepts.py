"""The shared ML concept vocabulary: concept id -> the phrasings (jargon and plain words) that show the idea.

Case items reference concepts by id (`concepts: [calibration]`) and inherit their phrasings, so every case, including
a user's own, recognises the same idea in other words without repeating the list. The vocabulary ships with the
package (`rubrics/concepts/*.yaml`) and is the same whatever `INTERVIEWER_RUBRICS_DIR` says; a folder of the user's
own cases (the config folder, `--rubrics DIR`) may add concepts in its own `concepts/*.yaml`. A concept id defined
twice is an error naming both files.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from interviewer import casecache
from interviewer.catalog import PACKAGE_DIR, case_folders
from interviewer.errors import RubricError
from interviewer.yamlfile import format_validation_error, load_document

CACHE_KIND = "concepts"

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


def concept_files() -> tuple[Path, ...]:
    """The shipped vocabulary files, then those of each folder of the user's own cases."""
    shipped = concepts_dir()
    files = sorted(shipped.glob("*.yaml"))
    for folder in case_folders():
        own = folder.path / "concepts"
        if own.is_dir() and own.resolve() != shipped.resolve():
            files += sorted(own.glob("*.yaml"))
    return tuple(files)


def vocabulary() -> dict[str, Concept]:
    """Every concept from every vocabulary file; an id defined twice is an error naming both files."""
    return _vocabulary(concept_files())


@lru_cache(maxsize=8)
def _vocabulary(files: tuple[Path, ...]) -> dict[str, Concept]:
    merged: dict[str, Concept] = {}
    defined_in: dict[str, Path] = {}
    for path in files:
        loaded = _load_file(path)
        for concept_id, concept in loaded.concepts.items():
            if concept_id in merged:
                where = load_document(path).where(("concepts", concept_id))
                raise RubricError(
                    [f"{where}: concept {concept_id!r} is defined twice: here and in {defined_in[concept_id]}"]
                )
            merged[concept_id] = concept
            defined_in[concept_id] = path
    return merged


def _load_file(path: Path) -> Vocabulary:
    """One vocabulary file, validated; from the cache of validated files (`interviewer.casecache`) while its bytes
    are unchanged, since every process that grades reads the shipped one (about 10 ms of YAML)."""
    return casecache.load(CACHE_KIND, path, Vocabulary, parse=lambda raw: _parse(path, raw))[0]


def _parse(path: Path, raw: bytes) -> Vocabulary:
    doc = load_document(path, raw)
    try:
        return Vocabulary.model_validate(doc.data)
    except ValidationError as exc:
        raise RubricError(format_validation_error(doc, exc)) from None


@lru_cache(maxsize=1)
def shipped_vocabulary() -> dict[str, Concept]:
    """The concepts that ship with the package, without any user folder's."""
    return _vocabulary(tuple(sorted(concepts_dir().glob("*.yaml"))))


def vocabulary_for(concept_ids: Iterable[str]) -> dict[str, Concept]:
    """The vocabulary that defines these ids: the shipped one when it has them all, so a case that uses only shipped
    concepts (every built-in case) never reads, or fails on, a user folder's concept files."""
    shipped = shipped_vocabulary()
    return shipped if all(concept_id in shipped for concept_id in concept_ids) else vocabulary()


def phrasings(concept_ids: list[str]) -> tuple[str, ...]:
    """The phrasings of the given concepts, in order; unknown ids are skipped (the case loader reports them)."""
    known = vocabulary_for(concept_ids)
    return tuple(p for concept_id in concept_ids if concept_id in known for p in known[concept_id].phrasings)
