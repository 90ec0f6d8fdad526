"""Streaming text into a Markdown widget: deltas go through `Markdown.get_stream`, coalesced, then one full update."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from interviewer.terminal import printable

if TYPE_CHECKING:
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownStream as TextualStream

COALESCE_SECONDS = 0.05


class MarkdownStream:
    """Shows text as it arrives in `widget` (at most one write per `interval`), then the whole text once.

    The first write waits an interval too, so words that arrive all at once (the offline interviewer's) are drawn
    once, by the final update, instead of streamed and then parsed again. The final `finish` re-parses the complete
    text, which fixes blocks that were half-parsed while streaming. What is shown goes through `printable` (an escape
    sequence cut between two writes is still shown as text, in two tokens, until the final update); `text` is the
    words as they came, unchanged. If the task is cancelled meanwhile, the caller calls `stop` and decides what the
    partial text means.
    """

    def __init__(self, widget: Markdown, interval: float = COALESCE_SECONDS):
        self.widget = widget
        self.interval = interval
        self._parts: list[str] = []
        self._pending: list[str] = []
        self._last_write = time.monotonic()
        self._stream: TextualStream | None = None  # started at the first write: stopping one never started raises

    @property
    def text(self) -> str:
        return "".join(self._parts)

    async def write(self, delta: str) -> None:
        self._parts.append(delta)
        self._pending.append(delta)
        now = time.monotonic()
        if now - self._last_write >= self.interval:
            if self._stream is None:
                self._stream = type(self.widget).get_stream(self.widget)
            await self._stream.write(printable("".join(self._pending), markdown=True))
            self._pending.clear()
            self._last_write = now

    async def reset(self) -> None:
        """The model's words are withdrawn: what was shown is void, the draft follows at once."""
        await self.stop()
        self._parts.clear()
        self._pending.clear()
        self._last_write = 0.0
        await self.widget.update("")

    async def stop(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.stop()

    async def finish(self) -> str:
        """Show the whole text, parsed once, and return it."""
        await self.stop()
        await self.widget.update(printable(self.text, markdown=True))
        return self.text
