"""Reading YAML and JSON files so that every error can name the file, the line and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer.errors import InterviewerError

Location = tuple[str | int, ...]

try:  # libyaml is several times faster; the pure-Python loader is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader


class LoadedDocument:
    """A parsed document plus the source line of every value, so a schema error can point at a line."""

    def __init__(self, path: Path, data: Any, lines: dict[Location, int]):
        self.path = path
        self.data = data
        self.lines = lines

    def where(self, loc: Location) -> str:
        """`file:line` for the deepest part of `loc` that exists in the document."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return f"{self.path}:{line}"
        return str(self.path)


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InterviewerError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InterviewerError(f"{path}: is a directory, expected a file") from None
    except OSError as exc:
        raise InterviewerError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in raw:
        raise InterviewerError(f"{path}: binary file, expected UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InterviewerError(f"{path}:{line}: not valid UTF-8 text (byte {exc.start})") from None


def load_document(path: Path) -> LoadedDocument:
    """Parse a YAML (or JSON, which is YAML) file, keeping line numbers for later error messages."""
    import yaml

    text = read_text(path)
    if path.suffix.lower() == ".json":
        try:
            return LoadedDocument(path, json.loads(text), {})
        except json.JSONDecodeError as exc:
            raise InterviewerError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InterviewerError(f"{path}: the file is empty")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InterviewerError(f"{path}{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InterviewerError(f"{path}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    _index_lines(node, (), lines)
    return LoadedDocument(path, data, lines)


def _index_lines(node: Any, loc: Location, lines: dict[Location, int]) -> None:
    import yaml

    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*loc, key), lines)
            lines[(*loc, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _index_lines(child, (*loc, index), lines)


def format_validation_error(doc: LoadedDocument, exc: Any) -> list[str]:
    """One line per pydantic error: `file:line: field.path: message`."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        field = ".".join(str(part) for part in loc) or "(top level)"
        message = error["msg"]
        if error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(f"{doc.where(loc)}: {field}: {message}")
    return problems
