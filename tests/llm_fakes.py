"""Fake OpenAI-compatible HTTP answers for respx: completions, SSE streams, errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx

from interviewer.settings import Settings

BASE = "http://llm.test/v1"
URL = f"{BASE}/chat/completions"
SECRET = "sk-test-SECRET-key-0123456789"


def settings(**overrides) -> Settings:
    values = dict(
        model="test-model",
        base_url=BASE,
        api_key=SECRET,
        max_retries=2,
        retry_budget=30,
        timeout=5,
        price_input_per_1m=1.0,
        price_output_per_1m=2.0,
    )
    values.update(overrides)
    return Settings(**values)


def completion(content: str, prompt_tokens: int = 20, completion_tokens: int = 10) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "test-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    )


def _chunk(delta: str | None, usage: tuple[int, int] | None = None) -> str:
    body: dict = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "test-model"}
    body["choices"] = [] if delta is None else [{"index": 0, "delta": {"content": delta}, "finish_reason": None}]
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return f"data: {json.dumps(body)}\n\n"


def stream(*deltas: str, usage: tuple[int, int] | None = (30, 8)) -> httpx.Response:
    text = "".join(_chunk(delta) for delta in deltas)
    if usage:
        text += _chunk(None, usage)
    text += "data: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())


class _BrokenStream(httpx.AsyncByteStream):
    def __init__(self, first: str):
        self.first = first

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield _chunk(self.first).encode()
        raise httpx.ReadError("connection reset by peer")


def broken_stream(first: str) -> httpx.Response:
    """A stream that sends one piece of text, then the connection drops."""
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=_BrokenStream(first))


def error(status: int, message: str = "nope", headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers or {}, json={"error": {"message": message, "type": "error"}})


class Sleeps:
    """Records the waits tenacity asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
