"""Reading YAML and JSON files so that every error can name the file, the line and the field.

Everything read here comes from outside, so it is read defensively: only regular files (a FIFO or a device would
block or never end), only up to a size limit, and parsed with limits on nesting, on YAML aliases (a "billion laughs"
file expands a few hundred bytes into billions of values) and with duplicate keys refused (the second would silently
win). Each refusal is one line naming the file and, where it can, the line.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from interviewer.errors import InterviewerError

Location = tuple[str | int, ...]

MAX_INPUT_BYTES = 2 * 1024 * 1024
"""Case and answers files: the built-in cases are about 60 KB, so 2 MB leaves plenty of room."""

MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024
"""Transcripts grow with the interview (up to 20,000 characters a reply), so they get a larger limit."""

MAX_DEPTH = 64
"""Nesting levels in a YAML or JSON document; real files use under ten."""

MAX_ALIAS_EXPANSION = 1_000
"""Values a YAML file may reach through aliases (`*name`), counted as expanded. Enough for sharing a few blocks."""

# libyaml is several times faster; the pure-Python loader is the fallback (PyYAML built without libyaml).
_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing anything but a regular file of at most `limit` bytes without blocking on it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InterviewerError(f"{path}: no such file") from None
    except OSError as exc:
        raise InterviewerError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InterviewerError(f"{path}: is a directory, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise InterviewerError(f"{path}: is {_kind(info.st_mode)}, expected a regular file")
    if info.st_size > limit:
        raise InterviewerError(f"{path}: {info.st_size:,} bytes is over the {_megabytes(limit)} limit for this file")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InterviewerError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InterviewerError(f"{path}: is {_kind(mode)}, expected a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may have grown since the stat: never read more than the limit
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InterviewerError(f"{path}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise InterviewerError(f"{path}: over the {_megabytes(limit)} limit for this file")
    return b"".join(chunks)


def read_text(path: Path, limit: int = MAX_TRANSCRIPT_BYTES) -> str:
    """A regular file of at most `limit` bytes as UTF-8 text; anything else is one clear InterviewerError."""
    return decode_text(read_bytes(path, limit), path)


def decode_text(raw: bytes, path: Path) -> str:
    """Bytes read from `path` as UTF-8 text, or one clear InterviewerError naming the line."""
    if b"\x00" in raw:
        raise InterviewerError(f"{path}: binary file, expected UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InterviewerError(f"{path}:{line}: not valid UTF-8 text (byte {exc.start})") from None


# ---------------------------------------------------------------------------------------------------------------------
# JSON


class _Refused(Exception):
    """Raised from inside the JSON decoder's hooks; `parse_json` turns it into a located InterviewerError."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"{name} is not allowed; numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as infinity
        raise _Refused(f"{text} is too large; numbers must be finite")
    return value


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(
        object_pairs_hook=_pairs_without_duplicates, parse_constant=_refuse_constant, parse_float=_finite_float
    )


def _refusal_position(text: str) -> int | None:
    """Where the first refused value is: the same parse again with the pure-Python scanner, which lets each value's
    start be recorded. Only run once the fast parse has refused something, so its slowness does not matter."""
    from json import decoder, scanner

    # The pure-Python parser's parts (JSONObject, py_make_scanner...) are not public API, so typeshed omits them.
    json_decoder: Any = decoder
    json_scanner: Any = scanner
    last = [0]

    def recording(scan_once: Any) -> Any:
        def scan(string: str, idx: int) -> Any:
            last[0] = idx
            return scan_once(string, idx)

        return scan

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, *args: Any, **kwargs: Any) -> Any:
        starts: list[int] = []

        def scan(string: str, idx: int) -> Any:
            starts.append(idx)
            last[0] = idx
            return scan_once(string, idx)

        pairs, end = json_decoder.JSONObject(s_and_end, strict, scan, None, list, *args[2:], **kwargs)
        seen: set[str] = set()
        for (key, _), start in zip(pairs, starts, strict=False):
            if key in seen:
                last[0] = start
                raise _Refused(f"duplicate key {key!r}")
            seen.add(key)
        return dict(pairs), end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any, *args: Any) -> Any:
        return json_decoder.JSONArray(s_and_end, recording(scan_once), *args)

    context: Any = _decoder()  # its parse_object and parse_array are undeclared attributes the scanner reads
    context.parse_object = parse_object
    context.parse_array = parse_array
    scan_once = json_scanner.py_make_scanner(context)
    try:
        scan_once(text, json_decoder.WHITESPACE.match(text, 0).end())
    except _Refused:
        return last[0]
    except (ValueError, RecursionError):
        return None
    return None


def _deeper_than(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _line_of(text: str, position: int | None) -> str:
    return f":{text.count(chr(10), 0, position) + 1}" if position is not None else ""


def parse_json(
    text: str, path: Path, *, error: type[InterviewerError] = InterviewerError, label: str = "invalid JSON"
) -> Any:
    """Parse JSON text read from `path`: duplicate keys, NaN/Infinity and deep nesting are refused with file:line.
    `error` and `label` let a caller keep its own error class and wording (`not a transcript: invalid JSON`)."""
    try:
        data = _decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path}:{exc.lineno}: {label}: {exc.msg}") from None
    except _Refused as exc:
        raise error(f"{path}{_line_of(text, _refusal_position(text))}: {label}: {exc.message}") from None
    except RecursionError:
        raise error(f"{path}: {label}: nested more than {MAX_DEPTH} levels deep") from None
    if _deeper_than(data, MAX_DEPTH):
        raise error(f"{path}: {label}: nested more than {MAX_DEPTH} levels deep")
    return data


