"""Writing a scorecard export without ever destroying data.

A transcript (or a store journal) is never overwritten, whatever the flags: it is recognised as the very file the
export comes from, or by its content. Any other existing file is only replaced when the caller says so (`--force`,
or a yes in the app). The write itself is atomic: a temp file in the same folder, renamed over the target, so a
failure leaves the old file whole and no temp file behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from interviewer.errors import InterviewerError

_HEAD_BYTES = 65536
# Keys only a transcript (whole JSON) or a journal line of one carries; a scorecard export never starts with `{`
# holding them (the JSON export has "case" and "overall", not these).
_TRANSCRIPT_KEYS = ('"schema_version"', '"turns"', '"case_id"', '"case_title"')


class ExportRefused(InterviewerError):
    """The export would destroy a transcript, or replace a file the user did not agree to replace."""


def same_file(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def looks_like_transcript(path: Path) -> bool:
    """Whether an existing file holds a transcript or a journal of one (judged from its first bytes)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    stripped = head.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return False
    if any(key in head for key in _TRANSCRIPT_KEYS):
        return True
    return '"role"' in head and '"step"' in head  # a journal of turns, one JSON object per line


def check_target(target: Path, source: Path | None, force: bool) -> bool:
    """Raise `ExportRefused` when writing `target` is not allowed; True when it exists (and may be replaced)."""
    try:
        info = target.stat()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ExportRefused(f"cannot write {target}: {exc.strerror or exc}") from None
    if same_file(target, source):
        raise ExportRefused(f"{target} is the transcript being exported; choose another --out")
    if not stat.S_ISREG(info.st_mode):
        raise ExportRefused(f"{target} is not a regular file; choose another --out")
    if looks_like_transcript(target):
        raise ExportRefused(f"{target} holds a transcript; an export never overwrites one, choose another --out")
    if not force:
        raise ExportRefused(f"{target} already exists; add --force to overwrite it")
    return True


def write_atomically(target: Path, text: str) -> None:
    """Replace `target` with `text` in one rename; on any failure the old file is intact and no temp file is left."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise InterviewerError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)


def export_to(target: Path, text: str, source: Path | None, force: bool = False) -> None:
    """Check the target (see `check_target`), then write it atomically."""
    check_target(target, source, force)
    write_atomically(target, text)
