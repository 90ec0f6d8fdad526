"""User settings, from the environment and a `.env` file in the working directory.

Interviewer settings start with `INTERVIEWER_`; the endpoint and key use the names every OpenAI-compatible tool
reads, `OPENAI_BASE_URL` and `OPENAI_API_KEY`. Command-line flags (`--model`, `--base-url`) override them.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.errors import InterviewerError

STUB = "stub"
ENV_FILE = ".env"
MAX_ENV_FILE_BYTES = 1024 * 1024
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
    """Seconds all the tries of one request may take together, waits included (the judge's calls)."""

    turn_budget: float = Field(15.0, gt=0)
    """Seconds the candidate waits at most for the model's turn in the interview, tries included, from the request
    to its last word; after that the offline interviewer says the turn."""

    model_strikes: int = Field(3, ge=1, le=50)
    """Model turns in a row that may fail (an error, a broken stream, words off the plan) before the offline
    interviewer speaks for the rest of the interview."""

    temperature: float = Field(0.3, ge=0, le=2)
    """Sampling temperature of the interviewer; the judge always uses 0."""

    seed: int | None = None
    """Sampling seed, for endpoints that honour it (repeatable runs)."""

    judge_concurrency: int | None = Field(None, ge=1, le=16)
    """How many steps the judge grades at once. Default: one at a time for a server on this machine or the local
    network (llama.cpp, Ollama and LM Studio answer one request at a time; the others would time out waiting), seven
    otherwise."""

    paraphrase: bool = True
    """Also credit ideas said in other words than the rubric's (the paraphrase backstop), when the extra is installed:
    `pip install 'interviewer[paraphrase]'`. `false`: the grade reads the rubric's phrasings only."""

    price_input_per_1m: float = Field(0.0, ge=0)
    """Price of 1M input tokens in dollars, for the cost estimate (0: not shown)."""

    price_output_per_1m: float = Field(0.0, ge=0)
    """Price of 1M output tokens in dollars, for the cost estimate."""

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value:  # `OPENAI_BASE_URL=` (an empty variable, as compose files pass them) means: not set
            return DEFAULT_BASE_URL
        problem = base_url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("data_dir")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        try:
            return value.expanduser()
        except RuntimeError:  # `~nosuchuser/x`, or `~` with no home directory
            raise ValueError(f"cannot expand {value.parts[0]!r}: no such user or no home directory") from None

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

    @property
    def judge_workers(self) -> int:
        """`judge_concurrency`, or its default for the endpoint."""
        if self.judge_concurrency is not None:
            return self.judge_concurrency
        import ipaddress
        from urllib.parse import urlsplit

        host = (urlsplit(self.base_url).hostname or "").lower()
        try:  # a server on this machine or the local network (a laptop's Ollama, a box under the desk)
            local = ipaddress.ip_address(host).is_private or ipaddress.ip_address(host).is_unspecified
        except ValueError:
            local = host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost", ".lan"))
        return 1 if local else 7

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.price_input_per_1m + output_tokens * self.price_output_per_1m) / 1_000_000


def load_settings(model: str | None = None, base_url: str | None = None) -> Settings:
    """Settings from the environment and `.env`, with command-line overrides; a bad value is one InterviewerError
    naming the variable (and the `.env` line it came from)."""
    overrides = {key: value for key, value in (("model", model), ("base_url", base_url)) if value}
    # `model_copy(update=...)` below skips validation: a flag is checked here, and named as the flag.
    if base_url and (problem := base_url_problem(base_url)):
        raise InterviewerError(f"--base-url: {problem}")
    _check_env_file()
    try:
        settings = Settings()
    except ValidationError as exc:
        raise InterviewerError(_settings_problem(exc)) from None
    except UnicodeDecodeError:  # a `.env` that is not a regular file, so `_check_env_file` could not read it first
        raise InterviewerError(f"{ENV_FILE}: not valid UTF-8 text") from None
    return settings.model_copy(update=overrides) if overrides else settings


# ---------------------------------------------------------------------------------------------------------------------
# Bad settings as one line, and folders to save in


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint, or None. Checked up front because httpx fails late and loudly on a bad one
    (a port over 65535 is an OverflowError inside an ExceptionGroup at the first request). The URL is quoted
    without its credentials; the caller's printer neutralises any control character in it."""
    from urllib.parse import urlsplit

    from interviewer.redact import redact_url

    shown = redact_url(url)
    if any(char.isspace() or not char.isprintable() for char in url):
        return f"{shown!r}: a URL cannot contain spaces or control characters"
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port
    except ValueError:  # `http://[::1` (an unclosed IPv6 address), a port that is not a number or out of range
        return f"{shown!r}: not a valid URL (check the host and the port: a number from 1 to 65535)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{shown!r}: must start with http:// or https://"
    if not hostname:
        return f"{shown!r}: names no host"
    if port == 0:
        return f"{shown!r}: port 0 is not a port a server listens on"
    return None


