"""Hostile or unlucky input: each gets one line `interviewer: error: ...` and exit 2 (or a quiet, correct run), never
a traceback, a hang or a file read it should not do."""

from __future__ import annotations

import itertools
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from conftest import ANSWERS, ROOT, run_cli
from interviewer.errors import InterviewerError
from interviewer.transcript import Role, Transcript, Turn, load
from interviewer.yamlfile import MAX_DEPTH, MAX_INPUT_BYTES, load_document, parse_json, read_text

ADS = "ad-click-prediction"
WEAK = ANSWERS / f"{ADS}-weak.yaml"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("interviewer: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def run_raw(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 30, **kwargs):
    """Like `run_cli`, but the caller picks the working directory and the standard streams, and PYTHONUNBUFFERED is
    dropped: the test environment sets it, a user's shell does not, and it changes when output is flushed."""
    full_env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    full_env.update(env or {})
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args], cwd=cwd, env=full_env, timeout=timeout, text=True, **kwargs
    )


def transcript_data(**changes: object) -> dict:
    """A small shared (JSON) transcript with one reply in requirements and one in data."""
    transcript = Transcript(case_id=ADS, case_title="Ads", level="senior", phase="data")
    transcript.turns.append(Turn(step="requirements", role=Role.CANDIDATE, text="What is the latency budget?"))
    transcript.turns.append(Turn(step="data", role=Role.CANDIDATE, text="Join impressions with clicks."))
    transcript.step_seconds = {"requirements": 61.5, "data": 30.0}
    data = transcript.model_dump(mode="json")
    data.update(changes)
    return data


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------------------
# Files too big, too deep, too clever


def _bomb(levels: int = 9) -> str:
    """The "billion laughs": each level lists the previous one nine times, so 9 levels are 9**9 values."""
    names = "abcdefghi"[:levels]
    rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in itertools.pairwise(names):
        rows.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(rows) + "\n"


BOMB = _bomb()


@pytest.mark.parametrize("command", ["grade", "check"])
def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path, command: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    result = run_cli(command, str(path), timeout=20)  # today: expands 9**9 values and never finishes
    if command == "check":  # check reports each file on stdout, then the count on stderr
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "aliases expand to more than" in result.stdout
    else:
        assert_one_line_error(result, "bomb.yaml:", "aliases expand to more than")


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text("base: &base [one, two]\nfirst: *base\nsecond: *base\n")
    assert load_document(path).data == {"base": ["one", "two"], "first": ["one", "two"], "second": ["one", "two"]}


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [x, *a]\n")
    with pytest.raises(InterviewerError, match=r"loop\.yaml:\d+: invalid YAML"):
        load_document(path)


