"""The conversation as a windowed list: every turn is kept as data, only a window of them is mounted as bubbles.

A mounted bubble costs layout and paint for as long as it is in the log, so a log of every turn grew slower with the
interview (2,000 turns: 17 s to open a replay, 2 s per reply). Here only the last `WINDOW` turns are mounted while
the log follows the end; a one-line `EarlierTurns` stands for the rest, and reaching the top of what is mounted
brings back the `BATCH` turns before it, so scrolling back still reads the whole interview.

The bubbles (and Markdown with them) are imported only when the first one is built: the log itself is on the first
frame, its bubbles are not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual._arrange import DockArrangeResult
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from interviewer.annotate import ReplyNote
    from interviewer.transcript import Turn
    from interviewer.tui.bubbles import InterviewerMessage

WINDOW = 20  # turns mounted while following the end: a screen shows fewer than ten
BATCH = 10  # turns brought back at a time when the user scrolls above the window (and trimmed at a time)


@dataclass
class Entry:
    """One turn of the log: how to make its bubble, and the bubble while it is mounted."""

    build: Callable[[], Widget]
    widget: Widget | None = None


class EarlierTurns(Static):
    """One line standing for the turns above the window; scrolling up to it brings them back."""

    def show_count(self, count: int) -> None:
        self.update(f"↑ {count:,} earlier turn{'s' if count != 1 else ''}: scroll up to see them")


class ChatLog(VerticalScroll):
    """The conversation. Anchored: it follows new text until the user scrolls up, and again once back at the end."""

    def __init__(self, *first: Widget, **kwargs) -> None:
        """`first`: bubbles shown from the first frame (the interviewer's opening, `tui/opening.py`)."""
        super().__init__(**kwargs)
        self.entries: list[Entry] = [Entry(widget.copy, widget) for widget in first]  # type: ignore[attr-defined]
        self.start = 0  # entries before this index are not mounted
        self._earlier: EarlierTurns | None = None
        self._bringing_back = False

    def compose(self) -> ComposeResult:
        yield from self.mounted

    FOLLOWS = True  # anchored to the end

    def on_mount(self) -> None:
        self.anchor(self.FOLLOWS)
        # A watcher, not an override of `watch_scroll_y`: with the override the log was not repainted in a real
        # terminal (Textual 8.2.8; headless tests did not show it).
        self.watch(self, "scroll_y", self._scrolled, init=False)

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        if not self._container_size:
            # Textual 8.2.8 anchors the first layout to the size the log had before it (none), which scrolls every
            # bubble out of the first frame (the opening drawn at compose showed a frame late): give it this one.
            self._container_size = size
        return super().arrange(size, optimal)

    @property
    def mounted(self) -> list[Widget]:
        """The bubbles mounted now, oldest first."""
        return [entry.widget for entry in self.entries[self.start :] if entry.widget is not None]

    @property
    def following(self) -> bool:
        """Anchored and not scrolled away by the user (Textual keeps the second half private)."""
        return self.is_anchored and not self._anchor_released

    # -- adding turns ----------------------------------------------------------------------------------------------

    async def add(self, widget: Widget) -> None:
        """Append a bubble made elsewhere; once it leaves the window it is rebuilt from its own `copy()`."""
        self.entries.append(Entry(widget.copy, widget))  # type: ignore[attr-defined]
        await self.mount(widget)
        await self._trim()

    async def add_candidate(self, text: str) -> None:
        from interviewer.tui.bubbles import CandidateMessage

        await self.add(CandidateMessage(text))

    async def add_notice(self, text: str) -> None:
        from interviewer.tui.bubbles import NoticeMessage

        await self.add(NoticeMessage(text))

    async def add_interviewer(self, text: str = "") -> InterviewerMessage:
        """A new interviewer bubble, mounted (ready to stream into) when this returns."""
        from interviewer.tui.bubbles import InterviewerMessage

        widget = InterviewerMessage(text)
        await self.add(widget)
        return widget

    async def replace(self, old: Widget, new: Widget | None) -> None:
        """Put `new` where the bubble `old` is (or just remove `old`, when `new` is None)."""
        index = next((index for index, entry in enumerate(self.entries) if entry.widget is old), None)
        if index is None:
            return
        if new is None:
            del self.entries[index]
        else:
            self.entries[index] = Entry(new.copy, new)  # type: ignore[attr-defined]
            await self.mount(new, before=old)
        await old.remove()

    async def add_turns(self, turns: Sequence[Turn]) -> None:
        """Saved turns (a resumed interview): all kept, only the last `WINDOW` mounted."""
        from interviewer.tui.bubbles import turn_widget

        self.entries.extend(Entry(partial(turn_widget, turn)) for turn in turns)
        if not self.mounted:
            self.start = max(0, len(self.entries) - WINDOW)
        await self._mount_range(self.start, len(self.entries))
        await self._show_earlier()

    # -- the window --------------------------------------------------------------------------------------------------

    async def _mount_range(self, first: int, stop: int, before: Widget | None = None) -> None:
        widgets = []
        for entry in self.entries[first:stop]:
            if entry.widget is None:
                entry.widget = entry.build()
                widgets.append(entry.widget)
        if widgets:
            await self.mount_all(widgets, before=before)

    async def _unmount(self, entries: list[Entry]) -> None:
        widgets = []
        for entry in entries:
            if entry.widget is not None:
                widgets.append(entry.widget)
                entry.widget = None
        if widgets:
            await self.remove_children(widgets)

    async def _trim(self) -> None:
        """While following the end, drop the oldest bubbles once the window is a batch over its size (never while
        the user reads back: their text would move under them)."""
        if not self.following or len(self.entries) - self.start <= WINDOW + BATCH:
            return
        stop = len(self.entries) - WINDOW
        await self._unmount(self.entries[self.start : stop])
        self.start = stop
        await self._show_earlier()

    async def _show_earlier(self) -> None:
        if self.start == 0:
            if self._earlier is not None:
                await self._earlier.remove()
                self._earlier = None
            return
        if self._earlier is None:
            self._earlier = EarlierTurns(id="earlier-turns")
            await self.mount(self._earlier, before=0 if self.children else None)
        self._earlier.show_count(self.start)

    def _scrolled(self, new_value: float) -> None:
        if new_value < 1 and self.start > 0 and not self._bringing_back:
            self._bringing_back = True
            self.call_later(self._bring_back)

    async def _bring_back(self) -> None:
        """Mount the batch above the window, keeping what the user is reading where it is on screen."""
        first = next((entry.widget for entry in self.entries[self.start :] if entry.widget is not None), None)
        if first is None:
            self._bringing_back = False
            return
        above = first.virtual_region.y - self.scroll_y
        new_start = max(0, self.start - BATCH)
        await self._mount_range(new_start, self.start, before=first)
        self.start = new_start
        await self._show_earlier()
        # One batch per visit to the top: the next comes only once the view has been put back in place.
        self.call_after_refresh(self._keep_in_place, first, above)

    def _keep_in_place(self, widget: Widget, above: float) -> None:
        try:
            if widget.is_attached:
                self.scroll_to(y=widget.virtual_region.y - above, animate=False, immediate=True, release_anchor=False)
        finally:
            self._bringing_back = False


class ReplayLog(ChatLog):
    """The conversation in a replay, shown up to the turn under the cursor. The replay's keys (arrows, home, end)
    move through turns, so it takes no focus."""

    can_focus = False
    FOLLOWS = False  # it scrolls to the turn under the cursor

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stop = 0  # entries from here on are not shown
        self._moving = asyncio.Lock()
        self._current: Widget | None = None  # the turn under the cursor

    def on_mount(self) -> None:
        super().on_mount()
        # A Markdown bubble takes its height over a frame or more: a turn found taller than the log only then is
        # still shown from its top.
        self.watch(self, "virtual_size", self._laid_out, init=False)

    def _laid_out(self) -> None:
        if self._current is not None:
            self._show_top_if_tall(self._current)

    def load(self, turns: Sequence[Turn], note: Callable[[int], ReplyNote | None]) -> None:
        """Keep every turn; nothing is mounted until `show_upto`. `note(index)` is asked only for turns shown."""
        from interviewer.tui.bubbles import turn_widget

        self.entries = [Entry(_builder(turn_widget, turn, note, index)) for index, turn in enumerate(turns)]

    async def show_upto(self, cursor: int) -> Widget:
        """Show the turns up to `cursor` (the window's worth of them), mark it the current turn and scroll to it."""
        async with self._moving:
            if self.start <= cursor < self.stop:  # back within the window: drop what follows the cursor
                await self._unmount(self.entries[cursor + 1 : self.stop])
            elif cursor == self.stop and self.stop > self.start:  # one step on: add one, trim the oldest
                await self._mount_range(cursor, cursor + 1)
                if cursor + 1 - self.start > WINDOW + BATCH:
                    await self._unmount(self.entries[self.start : cursor + 1 - WINDOW])
                    self.start = cursor + 1 - WINDOW
            else:  # a jump: a new window ending at the cursor
                await self._unmount(self.entries[self.start : self.stop])
                self.start = max(0, cursor + 1 - WINDOW)
                await self._mount_range(self.start, cursor + 1)
            self.stop = cursor + 1
            await self._show_earlier()
            for widget in self.mounted:
                widget.set_class(widget is self.entries[cursor].widget, "current-turn")
            current = self.entries[cursor].widget
            assert current is not None
            # The cursor's turn is the last one shown: the end stays in view while its words are laid out (a Markdown
            # bubble takes its full height a frame or more after it is mounted; scrolling to it once left a new
            # user's current turn cut off at the bottom after a jump), unless the turn is taller than the log.
            self.anchor()
            self._current = current
            self.call_after_refresh(self._show_top_if_tall, current)
            return current

    def _show_top_if_tall(self, current: Widget) -> None:
        if current.is_attached and current.outer_size.height > self.scrollable_content_region.height:
            self.scroll_to_widget(current, top=True, animate=False)

    async def _bring_back(self) -> None:
        async with self._moving:
            await super()._bring_back()


def _builder(
    make: Callable[[Turn, ReplyNote | None], Widget], turn: Turn, note: Callable[[int], ReplyNote | None], index: int
) -> Callable[[], Widget]:
    return lambda: make(turn, note(index))