def _check_env_file() -> None:
    """Refuse a `.env` that pydantic-settings would choke or hang on, with one line naming the file and the line:
    a FIFO or device (reading it would block forever, so it is never opened), a binary or non-UTF-8 file (a bare
    UnicodeDecodeError), and a line python-dotenv cannot parse (it would print a warning and drop the value). A
    folder named `.env` (a common name for a virtualenv) is not a settings file and is left alone, as
    pydantic-settings does."""
    try:
        info = os.stat(ENV_FILE)
    except OSError:  # none here (or not even stat-able): there is no `.env` to read
        return
    if stat.S_ISDIR(info.st_mode):
        return
    from interviewer.yamlfile import read_text

    text = read_text(Path(ENV_FILE), MAX_ENV_FILE_BYTES)  # refuses anything but a regular file, before opening it
    _check_env_syntax(text)


def _check_env_syntax(text: str) -> None:
    """The first line python-dotenv cannot parse, as one error. The file is at most 1 MB and usually a few lines,
    so parsing it once more than pydantic-settings does costs nothing that matters."""
    from dotenv.parser import parse_stream

    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            line = binding.original.string.splitlines()[0] if binding.original.string else ""
            raise InterviewerError(f"{ENV_FILE}:{binding.original.line}: cannot parse this line ({_why(line)})")


def _why(line: str) -> str:
    """What is wrong with an unparsable `.env` line, naming the variable but never quoting the value (a key)."""
    match = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.?)", line)
    if not match:
        return "expected NAME=value"
    name, opening = match.groups()
    if opening in ("'", '"'):
        return f"{name}: the quoted value is not closed"
    return f"{name}: expected NAME=value"


def _env_name(field: str | int) -> str:
    """The variable a pydantic error location refers to: an alias already is one; a field name gets the prefix."""
    name = str(field)
    fields = {
        str(choice).upper(): key
        for key, info in Settings.model_fields.items()
        for choice in getattr(info.validation_alias, "choices", ())
    }
    name = fields.get(name.upper(), name)  # an alias: which of the field's aliases was set is found below
    if name not in Settings.model_fields:
        return name.upper()
    alias = Settings.model_fields[name].validation_alias
    choices = [str(choice) for choice in getattr(alias, "choices", ())]
    for choice in choices:
        if choice in os.environ:
            return choice
    for choice in choices:  # `INTERVIEWER_BASE_URL` in `.env` is named as such, not as its first alias
        if _env_file_line(choice) is not None:
            return choice
    return choices[0] if choices else f"INTERVIEWER_{name.upper()}"


def _env_file_line(name: str) -> int | None:
    """The `.env` line that sets `name` (names match case-insensitively, as pydantic-settings reads them)."""
    pattern = re.compile(rf"^\s*(?:export\s+)?{re.escape(name)}\s*=", re.IGNORECASE)
    try:
        text = Path(ENV_FILE).read_text(encoding="utf-8") if Path(ENV_FILE).is_file() else ""
    except (OSError, UnicodeDecodeError):
        return None
    found = None
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            found = number  # the last one wins, as in python-dotenv
    return found


def _settings_problem(exc: ValidationError) -> str:
    """`NAME (environment variable): message` or `.env:LINE: NAME: message`, for the first problem."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    name = _env_name(first["loc"][0]) if first["loc"] else "settings"
    message = first["msg"].removeprefix("Value error, ")
    in_environment = any(key.upper() == name for key in os.environ)
    line = None if in_environment else _env_file_line(name)
    where = f"{ENV_FILE}:{line}: {name}" if line is not None else f"{name} (environment variable)"
    extra = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {message}{extra}"


def writable_dir(directory: Path, hint: str) -> Path:
    """`directory`, created if needed, once a file could be written in it. Checked before an interview starts, so a
    read-only home, a data folder that is a file or an unwritable `--out` is one clear line instead of a failed first
    save. `hint` says how to choose another place."""
    import tempfile

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InterviewerError(f"{directory}: is a file, expected a folder; {hint}") from None
    except NotADirectoryError:
        raise InterviewerError(f"{directory}: part of this path is a file, not a folder; {hint}") from None
    except OSError as exc:
        raise InterviewerError(f"{directory}: cannot create this folder ({exc.strerror}); {hint}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".interviewer-write-check-", dir=directory)
    except OSError as exc:
        raise InterviewerError(f"{directory}: cannot save files here ({exc.strerror}); {hint}") from None
    os.close(fd)
    os.unlink(probe)
    return directory
