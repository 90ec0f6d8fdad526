"""Streaming text into a Markdown widget: deltas go through `Markdown.get_stream`, coalesced, then one full update."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from interviewer.terminal import printable

if TYPE_CHECKING:
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownStream

    from interviewer.interview import Reset

COALESCE_SECONDS = 0.05


async def stream_into(widget: Markdown, chunks: AsyncIterator[str | Reset], interval: float = COALESCE_SECONDS) -> str:
    """Show chunks as they arrive (at most one write per `interval`) and return the whole text.

    The final `update` re-parses the complete text, which fixes blocks that were half-parsed while streaming. If the
    caller is cancelled, the stream stops and the exception propagates: the caller decides what a partial text means.
    What is shown goes through `printable` (an escape sequence cut between two writes is still shown as text, in two
    tokens, until the final update); the text returned is the model's, unchanged, for the transcript.
    """
    stream: MarkdownStream | None = None  # started at the first write: stopping one never started raises
    parts: list[str] = []
    pending: list[str] = []
    # The first write waits an interval too: words that arrive all at once (the offline interviewer's) are drawn
    # once, by the final update, instead of streamed and then parsed again.
    last_write = time.monotonic()
    try:
        async for chunk in chunks:
            if not isinstance(chunk, str):  # a `Reset`: the stream broke, what was shown is void, the fallback follows
                if stream is not None:
                    await stream.stop()
                    stream = None
                parts.clear()
                pending.clear()
                await widget.update("")
                last_write = 0.0
                continue
            parts.append(chunk)
            pending.append(chunk)
            now = time.monotonic()
            if now - last_write >= interval:
                if stream is None:
                    stream = type(widget).get_stream(widget)
                await stream.write(printable("".join(pending), markdown=True))
                pending.clear()
                last_write = now
    finally:
        if stream is not None:
            await stream.stop()
    text = "".join(parts)
    await widget.update(printable(text, markdown=True))
    return text
