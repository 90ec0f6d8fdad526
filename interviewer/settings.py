"""User settings from the environment and `.env` (names start with `INTERVIEWER_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", env_file=".env", extra="ignore")

    data_dir: Path | None = Field(
        None, description="Where transcripts are saved. Default: the platform's user data folder for interviewer."
    )
    """Where transcripts are saved. Default: the platform's user data folder (platformdirs)."""

    model: str = "stub"
    """The interviewer: `stub` (offline, deterministic) or a model name served by an OpenAI-compatible endpoint."""

    def transcripts_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir / "transcripts"
        from platformdirs import user_data_path

        return user_data_path("interviewer", appauthor=False) / "transcripts"


def load_settings() -> Settings:
    return Settings()