def test_an_answers_file_over_the_size_limit_is_refused_and_the_limit_is_named(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(f"case: {ADS}\nanswers:\n  requirements: '{'word ' * (MAX_INPUT_BYTES // 5 + 10)}'\n")
    assert_one_line_error(run_cli("grade", str(path)), "huge.yaml:", "over the 2 MB limit")


def test_a_case_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("id: huge\nprompt: '" + "x" * (MAX_INPUT_BYTES + 1) + "'\n")
    with pytest.raises(InterviewerError, match="over the 2 MB limit"):
        load_document(path)


@pytest.mark.parametrize("shape", ["answers", "transcript"])
def test_json_nested_100000_deep_is_refused(tmp_path: Path, shape: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = (
        f'{{"case": "{ADS}", "answers": {deep}}}' if shape == "answers" else f'{{"schema_version": 1, "turns": {deep}}}'
    )
    path = tmp_path / "deep.json"
    path.write_text(body)
    assert_one_line_error(run_cli("grade", str(path)), "deep.json", "nested more than")  # today: RecursionError


@pytest.mark.parametrize("where", ["header", "change"])
@pytest.mark.parametrize("command", ["grade", "resume"])
def test_a_journal_line_nested_100000_deep_is_refused(tmp_path: Path, where: str, command: str) -> None:
    """A running interview's file is a journal of JSON lines: each line is parsed as strictly as a whole file."""
    from interviewer.transcript import Transcript, journal_header, journal_record

    transcript = Transcript(case_id=ADS, case_title="Ads", level="senior", phase="requirements")
    header, (change, _) = journal_header(transcript), journal_record(transcript, 0)
    deep = b"[" * 100_000 + b"]" * 100_000
    if where == "header":
        header = b'{"interviewer_journal":1,"schema_version":1,"transcript":' + deep + b"}\n"
    else:
        change = b'{"n":0,"turns":' + deep + b"}\n"
    path = tmp_path / "t.json"
    path.write_bytes(header + change + change)  # not the last line: a bad line inside is an error, not a torn end
    args = ("resume", "--plain", str(path)) if command == "resume" else ("grade", str(path))
    assert_one_line_error(run_cli(*args, stdin=""), "t.json")


def test_yaml_nested_deeper_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("answers: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    with pytest.raises(InterviewerError, match=rf"deep\.yaml:1: invalid YAML: nested more than {MAX_DEPTH} levels"):
        load_document(path)


def test_the_pure_python_yaml_loader_refuses_100000_levels_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml stops at 1,000 levels by itself; PyYAML's own loader (the fallback) recursed until RecursionError."""
    from interviewer import yamlfile

    monkeypatch.setattr(yamlfile, "_Loader", yaml.SafeLoader)
    path = tmp_path / "deep.yaml"
    path.write_text("answers: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(InterviewerError, match="nested more than"):
        load_document(path)


# A raw control character in a YAML file: PyYAML's ReaderError is not a MarkedYAMLError and said only `position N`,
# on two lines. Line 3, after a line with a two-byte character (libyaml counts bytes, the Python reader characters).
RAW_CONTROL = 'id: ads\n# caf\u00e9 \u2014 notes\ntitle: "Ad \x1b]0;pwned\x07"\n'


@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_a_raw_control_character_in_yaml_names_its_line_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: str
) -> None:
    from interviewer import yamlfile

    if loader == "python":
        monkeypatch.setattr(yamlfile, "_Loader", yaml.SafeLoader)
    path = tmp_path / "case.yaml"
    path.write_text(RAW_CONTROL, encoding="utf-8")
    with pytest.raises(InterviewerError) as excinfo:
        load_document(path)
    assert str(excinfo.value) == f"{path}:3: invalid YAML: character <ESC> is not allowed in YAML text"


@pytest.mark.parametrize("command", ["grade", "check"])
def test_a_raw_control_character_in_a_yaml_file_is_one_line_from_the_cli(tmp_path: Path, command: str) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(f'case: {ADS}\nanswers:\n  requirements: "ok \x07 bell"\n', encoding="utf-8")
    result = run_cli(command, str(path))
    if command == "check":  # check reports each file on stdout, then the count on stderr
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "evil.yaml:3: invalid YAML: character <BEL> is not allowed" in result.stdout
        assert "\x07" not in result.stdout and "position" not in result.stdout
    else:
        line = assert_one_line_error(result, "evil.yaml:3: invalid YAML: character <BEL> is not allowed")
        assert "\x07" not in line


def test_json_just_under_the_depth_limit_loads(tmp_path: Path) -> None:
    depth = MAX_DEPTH
    assert parse_json("[" * depth + "]" * depth, tmp_path / "x.json") is not None


# ---------------------------------------------------------------------------------------------------------------------
# Duplicate keys, NaN and Infinity, schema_version


def test_duplicate_yaml_key_in_an_answers_file_names_the_key_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(f"case: {ADS}\nanswers:\n  requirements: first\n  data: x\n  requirements: second\n")
    assert_one_line_error(run_cli("grade", str(path)), "dup.yaml:5:", "duplicate key 'requirements'")


def test_duplicate_json_key_in_an_answers_file_names_the_key_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text(f'{{"case": "{ADS}",\n "answers": {{"data": "x",\n  "data": "y"}},\n "level": "senior"}}')
    assert_one_line_error(run_cli("grade", str(path)), "dup.json:3:", "duplicate key 'data'")


def test_duplicate_key_in_a_transcript_is_refused(tmp_path: Path) -> None:
    text = json.dumps(transcript_data(), indent=2).replace('"phase": "data"', '"phase": "data",\n  "phase": "done"')
    path = tmp_path / "t.json"
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"phase": "done"' in row)
    assert_one_line_error(run_cli("grade", str(path)), f"t.json:{line}:", "duplicate key 'phase'")


def test_the_same_key_in_different_objects_is_fine(tmp_path: Path) -> None:
    assert parse_json('[{"a": 1}, {"a": 2}]', tmp_path / "x.json") == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e999"])
def test_infinite_or_nan_step_seconds_are_refused(tmp_path: Path, value: str) -> None:
    text = json.dumps(transcript_data(), indent=2).replace('"data": 30.0', f'"data": {value}')
    path = tmp_path / "t.json"
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if f'"data": {value}' in row)
    for args in (["grade", "--json", str(path)], ["grade", str(path)]):  # today: `"seconds": Infinity`, or a crash
        result = run_cli(*args)
        assert_one_line_error(result, f"t.json:{line}:", "numbers must be finite")
        assert "Infinity" not in result.stdout and "NaN" not in result.stdout


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), -5.0])
def test_the_transcript_model_refuses_non_finite_or_negative_seconds(seconds: float) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="step_seconds"):
        Transcript.model_validate(transcript_data(step_seconds={"data": seconds}))


