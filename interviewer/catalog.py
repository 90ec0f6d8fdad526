"""Finding case files, and a cheap look at a case's title without parsing or validating it.

Kept free of YAML and pydantic so the app can paint its first frame before the case is really loaded.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from interviewer.errors import UnknownCaseError

PACKAGE_DIR = Path(__file__).resolve().parent
CASE_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
"""What a case id looks like; the same rule the case schema applies to its `id`."""
MAX_CASE_ID_CHARS = 80
_TOP_LEVEL = re.compile(r"^(id|title|summary):[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def rubrics_dir() -> Path:
    """Where the built-in cases live: `$INTERVIEWER_RUBRICS_DIR`, the checkout's `rubrics/`, or the installed copy."""
    override = os.environ.get("INTERVIEWER_RUBRICS_DIR")
    if override:
        return Path(override)
    checkout = PACKAGE_DIR.parent / "rubrics"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_rubrics"


def case_files(directory: Path | None = None) -> list[Path]:
    directory = directory or rubrics_dir()
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def available_case_ids(directory: Path | None = None) -> list[str]:
    return [path.stem for path in case_files(directory)]


def is_case_path(ref: str) -> bool:
    return Path(ref).suffix in (".yaml", ".yml") or os.sep in ref


def _shown(ref: str, limit: int = 60) -> str:
    """An id as it can be shown in one line: escaped (`repr`), and cut when it is long."""
    if len(ref) <= limit:
        return repr(ref)
    return f"{ref[:limit]!r}... ({len(ref):,} characters)"


def check_case_id(ref: str) -> str:
    """`ref` if it is a well-formed case id; anything else (too long, `/`, `..`, control characters) is refused
    before it can become part of a file name."""
    if len(ref) > MAX_CASE_ID_CHARS or not CASE_ID.fullmatch(ref):
        raise UnknownCaseError(
            f"invalid case id {_shown(ref)}: a case id is up to {MAX_CASE_ID_CHARS} lowercase letters, digits, '-' "
            f"and '_'; valid case ids: {', '.join(available_case_ids()) or '(none found)'}"
        )
    return ref


def case_path(ref: str) -> Path:
    """The file of a case given by id (in the rubrics folder) or by path; unknown ids list the valid ones."""
    if is_case_path(ref):
        return Path(ref)
    path = rubrics_dir() / f"{check_case_id(ref)}.yaml"
    if not path.is_file():
        valid = ", ".join(available_case_ids()) or "(none found)"
        raise UnknownCaseError(f"unknown case {ref!r}; valid case ids: {valid}")
    return path


@dataclass(frozen=True, slots=True)
class CaseSummary:
    id: str
    title: str
    summary: str

    def matches(self, query: str) -> bool:
        haystack = f"{self.id} {self.title} {self.summary}".lower()
        return all(word in haystack for word in query.lower().split())


def peek_case(path: Path) -> CaseSummary:
    """Id, title and summary from the top-level lines of a case file; the full load validates them later."""
    head = ""
    try:
        # Non-blocking, and only a regular file: a FIFO given as a case must not hang the app before it paints.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        pass
    else:
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                head = os.read(fd, 8192).decode("utf-8", errors="replace")
        except OSError:
            pass
        finally:
            os.close(fd)
    fields = {key: value.strip("'\"") for key, value in _TOP_LEVEL.findall(head)}
    return CaseSummary(fields.get("id", path.stem), fields.get("title", path.stem), fields.get("summary", ""))
