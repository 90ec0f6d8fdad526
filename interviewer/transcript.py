"""Transcripts: the model, and the two forms it is kept in on disk.

A finished (or cleanly closed) interview is one plain JSON document, the format people share. While an interview runs
its file is a journal instead: a header line, then one JSON line per committed change (the new turns and the small
state that changed), so saving a turn costs the same at turn 10 and at turn 10,000. `load` reads both forms and
returns the same `Transcript`; `interviewer.store` writes the journal and compacts it back into plain JSON.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, Field, ValidationError

from interviewer.errors import InterviewerError, SaveError, TranscriptError
from interviewer.framework import Level
from interviewer.grading.models import Grade
from interviewer.usage import Usage
from interviewer.yamlfile import (
    MAX_TRANSCRIPT_BYTES,
    LoadedDocument,
    decode_text,
    format_validation_error,
    parse_json,
    read_bytes,
)

SCHEMA_VERSION: Final = 1


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
    CURVEBALL = "curveball"  # a change to the requirements (item_id: the case's curveball id)
    PUSHBACK = "pushback"  # challenges a decision the candidate just made (item_id: the red flag or mistake)


class Turn(BaseModel):
    step: str
    role: Role
    text: str
    at: datetime = Field(default_factory=now)
    kind: TurnKind = TurnKind.REPLY
    item_id: str | None = Field(None, description="The rubric item a follow-up targeted.")
    usage: Usage | None = Field(None, description="Tokens (and cost) the model used for this turn.")
    fallback: bool = Field(False, description="The model failed; the offline interviewer's words were used.")
    intent: str | None = Field(
        None,
        description="On a candidate's turn, what it asked of the interviewer when it was not an answer (repeat, "
        "meaning, hint, dont_know, time, thinking, small_talk, move_on); on the interviewer's, the intent it answers.",
    )


class DrillSpec(BaseModel):
    """What makes a transcript a drill: one step of the case, and the rubric items its follow-ups aim at first (the
    candidate's due practice cards). The items are never shown before the attempt."""

    step: str
    items: list[str] = Field(default_factory=list)


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
    drill: DrillSpec | None = Field(None, description="Set on a drill (one step); None for a whole interview.")
    draft: str | None = Field(
        None, description="What the candidate had typed and not sent when they left; back in the answer box on resume."
    )

    @property
    def finished(self) -> bool:
        return self.phase == "done"

    def model_spoke(self) -> tuple[int, int]:
        """How many interviewer turns a model phrased, of all the interviewer's turns (the rest were the offline
        interviewer's words: a stub interview, the problem statement, or a model that failed or was benched)."""
        said = [turn for turn in self.turns if turn.role is Role.INTERVIEWER]
        return sum(1 for turn in said if turn.usage is not None and not turn.fallback), len(said)

    def candidate_answers(self) -> dict[str, list[str]]:
        """The candidate's replies grouped by step id."""
        answers: dict[str, list[str]] = {}
        for turn in self.turns:
            if turn.role is Role.CANDIDATE:
                answers.setdefault(turn.step, []).append(turn.text)
        return answers


def default_path(directory: Path, case_id: str, started: datetime) -> Path:
    """`YYYYmmdd-HHMMSS-case.json`, or with `-2`, `-3`... when a run started in the same second has that name (the
    store then creates the file, and refuses a name taken in between: the caller asks again)."""
    stem = f"{started.astimezone().strftime('%Y%m%d-%H%M%S')}-{case_id}"
    path = directory / f"{stem}.json"
    number = 1
    while os.path.lexists(path):
        number += 1
        path = directory / f"{stem}-{number}.json"
    return path


def save(transcript: Transcript, path: Path, durable: bool = True) -> None:
    """Write the whole transcript as plain JSON, atomically: a temp file in the same folder, renamed over the old one,
    so a reader (or a process killed mid-write) only ever sees a whole transcript, and no temp file is left behind.
    `durable` also forces the data to disk before the rename; without it the caller is expected to `sync` soon (see
    `BackgroundSync`). A failure raises `SaveError` and leaves the previous file as it was."""
    transcript.updated_at = now()
    write_atomic(path, plain_text(transcript).encode("utf-8"), durable=durable)


def plain_text(transcript: Transcript) -> str:
    return transcript.model_dump_json(indent=2, exclude_none=False)


def write_atomic(
    path: Path,
    data: bytes,
    durable: bool = True,
    lock: Callable[[int], object] | None = None,  # what it returns is not used
    replace: bool = True,
) -> int:
    """Replace `path` with `data` through a temp file in the same folder; no temp file survives a failure.

    With `lock`, it is called with the temp file's descriptor before the rename and the descriptor is returned open
    (it is then the file at `path`): `interviewer.store` locks the new file before it appears, so its lock on the
    transcript never lapses. Without it the descriptor is closed and -1 returned. With `replace=False` an existing
    `path` is never replaced, even one created a moment ago by another process: `FileExistsError`."""
    fd, tmp_name = -1, ""
    try:
        _make_folder(path)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        write_all(fd, data, 0)
        if durable:
            os.fsync(fd)
        if lock is not None:
            lock(fd)
        else:
            os.close(fd)
            fd = -1
        if replace:
            os.replace(tmp_name, path)
        else:
            _link_new(tmp_name, path)
        return fd
    except FileExistsError:
        if fd >= 0:
            os.close(fd)
        Path(tmp_name).unlink(missing_ok=True)
        raise
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError | ValueError):
            raise save_error(path, exc) from exc
        raise


