"""Fake OpenAI-compatible HTTP answers for respx: completions, SSE streams, errors."""

from __future__ import annotations

import asyncio
import json
import re
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


def _chunk(delta: str | None, usage: tuple[int, int] | None = None, finish: str | None = None) -> str:
    body: dict = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "test-model"}
    if finish:
        body["choices"] = [{"index": 0, "delta": {}, "finish_reason": finish}]
    else:
        body["choices"] = [] if delta is None else [{"index": 0, "delta": {"content": delta}, "finish_reason": None}]
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return f"data: {json.dumps(body)}\n\n"


def stream(
    *deltas: str, usage: tuple[int, int] | None = (30, 8), finish: str | None = "stop", done: bool = True
) -> httpx.Response:
    """A server-sent event stream as OpenAI sends it: the deltas, a finish reason, a usage chunk, `[DONE]`."""
    text = "".join(_chunk(delta) for delta in deltas)
    if finish:
        text += _chunk(None, finish=finish)
    if usage:
        text += _chunk(None, usage)
    if done:
        text += "data: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())


class _BrokenStream(httpx.AsyncByteStream):
    def __init__(self, first: str):
        self.first = first

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield _chunk(self.first).encode()
        raise httpx.ReadError("connection reset by peer")


class PacedStream(httpx.AsyncByteStream):
    """A stream that waits `before` seconds (really) ahead of each piece, or raises `ReadTimeout` ahead of the first
    when `stall` is set; records whether the client closed it."""

    def __init__(self, *deltas: str, before: float = 0.0, stall: bool = False):
        self.deltas, self.before, self.stall = deltas, before, stall
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.stall:
            raise httpx.ReadTimeout("no first token")
        for delta in self.deltas:
            await asyncio.sleep(self.before)
            yield _chunk(delta).encode()
        yield (_chunk(None, finish="stop") + "data: [DONE]\n\n").encode()

    async def aclose(self) -> None:
        self.closed = True


def paced(stream: PacedStream) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)


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


_MOVE = re.compile(r'Your move: [^\n]*"(?P<draft>[^"\n]+)"')  # the move is one line; the draft its last quote


def phrasing(request: httpx.Request) -> httpx.Response:
    """A well-behaved interviewer model: it says the stub's draft (quoted in its "move"), with a short lead-in."""
    messages = json.loads(request.content)["messages"]
    found = _MOVE.search(messages[-1]["content"])
    if found is None:  # the closing: no draft to say
        return stream("Thank you for your time today; ", "that is the end of our interview.")
    draft = found.group("draft")
    return stream("Thanks. ", draft[: len(draft) // 2], draft[len(draft) // 2 :])
