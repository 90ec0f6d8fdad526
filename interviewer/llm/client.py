"""An OpenAI-compatible chat client: streaming, retries, clear errors, structured output that copes with any server.

Built on the official `openai` async SDK with its own retries off: tenacity retries what is worth retrying (429,
5xx, timeouts, connection errors) with exponential backoff and jitter, honouring `Retry-After`, bounded in attempts
and in total time. A stream is retried only before its first token; after that a retry would repeat text.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, Literal, TypeVar

import httpx
import openai
from openai import AsyncOpenAI, AsyncStream
from openai.types.chat import ChatCompletion
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from interviewer.errors import InterviewerError
from interviewer.redact import redact, redact_url, register_secret, register_url_secrets
from interviewer.settings import Settings
from interviewer.usage import Usage

_InvalidURL2: type[BaseException]
try:  # the SDK parses the endpoint with httpx2 where it ships it, and sends through the httpx client given to it
    import httpx2

    _InvalidURL2 = httpx2.InvalidURL
except ImportError:  # pragma: no cover - SDK versions without httpx2
    _InvalidURL2 = httpx.InvalidURL

T = TypeVar("T")
# A URL that httpx cannot use: refused at construction, or only at connect (a port over 65535 is an OverflowError,
# inside an ExceptionGroup from anyio). Settings check the URL first; this is the second guard.
URL_ERRORS: tuple[type[BaseException], ...] = (
    httpx.InvalidURL,
    _InvalidURL2,
    httpx.UnsupportedProtocol,
    OverflowError,
    UnicodeError,  # a host that IDNA cannot encode
)
CONSTRUCTION_ERRORS: tuple[type[BaseException], ...] = (*URL_ERRORS, ValueError)  # what the SDK's client may raise
# What the endpoint accepts for structured output, tried in this order and remembered once learnt.
JsonMode = Literal["json_schema", "json_object_schema", "json_object", "text"]
JSON_MODES: tuple[JsonMode, ...] = ("json_schema", "json_object_schema", "json_object", "text")
REFUSAL_STATUSES = (400, 422)

# Structured calls (the judge) are made repeatable: temperature 0 and a fixed seed unless the settings give one.
JSON_SEED = 7
# The share of an interview turn's budget its first words may take before the request is tried again.
FIRST_WORDS_SHARE = 1 / 3
# A structured call waits `Settings.timeout` for a prompt up to this long, and proportionally longer beyond.
TIMEOUT_PROMPT_CHARS = 4000


class ModelError(InterviewerError):
    """The endpoint could not give an answer; the message names it and says why, in one line."""

    def __init__(self, message: str, status: int | None = None, refused_format: bool = False):
        # Servers echo keys and URLs in their errors; the message is shown, and saved in transcript notices.
        super().__init__(redact(message))
        self.status = status
        self.refused_format = refused_format or status in REFUSAL_STATUSES


class StreamCut(ModelError):
    """The stream broke after some text had arrived."""


class MalformedReply(ModelError):
    """The answer was not the JSON that was asked for."""


def retry_after_seconds(exc: BaseException) -> float | None:
    """The wait a 429 or 503 asks for, from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def rejects_response_format(exc: BaseException) -> bool:
    """A server that does not know a `response_format` (llama.cpp's answers 500 to `json_schema`)."""
    return isinstance(exc, openai.APIStatusError) and "response_format" in f"{exc.message} {exc.body}"


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError | MalformedReply):
        return True  # a malformed answer is a server's passing failure, like a 5xx
    if rejects_response_format(exc):  # asking again would only be refused again
        return False
    return isinstance(exc, openai.APIStatusError) and (exc.status_code >= 500 or exc.status_code in (408, 409))


def extract_json(text: str) -> Any:
    """JSON from a model's text: as is, inside a ``` fence, or the outermost {...}, forgiving trailing commas."""
    candidates = [text.strip()]
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        candidates.append(fenced.group(1).strip())
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        for attempt in (candidate, re.sub(r",\s*([}\]])", r"\1", candidate)):
            try:
                return json.loads(attempt)
            except (json.JSONDecodeError, ValueError):
                continue
    raise ValueError("no JSON object found")


