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
