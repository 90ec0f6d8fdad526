from __future__ import annotations

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