def test_grade_json_is_strict_json(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", transcript_data())
    result = run_cli("grade", "--json", str(path))
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in grade --json"))


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_schema_version_must_be_the_integer_1(tmp_path: Path, version: object) -> None:
    path = write_json(tmp_path / "t.json", transcript_data(schema_version=version))
    assert_one_line_error(run_cli("grade", str(path)), "t.json", "schema_version")  # today: `true == 1` passes


def test_replies_under_unknown_steps_are_warned_about_and_the_rest_is_graded(tmp_path: Path) -> None:
    data = transcript_data()
    data["turns"].append({**data["turns"][0], "step": "bogus", "text": "Somewhere else."})
    path = write_json(tmp_path / "t.json", data)
    result = run_cli("grade", "--json", str(path))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "bogus" in line]
    assert len(warnings) == 1 and warnings[0].startswith("interviewer: warning: 1 reply under unknown steps")
    assert set(json.loads(result.stdout)["steps"]) >= {"requirements", "data"}


# ---------------------------------------------------------------------------------------------------------------------
# Case ids


def test_a_300_character_case_id_is_a_clear_error() -> None:
    result = run_cli("chat", "--plain", "--case", "a" * 300, stdin="")  # today: OSError File name too long
    line = assert_one_line_error(result, "invalid case id", "(300 characters)", ADS)
    assert "a" * 100 not in line


@pytest.mark.parametrize("case_id", ["ab\x1b]0;owned\x07", "UPPER", "a..b", "a" * 81])
def test_malformed_case_ids_are_refused_before_any_file_lookup(case_id: str) -> None:
    from interviewer.catalog import case_path
    from interviewer.errors import UnknownCaseError

    with pytest.raises(UnknownCaseError, match="invalid case id"):
        case_path(case_id)


@pytest.mark.parametrize("case", ["/etc/passwd", "../rubrics/ad-click-prediction", "a\x1b[31mred", "x" * 300])
def test_an_answers_file_names_its_case_by_id(tmp_path: Path, case: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"case": case, "answers": {"requirements": "hi"}}, sort_keys=False))
    # today: /etc/passwd is read as a case file, a long id ends in OSError
    line = assert_one_line_error(run_cli("grade", str(path)), "answers.yaml:1: case:", "is not a case id")
    assert "\x1b" not in line


