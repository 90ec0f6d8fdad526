"""A per-user cache of validated case and concepts files, so that a process grading a case need not parse YAML.

A built-in case file is 130-180 KB of YAML: reading it into data costs about 20 ms and validating it 3 ms, and the
shared concepts (`rubrics/concepts/`) about 10 ms more, once in every process that grades, resumes or replays an
interview. Once such a file has loaded cleanly, what it validated to is kept as JSON in the user's cache folder
(`cases/` in `$INTERVIEWER_CACHE_DIR`, or in the platform's user cache folder, e.g. `~/.cache/interviewer/cases` on
Linux), one entry per file. An entry is used only while the file's bytes have the sha256 it records, and the code
that reads such files is the one that wrote it (the source of the modules in `CODE` and the versions of Python,
pydantic and PyYAML), and while its body has the sha256 its header records (an entry edited by hand is refused). The
caller validates an entry again as it reads it (pydantic's JSON validation, about 2 ms for a case), so a damaged entry
can only be refused, never make a case the schema would refuse. Anything wrong with the
cache (no folder, unreadable, unwritable, a full disk) costs only the parse: it is never reported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.catalog import PACKAGE_DIR, resolved_path
from interviewer.errors import InterviewerError
from interviewer.yamlfile import MAX_INPUT_BYTES, read_bytes

Model = TypeVar("Model", bound=BaseModel)

CACHE_DIR_VARIABLE = "INTERVIEWER_CACHE_DIR"
FORMAT = 1
"""Bump when the layout of an entry changes."""

CODE = ("rubric.py", "concepts.py", "framework.py", "yamlfile.py")
"""The modules whose code decides what a case or concepts file becomes: the schemas and their checks, the steps and
levels, and how YAML is read. A change to any of them makes every entry stale."""

MAX_ENTRY_BYTES = 8 * 1024 * 1024
"""A case file is at most 2 MB; its entry is about the size of the file."""


def cache_dir() -> Path:
    """`$INTERVIEWER_CACHE_DIR/cases`, or `cases/` in the platform's user cache folder."""
    override = os.environ.get(CACHE_DIR_VARIABLE)
    if override:
        return Path(override).expanduser() / "cases"
    from platformdirs import user_cache_path

    return user_cache_path("interviewer", appauthor=False) / "cases"


@lru_cache(maxsize=1)
def code_version() -> str | None:
    """A digest of the code that turns a case file into a case; None when its source cannot be read (then nothing
    is cached, as nothing would tell an entry written by other code)."""
    import pydantic
    import pydantic_core
    import yaml

    digest = hashlib.sha256()
    for name in CODE:
        try:
            digest.update((PACKAGE_DIR / name).read_bytes())
        except OSError:
            return None
    libyaml = getattr(yaml, "__with_libyaml__", False)
    digest.update(f"pydantic {pydantic.VERSION} {pydantic_core.__version__} yaml {yaml.__version__} {libyaml}".encode())
    digest.update(f"python {sys.version}".encode())
    return digest.hexdigest()


def _entry(path: Path) -> Path | None:
    try:
        folder = cache_dir()
    except (OSError, RuntimeError):  # no home folder to find the platform's cache folder in
        return None
    name = hashlib.sha256(str(resolved_path(path)).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"{name}.json"


def _header(kind: str, path: Path, digest: str) -> dict[str, Any] | None:
    code = code_version()
    if code is None:
        return None
    return {"format": FORMAT, "kind": kind, "code": code, "sha256": digest, "path": str(resolved_path(path))}


def read(kind: str, path: Path, digest: str) -> bytes | None:
    """The JSON last written for the file at `path` as a `kind` (`case`, `concepts`), if it was written for these
    bytes (`digest`, their sha256) by this code; else None."""
    entry, header = _entry(path), _header(kind, path, digest)
    if entry is None or header is None:
        return None
    try:
        raw = read_bytes(entry, MAX_ENTRY_BYTES)
    except InterviewerError:  # none yet, or not a regular file, or unreadable
        return None
    first, _, body = raw.partition(b"\n")
    # Compared as bytes, never parsed: a damaged header cannot raise, and the body's own digest in it means an edited
    # body is read as a damaged entry (the file is parsed again).
    return body if first == _header_line(header, body) else None


def _header_line(header: dict[str, Any], body: bytes) -> bytes:
    return json.dumps({**header, "body": hashlib.sha256(body).hexdigest()}).encode()


def write(kind: str, path: Path, digest: str, body: bytes) -> None:
    """Keep `body`, the JSON of what the bytes of `path` whose sha256 is `digest` validated to as a `kind`. Written to
    a temporary file and renamed, so a reader sees a whole entry or none, whatever runs at the same time."""
    entry, header = _entry(path), _header(kind, path, digest)
    if entry is None or header is None:
        return
    import tempfile  # only when an entry is written: once per case file and version of it

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_header_line(header, body) + b"\n" + body)
        os.replace(temporary, entry)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(exc, OSError):  # a full disk only loses the entry; Ctrl-C still stops the program
            raise


def load(
    kind: str,
    path: Path,
    model: type[Model],
    parse: Callable[[bytes], Model],
    usable: Callable[[Model], bool] = lambda _: True,
) -> tuple[Model, str]:
    """What the file at `path` validates to, and the sha256 of its bytes: from its entry when one was written for
    these bytes by this code, validated again as `model` and `usable`, else `parse`d from the bytes (which raises with
    file, line and field) and its entry written."""
    raw = read_bytes(path, MAX_INPUT_BYTES)
    digest = hashlib.sha256(raw).hexdigest()
    body = read(kind, path, digest)
    if body is not None:
        try:
            found = model.model_validate_json(body)
        except ValidationError:
            found = None  # a damaged entry: the file is parsed again
        if found is not None and usable(found):
            return found, digest
    parsed = parse(raw)
    write(kind, path, digest, parsed.model_dump_json().encode())
    return parsed, digest
