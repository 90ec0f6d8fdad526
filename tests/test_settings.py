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
