"""Transcripts: every turn of an interview, saved atomically after each one so a crash never loses a turn."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError

from interviewer.errors import TranscriptError
from interviewer.framework import Level
from interviewer.grading.models import Grade
from interviewer.usage import Usage
from interviewer.yamlfile import LoadedDocument, format_validation_error, parse_json, read_text

SCHEMA_VERSION = 1


def now() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    SYSTEM = "system"


class TurnKind(StrEnum):
    INTRO = "intro"  # the problem statement
    OPENING = "opening"  # first question of a step
    FOLLOW_UP = "follow_up"  # targets a rubric item not covered yet
    CLARIFICATION = "clarification"  # answer to a candidate's question, from the fact sheet
    PROMPT = "prompt"  # a nudge to go on within the step
    CLOSING = "closing"  # end of the interview
    REPLY = "reply"  # candidate text
    NOTICE = "notice"  # system: step moved on, time budget passed, etc.


class Turn(BaseModel):
    step: str
    role: Role
    text: str
    at: datetime = Field(default_factory=now)
    kind: TurnKind = TurnKind.REPLY
    item_id: str | None = Field(None, description="The rubric item a follow-up targeted.")
    usage: Usage | None = Field(None, description="Tokens (and cost) the model used for this turn.")
    fallback: bool = Field(False, description="The model failed; the offline interviewer's words were used.")


class Transcript(BaseModel):
    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    case_id: str
    case_title: str
    case_source: str | None = Field(None, description="Path of the case file when it is not a built-in case.")
    level: Level
    model: str = "stub"
    started_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    phase: str = "intro"
    step_seconds: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(default_factory=dict)
    ended_early: bool = False
    model_failures: int = Field(0, description="Turns the offline interviewer answered because the model could not.")
    usage: Usage = Field(default_factory=Usage, description="Tokens and cost of the interviewer, all turns.")
    turns: list[Turn] = Field(default_factory=list)
    grade: Grade | None = None

    @property
    def finished(self) -> bool:
        return self.phase == "done"

    def candidate_answers(self) -> dict[str, list[str]]:
        """The candidate's replies grouped by step id."""
        answers: dict[str, list[str]] = {}
        for turn in self.turns:
            if turn.role is Role.CANDIDATE:
                answers.setdefault(turn.step, []).append(turn.text)
        return answers


def default_path(directory: Path, case_id: str, started: datetime) -> Path:
    return directory / f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{case_id}.json"


def save(transcript: Transcript, path: Path, durable: bool = True) -> None:
    """Write atomically: a temp file in the same folder, renamed over the old one, so a reader (or a process killed
    mid-write) only ever sees a whole transcript. `durable` also forces the data to disk before the rename; without
    it the caller is expected to `sync` soon (see `BackgroundSync`)."""
    transcript.updated_at = now()
    payload = transcript.model_dump_json(indent=2, exclude_none=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def sync(path: Path) -> None:
    """Force a saved file's data to disk (against power loss; a killed process loses nothing anyway)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BackgroundSync:
    """Runs `sync` for saved files on one daemon thread, so a turn does not wait for the disk.

    Each save is already atomic and visible to other processes when `save` returns; this only hurries it to disk.
    Requests for the same file while one is pending are merged.
    """

    def __init__(self) -> None:
        self._pending: set[Path] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def request(self, path: Path) -> None:
        with self._lock:
            self._pending.add(path)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="transcript-sync", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                paths, self._pending = self._pending, set()
                self._wake.clear()
            for path in paths:
                sync(path)


def load(path: Path) -> Transcript:
    """Read a transcript, refusing files from an unknown schema version with one clear line."""
    text = read_text(path)
    data = parse_json(text, path, error=TranscriptError, label="not a transcript: invalid JSON")
    if not isinstance(data, dict) or "turns" not in data:
        raise TranscriptError(f"{path}: not an interviewer transcript (no turns)")
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:  # `true` and `1.0` equal 1 in Python
        raise TranscriptError(
            f"{path}: unknown transcript schema_version {version!r}; this version of interviewer reads {SCHEMA_VERSION}"
        )
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        problems = format_validation_error(LoadedDocument(path, data, {}), exc)
        extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TranscriptError(f"{problems[0]}{extra}") from None


SYNCER = BackgroundSync()  # one flushing thread for the whole process, started on first use
