"""User settings, from the environment and a `.env` file in the working directory.

Interviewer settings start with `INTERVIEWER_`; the endpoint and key use the names every OpenAI-compatible tool
reads, `OPENAI_BASE_URL` and `OPENAI_API_KEY`. Command-line flags (`--model`, `--base-url`) override them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

STUB = "stub"
DEFAULT_BASE_URL = "https://api.openai.com/v1"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path | None = None
    """Where transcripts are saved (under `transcripts/`). Default: the platform's user data folder."""

    model: str = STUB
    """The interviewer and judge: `stub` (offline, deterministic) or a model name served by the endpoint."""

    base_url: str = Field(DEFAULT_BASE_URL, validation_alias=AliasChoices("OPENAI_BASE_URL", "INTERVIEWER_BASE_URL"))
    """Any OpenAI-compatible endpoint: OpenAI, Ollama (http://localhost:11434/v1), vLLM, llama.cpp, LM Studio."""

    api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY", "INTERVIEWER_API_KEY"))
    """The endpoint's key. Never printed, logged or saved; local servers usually need none."""

    timeout: float = Field(60.0, gt=0)
    """Seconds to wait for one request (for a stream: between tokens)."""

    max_retries: int = Field(3, ge=0, le=10)
    """Retries of a request that failed for a passing reason (429, 5xx, timeout, connection)."""

    retry_budget: float = Field(60.0, gt=0)
    """Seconds all the tries of one request may take together, waits included."""

    temperature: float = Field(0.3, ge=0, le=2)
    """Sampling temperature of the interviewer; the judge always uses 0."""

    seed: int | None = None
    """Sampling seed, for endpoints that honour it (repeatable runs)."""

    judge_concurrency: int = Field(7, ge=1, le=16)
    """How many steps the judge grades at once."""

    price_input_per_1m: float = Field(0.0, ge=0)
    """Price of 1M input tokens in dollars, for the cost estimate (0: not shown)."""

    price_output_per_1m: float = Field(0.0, ge=0)
    """Price of 1M output tokens in dollars, for the cost estimate."""

    @field_validator("data_dir")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def shown_base_url(self) -> str:
        """The endpoint as it may be printed: without a password in it or a key in its query."""
        from interviewer.redact import redact_url

        return redact_url(self.base_url)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # A repr lands in logs and in tracebacks that show locals: the endpoint's credentials stay out of it too.
        for name, value in super().__repr_args__():
            yield name, self.shown_base_url if name == "base_url" else value

    @property
    def uses_model(self) -> bool:
        return self.model != STUB

    def transcripts_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir / "transcripts"
        from platformdirs import user_data_path

        return user_data_path("interviewer", appauthor=False) / "transcripts"

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.price_input_per_1m + output_tokens * self.price_output_per_1m) / 1_000_000


def load_settings(model: str | None = None, base_url: str | None = None) -> Settings:
    """Settings from the environment and `.env`, with command-line overrides."""
    overrides = {key: value for key, value in (("model", model), ("base_url", base_url)) if value}
    settings = Settings()
    return settings.model_copy(update=overrides) if overrides else settings
