from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.settings import Settings


def test_data_dir_from_the_environment_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", "~/practice")
    assert Settings().transcripts_dir() == tmp_path / "practice" / "transcripts"


def test_default_data_dir_is_the_platform_user_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("INTERVIEWER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no .env here
    assert Settings().transcripts_dir() == tmp_path / "interviewer" / "transcripts"


def test_every_setting_is_documented_in_env_example() -> None:
    from conftest import ROOT

    documented = (ROOT / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        aliases = getattr(field.validation_alias, "choices", None) or [f"INTERVIEWER_{name.upper()}"]
        assert any(alias in documented for alias in aliases), name


def test_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from interviewer.settings import load_settings

    monkeypatch.setenv("INTERVIEWER_MODEL", "env-model")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env.test/v1")
    assert load_settings().model == "env-model"
    overridden = load_settings(model="flag-model", base_url="http://flag.test/v1")
    assert (overridden.model, overridden.base_url) == ("flag-model", "http://flag.test/v1")


def test_a_bad_environment_variable_is_one_error_naming_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTERVIEWER_TIMEOUT", "abc")
    with pytest.raises(InterviewerError, match=r"^INTERVIEWER_TIMEOUT \(environment variable\): .*valid number"):
        load_settings()


def test_a_bad_value_in_env_file_names_the_file_line_and_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INTERVIEWER_MAX_RETRIES", raising=False)
    (tmp_path / ".env").write_text("# settings\nINTERVIEWER_MODEL=stub\nexport interviewer_max_retries=99\n")
    with pytest.raises(InterviewerError, match=r"^\.env:3: INTERVIEWER_MAX_RETRIES: .*less than or equal to 10"):
        load_settings()


def test_a_non_utf8_env_file_names_its_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes(b"INTERVIEWER_MODEL=stub\nINTERVIEWER_MODEL=caf\xe9\n")
    with pytest.raises(InterviewerError, match=r"^\.env:2: not valid UTF-8"):
        load_settings()


def test_a_data_dir_with_an_unknown_user_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", "~nosuchuser-interviewer/practice")
    with pytest.raises(InterviewerError, match=r"^INTERVIEWER_DATA_DIR .*'~nosuchuser-interviewer'"):
        load_settings()


def test_writable_dir_creates_the_folder_and_leaves_nothing_behind(tmp_path: Path) -> None:
    from interviewer.settings import writable_dir

    target = tmp_path / "a" / "b"
    assert writable_dir(target, "hint") == target
    assert target.is_dir() and list(target.iterdir()) == []


@pytest.mark.parametrize("where", ["file", "file/below"])
def test_writable_dir_refuses_a_file_in_the_way(tmp_path: Path, where: str) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import writable_dir

    (tmp_path / "file").write_text("x")
    with pytest.raises(InterviewerError, match=r"file.*; use --out"):
        writable_dir(tmp_path / where, "use --out")


# -- the base URL is checked wherever it comes from: one line naming where, no traceback (issue 7)

BAD_URLS = [
    ("http://127.0.0.1:99999/v1", "not a valid URL"),
    ("http://[::1", "not a valid URL"),
    ("http://host.test:abc/v1", "not a valid URL"),
    ("http://host.test\x1b]0;pwned\x07/v1", "spaces or control characters"),
    ("http://host .test/v1", "spaces or control characters"),
    ("ftp://host.test/v1", "must start with http:// or https://"),
    ("host.test/v1", "must start with http:// or https://"),
    ("http:///v1", "names no host"),
    ("http://host.test:0/v1", "port 0"),
]


@pytest.mark.parametrize(("url", "problem"), BAD_URLS)
def test_a_bad_base_url_in_the_environment_is_one_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, problem: str
) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    with pytest.raises(InterviewerError, match=rf"^OPENAI_BASE_URL \(environment variable\): .*{problem}"):
        load_settings()


@pytest.mark.parametrize(("url", "problem"), BAD_URLS)
def test_a_bad_base_url_flag_is_one_error_naming_the_flag(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, problem: str
) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(InterviewerError, match=rf"^--base-url: .*{problem}"):
        load_settings(model="x", base_url=url)


@pytest.mark.parametrize("name", ["OPENAI_BASE_URL", "INTERVIEWER_BASE_URL"])
def test_a_bad_base_url_in_env_file_names_the_line_and_the_variable_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("INTERVIEWER_BASE_URL", raising=False)
    (tmp_path / ".env").write_text(f"INTERVIEWER_MODEL=x\n{name}=http://127.0.0.1:99999/v1\n")
    with pytest.raises(InterviewerError, match=rf"^\.env:2: {name}: 'http://127.0.0.1:99999/v1': not a valid URL"):
        load_settings()


def test_a_bad_base_url_is_shown_without_its_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:hunter2@host.test:99999/v1")
    with pytest.raises(InterviewerError) as excinfo:
        load_settings()
    assert "hunter2" not in str(excinfo.value) and "http://***@host.test:99999/v1" in str(excinfo.value)
    with pytest.raises(InterviewerError) as excinfo:
        load_settings(base_url="http://user:hunter2@[::1")
    assert "hunter2" not in str(excinfo.value) and str(excinfo.value).startswith("--base-url: ")


@pytest.mark.parametrize(
    "url", ["http://localhost:11434/v1", "https://user:pw@host.test/v1", "http://[::1]:8000/v1", "HTTPS://h.test"]
)
def test_good_base_urls_are_accepted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> None:
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    assert load_settings().base_url == url
    assert load_settings(base_url=url).base_url == url


def test_an_empty_base_url_variable_means_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from interviewer.settings import DEFAULT_BASE_URL, load_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    assert load_settings().base_url == DEFAULT_BASE_URL


def test_a_bad_base_url_from_the_command_line_is_exit_2_without_traceback(tmp_path: Path) -> None:
    from conftest import ANSWERS, run_cli

    answers = str(ANSWERS / "ad-click-prediction-weak.yaml")
    for url in ("http://127.0.0.1:99999/v1", "http://[::1"):
        result = run_cli("grade", answers, "--model", "x", "--base-url", url)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("interviewer: error: --base-url: ") and result.stderr.count("\n") == 1


# -- a `.env` that is not a plain text file of NAME=value lines (issue 7)


def run_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`interviewer ARGS` run in `folder`, where its `.env` is read (conftest's `run_cli` runs in the repository)."""
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args], capture_output=True, text=True, cwd=folder, timeout=30
    )