# ---------------------------------------------------------------------------------------------------------------------
# Places that cannot be written


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """A folder no file can be created in. Root ignores permission bits, so for root it is /proc, which refuses new
    files to everyone."""
    if IS_ROOT:
        yield Path("/proc")
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield folder
    folder.chmod(stat.S_IRWXU)


def test_out_into_a_read_only_folder_is_one_line(read_only_dir: Path) -> None:
    out = read_only_dir / "t.json"
    result = run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin="/quit\n")
    assert_one_line_error(result, str(read_only_dir), "pick another --out")


def test_out_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run_cli("chat", "--plain", "--case", ADS, "--out", str(tmp_path / "file" / "t.json"), stdin="/quit\n")
    assert_one_line_error(result, "file", "expected a folder")


def test_export_out_into_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", transcript_data())
    (tmp_path / "file").write_text("x")
    result = run_cli("export", str(path), "--out", str(tmp_path / "file" / "card.md"))
    assert_one_line_error(result, "card.md")


def test_a_data_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.write_text("not a folder")
    result = run_cli("chat", "--plain", "--case", ADS, stdin="/quit\n", env={"INTERVIEWER_DATA_DIR": str(data_dir)})
    assert_one_line_error(result, str(data_dir), "INTERVIEWER_DATA_DIR")


def test_a_data_dir_with_an_unknown_user_is_one_line() -> None:
    env = {"INTERVIEWER_DATA_DIR": "~nosuchuser-interviewer/x"}
    result = run_cli("chat", "--plain", "--case", ADS, stdin="/quit\n", env=env)  # today: RuntimeError
    assert_one_line_error(result, "INTERVIEWER_DATA_DIR", "~nosuchuser-interviewer")


def test_a_read_only_home_is_one_line_before_the_interview_starts(read_only_dir: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("INTERVIEWER_DATA_DIR", "XDG_DATA_HOME")}
    env["HOME"] = str(read_only_dir)
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "chat", "--plain", "--case", ADS],
        input="/quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=30,
    )
    assert_one_line_error(result, str(read_only_dir), "INTERVIEWER_DATA_DIR")
    assert "Interviewer (" not in result.stdout  # refused before the first question, not at its save


# ---------------------------------------------------------------------------------------------------------------------
# Settings


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", ".env: binary file"),
        (b"INTERVIEWER_MODEL=stub\nINTERVIEWER_SEED=caf\xe9\n", ".env:2: not valid UTF-8"),
        (b"INTERVIEWER_MODEL=stub\n\nINTERVIEWER_TIMEOUT=abc\n", ".env:3: INTERVIEWER_TIMEOUT: "),
    ],
)
def test_a_bad_env_file_is_one_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    (tmp_path / ".env").write_bytes(content)
    assert_one_line_error(run_raw("grade", str(WEAK), cwd=tmp_path), fragment)


def test_a_bad_environment_variable_is_named() -> None:
    result = run_cli("grade", str(WEAK), env={"INTERVIEWER_TIMEOUT": "abc"})
    assert_one_line_error(result, "INTERVIEWER_TIMEOUT", "environment variable", "valid number")


# ---------------------------------------------------------------------------------------------------------------------
# Standard streams


def test_stdin_closed_in_line_mode_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = run_raw("chat", "--plain", "--case", ADS, "--out", str(out), preexec_fn=lambda: os.close(0))
    assert_one_line_error(result, "standard input is closed")
    assert not out.exists()