class ModelClient:
    def __init__(
        self,
        settings: Settings,
        *,
        http_client: Any = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ):
        self.settings = settings
        self.model = settings.model
        self.endpoint = settings.base_url.rstrip("/")  # as configured, credentials included: only the SDK sees it
        self.base_url = redact_url(self.endpoint)  # what messages name
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"  # local servers take none
        register_secret(key)
        register_url_secrets(self.endpoint)
        # An httpx client of our own (the SDK accepts one): the same transport in use and in tests, where respx
        # mocks it, and a read timeout that bounds the wait between two tokens of a stream.
        http_client = http_client or httpx.AsyncClient(timeout=httpx.Timeout(settings.timeout, connect=10.0))
        try:
            self._client = AsyncOpenAI(
                api_key=key, base_url=self.endpoint, timeout=settings.timeout, max_retries=0, http_client=http_client
            )
        except CONSTRUCTION_ERRORS as exc:
            raise self.bad_url(exc) from None
        self._sleep = sleep
        self.json_mode: JsonMode = JSON_MODES[0]
        self.stream_usage = True  # ask streams for a usage chunk until the server says it cannot
        self.usage = Usage()
        self._backoff = wait_exponential_jitter(multiplier=0.5, max=8.0)

    # -- retries and errors ----------------------------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc) if exc else None
        if asked is not None:
            return min(asked, self.settings.retry_budget)
        return self._backoff(state)

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        kwargs: dict[str, Any] = {"sleep": self._sleep} if self._sleep else {}
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_retries + 1) | stop_after_delay(self.settings.retry_budget),
            wait=self._wait,
            retry=retry_if_exception(is_transient),
            reraise=True,
            **kwargs,
        )
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    return await call()
        except openai.OpenAIError as exc:
            raise self.explain(exc, attempts) from None
        except URL_ERRORS as exc:
            raise self.bad_url(exc) from None
        except BaseExceptionGroup as group:
            if group.subgroup(URL_ERRORS) is None:
                raise
            raise self.bad_url(_first_leaf(group.subgroup(URL_ERRORS))) from None
        raise ModelError(f"{self.base_url}: no answer")  # pragma: no cover - tenacity always returns or raises

    def bad_url(self, exc: BaseException) -> ModelError:
        """One line for an endpoint URL httpx cannot use; httpx's reason may quote the URL, so it is redacted too."""
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return ModelError(f"{self.base_url}: not a usable endpoint URL ({redact(reason)[:160]}); check the base URL")

    def explain(self, exc: BaseException, attempts: int = 1) -> ModelError:
        tries = f" after {attempts} tries" if attempts > 1 else ""
        if isinstance(exc, openai.APITimeoutError):
            return ModelError(f"{self.base_url} did not answer within {self.settings.timeout:g}s{tries}")
        if isinstance(exc, openai.APIConnectionError):
            return ModelError(f"cannot connect to {self.base_url}{tries}")
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            detail = _short_detail(exc)
            messages = {
                401: f"API key rejected by {self.base_url} (401){detail}",  # an echoed key is redacted (ModelError)
                403: f"access denied by {self.base_url} (403){detail}",
                404: f"model {self.model!r} or its route not found at {self.base_url} (404){detail}",
                429: f"{self.base_url} is rate limiting (429){tries}",
            }
            if status in messages:
                return ModelError(messages[status], status)
            if status >= 500:
                failed = f"{self.base_url} failed with {status}{tries}{detail}"
                return ModelError(failed, status, refused_format=rejects_response_format(exc))
            return ModelError(f"request rejected by {self.base_url} ({status}){detail}", status)
        return ModelError(f"{self.base_url}: {type(exc).__name__}")

    def _account(self, input_tokens: int, output_tokens: int, estimated: bool = False) -> Usage:
        used = Usage(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            calls=1,
            cost_usd=round(self.settings.cost(input_tokens, output_tokens), 6),
            estimated=estimated,
        )
        self.usage = self.usage + used
        return used

    # -- calls -----------------------------------------------------------------------------------------------------

    async def stream_chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 300,
        stop: list[str] | None = None,
        on_usage: Callable[[Usage], None] | None = None,
    ) -> AsyncGenerator[str, None]:
        """Text deltas of one chat completion, within the turn's budget (`Settings.turn_budget`, tries included).

        Raises `ModelError` before any text (a slow first token is retried like a timeout), `StreamCut` after some.
        A stream is complete only when the server gives a finish reason: one that just stops is a broken stream.
        The request is closed however the stream ends, so an abandoned server stops working on it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.turn_budget
        try:
            async with asyncio.timeout_at(deadline):
                try:
                    stream, first = await self._with_retries(partial(self._open_stream, messages, max_tokens, stop))
                except ModelError as exc:
                    if not (self.stream_usage and exc.refused_format):
                        raise
                    self.stream_usage = False  # some servers refuse stream_options; ask without it from now on
                    stream, first = await self._with_retries(partial(self._open_stream, messages, max_tokens, stop))
        except TimeoutError:
            raise self._over_budget() from None
        parts: list[str] = []
        reported: tuple[int, int] | None = None
        finished = False
        chunks = _chunks_after(first, stream)
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
                reported = _usage_of(chunk) or reported
                for finish, delta in _pieces(chunk, self.base_url):
                    finished = finished or finish
                    if delta:
                        parts.append(delta)
                        yield delta
        except TimeoutError:
            raise StreamCut(f"{self._over_budget()} (after {len(parts)} pieces)") from None
        except (openai.OpenAIError, httpx.HTTPError, ValueError) as exc:  # ValueError: a chunk that is not JSON
            raise StreamCut(f"the stream from {self.base_url} broke after {len(parts)} pieces: {exc}") from None
        finally:
            await stream.close()
        if not finished:
            raise StreamCut(f"the stream from {self.base_url} ended after {len(parts)} pieces without finishing")
        estimated = reported is None
        if reported is None:  # the server sent no usage: estimate about four characters a token
            reported = (sum(len(m["content"]) for m in messages) // 4, len("".join(parts)) // 4)
        used = self._account(*reported, estimated=estimated)
        if on_usage:
            on_usage(used)

    async def _open_stream(
        self, messages: list[dict[str, str]], max_tokens: int, stop: list[str] | None
    ) -> tuple[AsyncStream[object], list[Any]]:
        """Open a stream and wait for its first words (or its end), within a share of the turn's budget: a server
        that is slow to start is retried like a timeout (the read timeout alone is longer than the whole budget),
        which the stream could not be once text had been shown."""
        settings = self.settings
        options: dict[str, Any] = {"stream_options": {"include_usage": True}} if self.stream_usage else {}
        stream: AsyncStream[object] | None = None
        first: list[Any] = []
        try:
            async with asyncio.timeout(min(settings.timeout, settings.turn_budget * FIRST_WORDS_SHARE)):
                # The request `chat.completions.create` sends, without its per-call costs: a body already in wire
                # form needs none of the SDK's conversion (each message tried against six message types), and the
                # chunks are read as the JSON they are (`cast_to=object`) rather than built into models. Together
                # they were about a third of the app's own time in a model turn. Auth, headers and errors are the SDK's.
                body = {
                    "model": self.model,
                    "stream": True,
                    "messages": messages,
                    "max_tokens": max_tokens,
                    "seed": settings.seed,
                    "stop": stop or None,
                    **options,
                    "temperature": settings.temperature,
                }
                stream = await self._client.post(
                    "/chat/completions",
                    body=body,
                    cast_to=object,
                    options={"security": {"bearer_auth": True}},
                    stream=True,
                    stream_cls=AsyncStream[object],
                )
                async for chunk in stream:
                    first.append(chunk)
                    if any(finish or delta for finish, delta in _pieces(chunk, self.base_url)):
                        break
        except (TimeoutError, httpx.TimeoutException):
            await _close(stream)
            # The SDK's type names httpx2's Request; one of httpx's is what it is given everywhere else too.
            raise openai.APITimeoutError(request=httpx.Request("POST", self.base_url)) from None  # type: ignore[arg-type]
        except MalformedReply:
            await _close(stream)
            raise
        except ValueError as exc:  # an event whose data is not JSON
            await _close(stream)
            raise MalformedReply(f"{self.base_url} streamed something that is not JSON ({exc})") from None
        except BaseException:
            await _close(stream)
            raise
        assert stream is not None
        return stream, first

    def _over_budget(self) -> ModelError:
        return ModelError(f"{self.base_url} did not finish the turn within {self.settings.turn_budget:g}s")

    async def complete_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any], name: str, *, max_tokens: int = 1500
    ) -> tuple[Any, Usage]:
        """A JSON answer, asking in the strictest form the endpoint accepts and remembering what that is."""
        while True:
            mode = self.json_mode
            try:
                response = await self._with_retries(
                    partial(self._create_json, messages, schema, name, mode, max_tokens)
                )
            except ModelError as exc:
                if exc.refused_format and mode != "text":
                    self.json_mode = JSON_MODES[JSON_MODES.index(mode) + 1]
                    continue
                raise
            usage = response.usage
            used = self._account(
                usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0, estimated=usage is None
            )
            try:  # the SDK builds the answer without validating it: any field may be missing
                text = response.choices[0].message.content or "" if response.choices else ""
                return extract_json(text), used
            except (ValueError, AttributeError, TypeError):
                raise MalformedReply(f"{self.base_url} answered without the JSON asked for") from None

    async def _create_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any], name: str, mode: JsonMode, max_tokens: int
    ) -> Any:
        formats: dict[str, Any] = {
            "json_schema": {"type": "json_schema", "json_schema": {"name": name, "schema": schema}},
            "json_object_schema": {"type": "json_object", "schema": schema},  # llama.cpp's form
            "json_object": {"type": "json_object"},
        }
        extra: dict[str, Any] = {"response_format": formats[mode]} if mode in formats else {}
        # A long prompt takes a slow local server longer to read before it writes anything: the wait scales with it.
        prompt_chars = sum(len(message["content"]) for message in messages)
        timeout = self.settings.timeout * max(1.0, prompt_chars / TIMEOUT_PROMPT_CHARS)
        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=0,
                seed=JSON_SEED if self.settings.seed is None else self.settings.seed,
                max_tokens=max_tokens,
                timeout=timeout,
                **extra,
            )
        except ValueError as exc:  # a 200 whose body is not JSON (json.JSONDecodeError is a ValueError)
            raise MalformedReply(f"{self.base_url} answered with a body that is not JSON ({exc})") from None
        if not isinstance(response, ChatCompletion):  # text or HTML under a 200: the SDK hands it over as it is
            raise MalformedReply(f"{self.base_url} answered with something that is not a chat completion")
        return response


async def _close(stream: AsyncStream[object] | None) -> None:
    if stream is not None:
        await stream.close()


def _field(data: Any, name: str) -> Any:
    """`data[name]` of a JSON object, None for anything else (a streamed chunk is JSON as the server sent it)."""
    return data.get(name) if isinstance(data, dict) else None


def _pieces(chunk: Any, base_url: str) -> list[tuple[bool, str | None]]:
    """(finished, text) of each choice of a streamed chunk, whatever shape the server gave it: a chunk that is JSON
    but not a chat completion chunk (choices that are not a list, text that is not a string) is `MalformedReply`."""
    choices = _field(chunk, "choices")
    if choices is None:
        return []
    if not isinstance(choices, list):
        raise MalformedReply(f"{base_url} streamed a chunk whose choices are not a list")
    pieces = []
    for choice in choices:
        content = _field(_field(choice, "delta"), "content")
        if content is not None and not isinstance(content, str):
            raise MalformedReply(f"{base_url} streamed text that is not a string ({type(content).__name__})")
        pieces.append((bool(_field(choice, "finish_reason")), content))
    return pieces


def _usage_of(chunk: Any) -> tuple[int, int] | None:
    usage = _field(chunk, "usage")
    prompt, completion = _field(usage, "prompt_tokens"), _field(usage, "completion_tokens")
    if isinstance(prompt, int) and isinstance(completion, int):
        return prompt, completion
    return None


async def _chunks_after(first: list[Any], stream: Any) -> AsyncIterator[Any]:
    """The chunks read while waiting for the first words, then the rest of the stream."""
    for chunk in first:
        yield chunk
    async for chunk in stream:
        yield chunk


def _first_leaf(group: BaseException | None) -> BaseException:
    while isinstance(group, BaseExceptionGroup):
        group = group.exceptions[0]
    assert group is not None
    return group


def _short_detail(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
    if not message:
        return ""
    # Redacted before it is cut short: a cut can split a secret into a piece nothing would recognise (`user:secr`).
    message = redact(" ".join(str(message).split()))
    return f": {message[:160]}"