# ---------------------------------------------------------------------------------------------------------------------
# YAML


def load_document(path: Path, raw: bytes | None = None) -> LoadedDocument:
    """Parse a YAML (or JSON) case or answers file, keeping line numbers for later error messages. `raw`: the file's
    bytes, when the caller has read them already (with `read_bytes`)."""
    import yaml

    text = read_text(path, MAX_INPUT_BYTES) if raw is None else decode_text(raw, path)
    if path.suffix.lower() == ".json":
        return LoadedDocument(path, parse_json(text, path), {})
    try:
        loader = _Loader(text)  # the pure-Python loader checks every character here already
    except yaml.reader.ReaderError as exc:
        raise InterviewerError(_reader_problem(path, text, exc)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise InterviewerError(f"{path}: the file is empty")
        # Checked on the composed nodes, before anything is built: an alias is the same node object reached twice,
        # so a bomb is caught after a bounded walk instead of after expanding it.
        lines = _index_lines(path, node)
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: not a MarkedYAMLError, it has no line
        raise InterviewerError(_reader_problem(path, text, exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        if "mapping values are not allowed" in problem:
            problem += " (put text that holds ': ' in quotes)"
        raise InterviewerError(f"{path}{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InterviewerError(f"{path}: invalid YAML: {exc}") from None
    except RecursionError:  # the pure-Python loader has no nesting limit of its own
        raise InterviewerError(f"{path}: invalid YAML: nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()
    return LoadedDocument(path, data, lines)


def _reader_problem(path: Path, text: str, exc: Any) -> str:
    """`file:line: invalid YAML: character <ESC> is not allowed`, for a character YAML does not accept (control
    characters but tab and newline, and a few others). PyYAML says only `position N`, counted in characters by the
    pure-Python reader and in UTF-8 bytes by libyaml; the reader stops at the first such character, so the first
    occurrence of the one it names is the one it found."""
    from interviewer.terminal import printable

    character = exc.character
    if isinstance(character, int) and 0 <= character <= 0x10FFFF:
        character = chr(character)
    found = text.find(character) if isinstance(character, str) and character else -1
    index = found if found >= 0 else exc.position if isinstance(exc.position, int) else None  # else: as characters
    shown = printable(character) if isinstance(character, str) else "?"
    if isinstance(character, str) and shown == character:  # not a control character: name it by its code point
        shown = f"U+{ord(character[0]):04X}"
    return f"{path}{_line_of(text, index)}: invalid YAML: character {shown} is not allowed in YAML text"


def _index_lines(path: Path, root: Any) -> dict[Location, int]:
    """The line of every value and key, walking the node tree without recursion. Refuses nesting deeper than
    MAX_DEPTH, duplicate keys in a mapping, and aliases that would expand past MAX_ALIAS_EXPANSION values."""
    import yaml

    lines: dict[Location, int] = {}
    seen: set[int] = set()
    expanded = 0
    # (node, location, depth, reached through an alias): every node an alias reaches counts, as the data will hold
    # a copy of it; a recursive alias (`&a [*a]`) is caught the same way.
    stack: list[tuple[Any, Location, int, bool]] = [(root, (), 1, False)]
    while stack:
        node, loc, depth, aliased = stack.pop()
        line = node.start_mark.line + 1
        lines.setdefault(loc, line)
        aliased = aliased or id(node) in seen
        seen.add(id(node))
        if aliased:
            expanded += 1
            if expanded > MAX_ALIAS_EXPANSION:
                raise InterviewerError(
                    f"{path}:{line}: invalid YAML: aliases expand to more than {MAX_ALIAS_EXPANSION:,} values"
                )
        if not isinstance(node, yaml.CollectionNode):
            continue
        if depth > MAX_DEPTH:
            raise InterviewerError(f"{path}:{line}: invalid YAML: nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*loc, index), depth + 1, aliased) for index, child in enumerate(node.value))
            continue
        keys: set[tuple[str, str]] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                # A complex key is explained by the constructor; `<<: *base` may override keys on purpose.
                stack.append((value_node, loc, depth + 1, aliased))
                continue
            key_line = key_node.start_mark.line + 1
            if (key_node.tag, key_node.value) in keys:
                raise InterviewerError(f"{path}:{key_line}: invalid YAML: duplicate key {key_node.value!r}")
            keys.add((key_node.tag, key_node.value))
            lines.setdefault((*loc, key_node.value), key_line)
            stack.append((value_node, (*loc, key_node.value), depth + 1, aliased))
    return lines


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
        elif error["type"] == "value_error":  # our own validators' messages read better without pydantic's prefix
            message = message.removeprefix("Value error, ")
        problems.append(f"{doc.where(loc)}: {field}: {message}")
    return problems
