"""Streaming text into a Markdown widget: deltas go through `Markdown.get_stream`, coalesced, then one full update."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from interviewer.terminal import printable

if TYPE_CHECKING:
    from textual.widgets import Markdown

    from interviewer.interview import Reset

COALESCE_SECONDS = 0.05


async def stream_into(widget: Markdown, chunks: AsyncIterator[str | Reset], interval: float = COALESCE_SECONDS) -> str:
    """Show chunks as they arrive (at most one write per `interval`) and return the whole text.

    The final `update` re-parses the complete text, which fixes blocks that were half-parsed while streaming. If the
    caller is cancelled, the stream stops and the exception propagates: the caller decides what a partial text means.
    What is shown goes through `printable` (an escape sequence cut between two writes is still shown as text, in two
    tokens, until the final update); the text returned is the model's, unchanged, for the transcript.
    """
    stream = type(widget).get_stream(widget)
    parts: list[str] = []
    pending: list[str] = []
    last_write = 0.0
    try:
        async for chunk in chunks:
            if not isinstance(chunk, str):  # a `Reset`: the stream broke, what was shown is void, the fallback follows
                await stream.stop()
                parts.clear()
                pending.clear()
                await widget.update("")
                stream = type(widget).get_stream(widget)
                await asyncio.sleep(0)  # let the new stream's task start: stopping one never started raises
                last_write = 0.0
                continue
            parts.append(chunk)
            pending.append(chunk)
            now = time.monotonic()
            if now - last_write >= interval:
                await stream.write(printable("".join(pending), markdown=True))
                pending.clear()
                last_write = now
    finally:
        await stream.stop()
    text = "".join(parts)
    await widget.update(printable(text, markdown=True))
    return text
