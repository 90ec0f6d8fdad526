"""User settings from the environment and `.env` (each name starts with `INTERVIEWER_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", env_file=".env", extra="ignore")

    data_dir: Path | None = None
    """Where transcripts are saved (under `transcripts/`). Default: the platform's user data folder."""

    model: str = "stub"
    """The interviewer: `stub` (offline, deterministic). Model back ends arrive with the LLM issue."""

    @field_validator("data_dir")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    def transcripts_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir / "transcripts"
        from platformdirs import user_data_path

        return user_data_path("interviewer", appauthor=False) / "transcripts"


def load_settings() -> Settings:
    return Settings()