def _link_new(tmp_name: str, path: Path) -> None:
    """Give the temp file its final name only if that name is free (a hard link fails on an existing name, where a
    rename would replace it), then drop the temp name."""
    try:
        os.link(tmp_name, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: the check and the rename are as close as it gets
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.replace(tmp_name, path)
        return
    os.unlink(tmp_name)


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise SaveError(f"{path}: could not save the transcript ({blocker} is a file, not a folder)") from None


def write_all(fd: int, data: bytes, offset: int) -> None:
    """Write all of `data` at `offset` (a short write is continued, an error raised)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset) if hasattr(os, "pwrite") else _seek_write(fd, view, offset)
        view, offset = view[written:], offset + written


def _seek_write(fd: int, data: memoryview, offset: int) -> int:  # pragma: no cover - platforms without pwrite
    os.lseek(fd, offset, os.SEEK_SET)
    return os.write(fd, data)


def save_error(path: Path, exc: BaseException) -> SaveError:
    """One line naming the file and the reason, for any failure to write it."""
    if isinstance(exc, SaveError):
        return exc
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    if isinstance(exc, UnicodeError):
        reason = "the text cannot be stored as UTF-8"
    return SaveError(f"{path}: could not save the transcript ({reason})")


def sync(path: Path) -> None:
    """Force a saved file's data to disk (against power loss; a killed process loses nothing anyway)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # nothing to do about it here; the data is still in the page cache and visible to every reader
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


# -- the journal --------------------------------------------------------------------------------------------------
#
# Line 1: {"interviewer_journal": 1, "schema_version": 1, "transcript": {the fixed fields}}
# Then one line per committed change: {"n": turns saved before it, "turns": [the new turns], "phase": ..., ...}
# with the state fields below (and "grade" once there is one). `n` makes every line checkable: a line that does not
# continue exactly where the previous one ended is refused, so no turn can be read twice.

JOURNAL_VERSION = 1
JOURNAL_MAGIC = b'{"interviewer_journal":'
FIXED_FIELDS = ("id", "case_id", "case_title", "case_source", "level", "model", "started_at", "drill")
STATE_FIELDS = ("phase", "step_seconds", "ended_early", "model_failures", "usage", "updated_at", "draft")


def _line(record: dict) -> bytes:
    # ensure_ascii=False keeps the file small and readable; json escapes newlines inside strings, so every record is
    # exactly one line. (Readers split on b"\n" only: U+2028 and friends may appear raw inside a line.)
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def journal_header(transcript: Transcript) -> bytes:
    fixed = transcript.model_dump(mode="json", include=set(FIXED_FIELDS))
    return _line({"interviewer_journal": JOURNAL_VERSION, "schema_version": SCHEMA_VERSION, "transcript": fixed})


def journal_state(transcript: Transcript) -> dict:
    """The small state a journal line carries (the grade only once there is one)."""
    state = transcript.model_dump(mode="json", include=set(STATE_FIELDS))
    if transcript.grade is not None:
        state["grade"] = transcript.grade.model_dump(mode="json")
    return state


def journal_record(transcript: Transcript, first: int, written: dict | None = None) -> tuple[bytes, dict]:
    """One line: the turns from index `first` on, and what changed in the state since `written` (the state the
    journal already holds; everything when None). Returns the line and the state it leaves in the journal."""
    transcript.updated_at = now()
    state = journal_state(transcript)
    turns = [turn.model_dump(mode="json", exclude_none=True) for turn in transcript.turns[first:]]
    record: dict = {"n": first, "turns": turns}
    record.update((key, value) for key, value in state.items() if written is None or written.get(key) != value)
    return _line(record), state


def journal_text(transcript: Transcript) -> tuple[bytes, dict]:
    """A whole journal for a transcript: the header and one line with every turn so far; and the state it holds."""
    line, state = journal_record(transcript, 0)
    return journal_header(transcript) + line, state


# -- reading ------------------------------------------------------------------------------------------------------


class Loaded:
    """What `read` found: the transcript, its form, and for a journal where its last whole line ends."""

    def __init__(self, transcript: Transcript, journal: bool, good_bytes: int, torn: bool):
        self.transcript = transcript
        self.journal = journal
        self.good_bytes = good_bytes  # a writer continuing the journal truncates the file here first
        self.torn = torn


def load(path: Path, on_warning: Callable[[str], None] | None = None) -> Transcript:
    """Read a transcript, plain JSON or journal, refusing files from an unknown schema version with one clear line.

    A journal whose last line is incomplete (the process stopped while writing it: that change was never
    acknowledged) loads without it; `on_warning` hears about it (by default one line on stderr)."""
    return read(path, on_warning).transcript


def read(path: Path, on_warning: Callable[[str], None] | None = None) -> Loaded:
    raw = read_bytes(path, MAX_TRANSCRIPT_BYTES)  # regular files only (never blocks on a FIFO), size-limited
    if raw.startswith(JOURNAL_MAGIC):
        return _read_journal(path, raw, on_warning or warn)
    text = decode_text(raw, path)
    data = parse_json(text, path, error=TranscriptError, label="not a transcript: invalid JSON")
    if not isinstance(data, dict) or "turns" not in data:
        raise TranscriptError(f"{path}: not an interviewer transcript (no turns)")
    _check_version(path, data.get("schema_version"))
    return Loaded(_validate(path, data), journal=False, good_bytes=len(text.encode("utf-8")), torn=False)


def _check_version(path: Path, version: object) -> None:
    # `True == 1` in Python: only the integer 1 is version 1.
    if type(version) is not int or version != SCHEMA_VERSION:
        raise TranscriptError(
            f"{path}: unknown transcript schema_version {version!r}; this version of interviewer reads {SCHEMA_VERSION}"
        )


def _validate(path: Path, data: dict) -> Transcript:
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        problems = format_validation_error(LoadedDocument(path, data, {}), exc)
        extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TranscriptError(f"{problems[0]}{extra}") from None


def _read_journal(path: Path, raw: bytes, on_warning: Callable[[str], None]) -> Loaded:
    lines = raw.split(b"\n")
    tail = lines.pop()  # what follows the last newline: b"" in a whole journal, else a line cut short
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    header = _record(path, lines[0], header=True) if lines else None
    if not isinstance(header, dict) or not isinstance(header.get("transcript"), dict):
        raise TranscriptError(f"{path}:1: not a transcript: invalid journal header")
    _check_version(path, header.get("schema_version"))
    if header.get("interviewer_journal") != JOURNAL_VERSION:
        raise TranscriptError(f"{path}: unknown journal version {header.get('interviewer_journal')!r}")
    data: dict = {**header["transcript"], "schema_version": header["schema_version"]}
    turns: list = []
    good, torn, torn_line = len(raw) - len(tail), bool(tail), len(lines) + 1
    last = max((i for i, line in enumerate(lines) if line.strip()), default=0)
    for index in range(1, last + 1):
        if not lines[index].strip():
            continue
        record = _record(path, lines[index])
        if not isinstance(record, dict):  # what is wrong with the line (never None: not the header)
            if index == last and not tail.strip():  # garbage after the last whole change: never acknowledged
                good, torn, torn_line = offsets[index], True, index + 1
                break
            raise TranscriptError(f"{path}:{index + 1}: not a transcript: {record}")
        if record.get("n") != len(turns):  # a whole line in the wrong place: never read a turn twice
            raise TranscriptError(
                f"{path}:{index + 1}: not a transcript: journal line continues at turn {record.get('n')!r}, "
                f"expected {len(turns)}"
            )
        turns.extend(record["turns"])
        data.update({key: value for key, value in record.items() if key not in ("n", "turns")})
    if torn:
        on_warning(
            f"{path}:{torn_line}: the last line of the journal is incomplete (the interview stopped while saving it); "
            "that change was never acknowledged and is ignored"
        )
    data["turns"] = turns
    return Loaded(_validate(path, data), journal=True, good_bytes=good, torn=torn)


class _LineRefused(InterviewerError):
    pass


def _record(path: Path, line: bytes, header: bool = False) -> dict | str | None:
    """A journal line as a dict, or what is wrong with it (the header: a dict, or None).

    Parsed as strictly as any file we read (no duplicate keys, NaN or deep nesting, which would otherwise end in a
    RecursionError)."""
    try:
        text = line.decode("utf-8")  # a multi-byte character cut in two: the line was torn
        record = parse_json(text, path, error=_LineRefused, label="invalid JSON in the journal")
    except UnicodeDecodeError:
        return None if header else "invalid JSON in the journal (not UTF-8)"
    except _LineRefused as exc:
        return None if header else str(exc)[len(str(path)) :].split(": ", 1)[1]
    if header:
        return record if isinstance(record, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("turns"), list):
        return "invalid journal line (no turns)"
    return record


_warned: set[str] = set()


def warn(message: str) -> None:
    """A warning about a file, once per process (a command may read the same file twice)."""
    if message in _warned:
        return
    _warned.add(message)
    from interviewer.terminal import printable

    print(f"interviewer: warning: {printable(message)}", file=sys.stderr)


SYNCER = BackgroundSync()  # one flushing thread for the whole process, started on first use


def where_saved(path: Path) -> str:
    """Where a transcript is and the command that goes on from it, its path quoted for the shell: `resume` while it is
    unfinished, `replay` once finished. A transcript that cannot be read counts as unfinished (this reports, and
    must not fail)."""
    import shlex

    try:
        saved = load(path)
        finished, draft = saved.finished, bool(saved.draft)
    except Exception:
        finished, draft = False, False
    quoted = shlex.quote(str(path))
    if finished:
        return f"the transcript is saved in {path}; see it with `interviewer replay {quoted}`"
    if draft:
        return (
            f"every turn is saved in {path}, and the answer you had not sent; continue with "
            f"`interviewer resume {quoted}`"
        )
    return f"every turn is saved in {path}; continue with `interviewer resume {quoted}`"