def test_a_fifo_env_file_is_refused_without_blocking(tmp_path: Path) -> None:
    from conftest import ANSWERS

    os.mkfifo(tmp_path / ".env")
    result = run_in(tmp_path, "grade", str(ANSWERS / "ad-click-prediction-weak.yaml"))  # a hang: TimeoutExpired
    assert result.returncode == 2
    assert result.stderr == "interviewer: error: .env: is a FIFO (named pipe), expected a regular file\n"


def test_a_folder_named_env_is_not_a_settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").mkdir()  # `python -m venv .env`
    (tmp_path / ".env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert load_settings().model == "stub"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('INTERVIEWER_TIMEOUT="abc\n', r"^\.env:1: cannot parse this line \(INTERVIEWER_TIMEOUT: the quoted value"),
        ("INTERVIEWER_MODEL=x\nOPENAI_API_KEY='sk-secret-abc\n", r"^\.env:2: .*\(OPENAI_API_KEY: the quoted value"),
        ("# ok\nINTERVIEWER_MODEL=x\nnot a setting\n", r"^\.env:3: cannot parse this line \(expected NAME=value\)$"),
    ],
)
def test_an_env_line_dotenv_cannot_parse_is_one_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, expected: str
) -> None:
    from interviewer.errors import InterviewerError
    from interviewer.settings import load_settings

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(text)
    with pytest.raises(InterviewerError, match=expected) as excinfo:
        load_settings()
    assert "sk-secret" not in str(excinfo.value)  # the value may be a key: it is never quoted


def test_an_unparsable_env_line_is_exit_2_and_one_line(tmp_path: Path) -> None:
    from conftest import ANSWERS

    (tmp_path / ".env").write_text('INTERVIEWER_TIMEOUT="abc\n')
    result = run_in(tmp_path, "grade", str(ANSWERS / "ad-click-prediction-weak.yaml"))
    assert result.returncode == 2
    assert result.stderr == (
        "interviewer: error: .env:1: cannot parse this line (INTERVIEWER_TIMEOUT: the quoted value is not closed)\n"
    )
