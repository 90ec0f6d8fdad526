"""Finding case files, and a cheap look at a case's title and opening words without parsing or validating it.

Cases come from three kinds of folder, all loaded side by side: the built-in cases (`rubrics_dir()`), the user's own
in their config folder (`config_cases_dir()`: `$INTERVIEWER_CASES_DIR`, or `cases/` in the platform's user config
folder) and the folders given with `--rubrics DIR` (`use_rubrics_folders`). A case's id is its file name, and an id
found in two folders is an error naming both files: which one a transcript meant would otherwise depend on the
folders given. Each folder may also hold shared concepts in `concepts/*.yaml` (see `interviewer.concepts`).

Kept free of YAML and pydantic so the app can paint its first frame, and the interviewer's opening with it, before the
case is really loaded.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from interviewer.errors import InterviewerError, UnknownCaseError
from interviewer.framework import REPLY_STEPS, introduction, start_of

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


BUILT_IN = "built-in"
CONFIG = "config"
CASES_DIR_VARIABLE = "INTERVIEWER_CASES_DIR"
_rubrics_folders: tuple[Path, ...] = ()


def config_cases_dir() -> Path:
    """The user's own cases: `$INTERVIEWER_CASES_DIR`, or `cases/` in the platform's user config folder
    (`~/.config/interviewer/cases` on Linux). It need not exist."""
    override = os.environ.get(CASES_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("interviewer", appauthor=False) / "cases"


def use_rubrics_folders(folders: Iterable[str | Path]) -> None:
    """The `--rubrics DIR` folders of this run, searched after the built-in and config folders."""
    global _rubrics_folders
    _rubrics_folders = tuple(Path(folder) for folder in folders)


def rubrics_folders() -> tuple[Path, ...]:
    return _rubrics_folders


@dataclass(frozen=True, slots=True)
class CaseFolder:
    path: Path
    source: str
    """`built-in`, `config`, or the `--rubrics` folder as it was given."""


def case_folders() -> list[CaseFolder]:
    """Every folder cases load from, in order; a folder given twice (or as the built-in one) counts once. A
    `--rubrics` folder that does not exist is an error; a config folder that does not exist holds no cases."""
    folders = [CaseFolder(rubrics_dir(), BUILT_IN), CaseFolder(config_cases_dir(), CONFIG)]
    for given in _rubrics_folders:
        if not given.is_dir():
            raise InterviewerError(f"--rubrics {given}: no such folder of case files")
        folders.append(CaseFolder(given, str(given)))
    kept: list[CaseFolder] = []
    seen: set[Path] = set()
    for folder in folders:
        key = resolved_path(folder.path)
        if key not in seen:
            seen.add(key)
            kept.append(folder)
    return kept


def resolved_path(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


@dataclass(frozen=True, slots=True)
class CaseFile:
    path: Path
    source: str

    @property
    def id(self) -> str:
        return self.path.stem


def folder_case_files(directory: Path) -> list[Path]:
    """The case files directly in one folder (not in `concepts/`), by name."""
    try:
        return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and p.is_file())
    except OSError:
        return []


def all_case_files() -> list[CaseFile]:
    """Every case file of every folder, collisions included (see `collisions`), by id then folder order."""
    found = [CaseFile(path, folder.source) for folder in case_folders() for path in folder_case_files(folder.path)]
    return sorted(found, key=lambda entry: entry.id)


def collisions(entries: Iterable[CaseFile]) -> list[tuple[CaseFile, CaseFile]]:
    """Each case file whose id an earlier one already has, with that earlier one."""
    first: dict[str, CaseFile] = {}
    found = []
    for entry in entries:
        if entry.id in first:
            found.append((first[entry.id], entry))
        else:
            first[entry.id] = entry
    return found


def collision_message(first: CaseFile, second: CaseFile) -> str:
    return (
        f"case id {first.id!r} is defined twice: {first.path} ({first.source}) and {second.path} ({second.source}); "
        "rename one (a case's id is its file name)"
    )


def catalog() -> list[CaseFile]:
    """Every case you can practise, by id; two files with one id is an error naming both."""
    entries = all_case_files()
    clashes = collisions(entries)
    if clashes:
        raise InterviewerError(collision_message(*clashes[0]))
    return entries


def case_files(directory: Path | None = None) -> list[Path]:
    """The case files of one folder, or (no folder given) of every case folder."""
    if directory is not None:
        return folder_case_files(directory)
    return [entry.path for entry in catalog()]


def available_case_ids(directory: Path | None = None) -> list[str]:
    return [path.stem for path in case_files(directory)]


def where_cases_are() -> str:
    """Which folders were searched: for a case id that was not found."""
    user = ", ".join(str(folder) for folder in _rubrics_folders)
    return f"the built-in cases, your config folder ({config_cases_dir()})" + (f" and {user}" if user else "")


def is_case_path(ref: str) -> bool:
    return Path(ref).suffix in (".yaml", ".yml") or os.sep in ref


def _shown(ref: str, limit: int = 60) -> str:
    """An id as it can be shown in one line: escaped (`repr`), and cut when it is long."""
    if len(ref) <= limit:
        return repr(ref)
    return f"{ref[:limit]!r}... ({len(ref):,} characters)"


def check_case_id(ref: str, new: bool = False) -> str:
    """`ref` if it is a well-formed case id; anything else (too long, `/`, `..`, control characters) is refused
    before it can become part of a file name. For a case to be made (`new`), an example helps, not the ids taken."""
    if len(ref) > MAX_CASE_ID_CHARS or not CASE_ID.fullmatch(ref):
        rule = (
            f"invalid case id {_shown(ref)}: a case id is up to {MAX_CASE_ID_CHARS} lowercase letters, digits, "
            "'-' and '_'"
        )
        if new:
            example = "-".join(re.findall(r"[a-z0-9]+", ref.lower())) or "my-case"
            raise UnknownCaseError(f"{rule}, for example {example[:MAX_CASE_ID_CHARS]!r}")
        raise UnknownCaseError(f"{rule}; valid case ids: {', '.join(available_case_ids()) or '(none found)'}")
    return ref


def case_path(ref: str) -> Path:
    """The file of a case given by id (in the rubrics folder) or by path; unknown ids list the valid ones."""
    if is_case_path(ref):
        return Path(ref)
    check_case_id(ref)
    entries = catalog()
    for entry in entries:
        if entry.id == ref:
            return entry.path
    valid = ", ".join(entry.id for entry in entries) or "(none found)"
    raise UnknownCaseError(
        f"unknown case {ref!r}; valid case ids: {valid} (searched {where_cases_are()}; for a case of your own "
        f"elsewhere, pass the folder that holds {ref}.yaml: --rubrics DIR)"
    )


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
    fields = {key: value.strip("'\"") for key, value in _TOP_LEVEL.findall(_head(path))}
    return CaseSummary(fields.get("id", path.stem), fields.get("title", path.stem), fields.get("summary", ""))


@dataclass(frozen=True, slots=True)
class Opening:
    """What the offline interviewer says first in a new interview: the problem statement, then the first question."""

    intro: str
    question: str | None  # None: not shown early (a model may phrase it)


def peek_opening(path: Path, title: str) -> Opening | None:
    """The offline interviewer's opening words for the case in `path`, read from the file's first lines without YAML:
    the problem (`prompt`) and the first step's `opening`, each a plain or `|`/`>` block scalar. None when they are
    written in any other way (quotes, anchors, tabs...). A preview: the app shows it while the case loads, and
    replaces it with the words the interview really says if they differ."""
    lines = _head(path, 32768).splitlines()
    prompt = _scalar(lines, "prompt", 0)
    if not prompt:
        return None
    first = REPLY_STEPS[0]
    opening: str | None = first.opening
    steps = _key_line(lines, "steps", 0)
    if steps is not None:
        step_at = _child(lines, steps + 1, 0, first.id)
        if step_at is not None:
            start, indent = step_at
            found = _child(lines, start + 1, indent, "opening")
            if found is not None:
                opening = _scalar(lines, "opening", found[1], found[0])
    if not opening:
        return None
    return Opening(introduction(title, prompt), start_of(first) + opening)


def _head(path: Path, size: int = 8192) -> str:
    """The first `size` bytes of a file as text; empty if it cannot be read or is not a regular file."""
    try:
        # Non-blocking, and only a regular file: a FIFO given as a case must not hang the app before it paints.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        pass
    else:
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                head = os.read(fd, size).decode("utf-8", errors="replace")
        except OSError:
            pass
        finally:
            os.close(fd)
    return head


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_line(lines: list[str], key: str, indent: int, start: int = 0) -> int | None:
    for number in range(start, len(lines)):
        if lines[number].startswith(" " * indent + key + ":") and _indent(lines[number]) == indent:
            return number
    return None


def _child(lines: list[str], start: int, parent: int, key: str) -> tuple[int, int] | None:
    """(line, indent) of `key:` among the direct children of the block that begins at `start` (indented more than
    `parent`), or None once the block ends."""
    indent = None
    for number in range(start, len(lines)):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _indent(line) <= parent:
            return None
        indent = _indent(line) if indent is None else indent
        if _indent(line) == indent and line[indent:].startswith(key + ":"):
            return number, indent
    return None


_PLAIN = re.compile(r"[^\s'\"&*!|>%@`#\[\]{},?:-][^#]*")  # a one-line plain scalar that needs no YAML rules


def _scalar(lines: list[str], key: str, indent: int, start: int = 0) -> str | None:
    """The value of `key:` at `indent`, stripped, if it is a one-line plain scalar or a `|`/`>` block (with the
    default or `-` chomping); None for anything else, which only YAML itself reads right."""
    number = _key_line(lines, key, indent, start)
    if number is None:
        return None
    value = lines[number][indent + len(key) + 1 :].strip()
    if value not in ("|", "|-", ">", ">-"):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not _PLAIN.fullmatch(value) or ": " in value or (following.strip() and _indent(following) > indent):
            return None  # a quoted, flow or multi-line scalar, or a `key: value` YAML would read as a mapping
        return value.strip()
    block: list[str] = []
    block_indent = None
    for line in lines[number + 1 :]:
        if "\t" in line:
            return None
        if not line.strip():
            block.append("")
            continue
        if _indent(line) <= indent:
            break
        block_indent = _indent(line) if block_indent is None else block_indent
        if _indent(line) != block_indent:
            return None  # a more indented line keeps its line break even in a folded block: YAML's rules
        block.append(line[block_indent:])
    else:
        return None  # the block may go on past what was read
    if value.startswith("|"):
        return "\n".join(block).strip()
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*block, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
        else:
            paragraphs.append("")
    return "\n".join(paragraphs).strip()