@pytest.mark.parametrize("args", [["chat", "--plain"], ["chat"], ["resume", "--plain", "{t}"]])
def test_stdin_closed_anywhere_is_one_line(tmp_path: Path, args: list[str]) -> None:
    transcript = write_json(tmp_path / "t.json", transcript_data())
    args = [arg.format(t=transcript) for arg in args]
    assert_one_line_error(run_raw(*args, preexec_fn=lambda: os.close(0)))


@pytest.mark.parametrize("args", [["cases"], ["grade", str(WEAK)], ["grade", "--json", str(WEAK)]])
def test_stdout_full_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = run_raw(*args, stdout=full)
    assert_one_line_error(result, "No space left on device")


@pytest.mark.parametrize(
    "args",
    [["cases"], ["grade", str(WEAK)], ["export", "{t}"], ["chat", "--plain", "--case", ADS, "--out", "{out}"]],
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    """`interviewer cases | head -1`: the reader is gone before anything is written."""
    transcript = write_json(tmp_path / "t.json", transcript_data())
    args = [arg.format(t=transcript, out=tmp_path / "out.json") for arg in args]
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_raw(*args, stdin=subprocess.DEVNULL, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no traceback, no "Exception ignored ... BrokenPipeError"


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}])
def test_an_ascii_only_terminal_gets_replacements_not_a_crash(tmp_path: Path, env: dict[str, str]) -> None:
    graded = run_raw("grade", str(WEAK), env=env)
    assert graded.returncode == 0, graded.stderr
    assert "Overall" in graded.stdout and "UnicodeEncodeError" not in graded.stderr
    chat = run_raw("chat", "--plain", "--case", ADS, "--out", str(tmp_path / "t.json"), input="/quit\n", env=env)
    assert chat.returncode == 0, chat.stderr
    assert "Interviewer (" in chat.stdout


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}])
def test_an_ascii_locale_still_reads_utf8_replies_as_they_were_typed(tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "t.json"
    reply = "What is the latency budget — and the café's peak QPS?"
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "chat", "--plain", "--case", ADS, "--out", str(out)],
        input=f"{reply}\n/quit\n".encode(),
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert [t.text for t in load(out).turns if t.role is Role.CANDIDATE] == [reply]


# ---------------------------------------------------------------------------------------------------------------------
# Files that are not files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(
    "args",
    [
        ["grade", "{fifo}.json"],
        ["grade", "{fifo}.yaml"],
        ["check", "{fifo}.yaml"],
        ["resume", "--plain", "{fifo}.json"],
        ["export", "{fifo}.json"],
        ["chat", "--plain", "--case", "{fifo}.yaml"],
    ],
)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, args: list[str]) -> None:
    for suffix in (".json", ".yaml"):
        os.mkfifo(tmp_path / f"pipe{suffix}")
    args = [arg.format(fifo=tmp_path / "pipe") for arg in args]
    result = run_cli(*args, stdin="", timeout=15)  # today: blocks forever in open()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "FIFO" in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["grade", "check"])
def test_a_device_is_refused(command: str) -> None:
    result = run_cli(command, "/dev/zero", timeout=15)  # today: reads until memory runs out
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is a device" in result.stdout + result.stderr


def test_read_text_refuses_a_fifo_even_when_it_appears_after_the_check(tmp_path: Path, monkeypatch) -> None:
    """The file is opened non-blocking and checked again, so swapping in a FIFO after the stat cannot hang."""
    fifo = tmp_path / "swapped.json"
    os.mkfifo(fifo)
    real_stat = os.stat

    def regular_file_stat(path, *args, **kwargs):
        result = real_stat(path, *args, **kwargs)
        if Path(path) == fifo:
            return os.stat_result((stat.S_IFREG | 0o644, *tuple(result)[1:]))
        return result

    monkeypatch.setattr(os, "stat", regular_file_stat)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_text(fifo)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)  # daemon: a blocked open must not keep pytest alive
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "read_text blocked on a FIFO"
    assert len(outcome) == 1 and isinstance(outcome[0], InterviewerError) and "FIFO" in str(outcome[0])
