"""A bracketed paste stays one paste, whatever it holds.

Textual 8's input parser (`textual._xterm_parser.XTermParser`) keeps a bracketed paste (`ESC [200~ ... ESC [201~`)
whole only while it holds no ESC. From an ESC inside a paste on, it reads the rest as escape sequences and, when one
does not parse, reissues its characters as key presses: a BEL after it becomes ctrl+g (here: "End & grade?"), a
second ESC the escape key (cancels the interviewer's answer, closes a dialog), a ctrl+s sends the reply; and only
the text before the first ESC is pasted, after the keys. Pasting text copied from a terminal or a log is enough.

`PasteSafeParser` takes the paste out of the stream before that parser sees it: everything between the paste
markers is one `Paste` event and no key. Its text is what `printable` shows for it (`<ESC>`, `<OSC 0;title>`,
`<BEL>`), line ends as new lines: every widget a paste can land in (the reply box, the case search, Textual's
command palette) puts it on screen as typed text, so none may hold a raw escape. `install()` makes Textual's drivers
use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from textual import constants, events
from textual._time import get_time
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

from interviewer.terminal import printable

ESC = "\x1b"
# The drivers that read a terminal with XTermParser; each looks the name up in its module when its input starts.
DRIVER_MODULES = (
    "textual.drivers.linux_driver",
    "textual.drivers.linux_inline_driver",
    "textual.drivers.web_driver",
    "textual.drivers.win32",
)


def _marker_prefix(text: str, marker: str) -> int:
    """The length of the longest end of `text` that is the start of `marker` (it may complete in the next read)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:size]):
            return size
    return 0


def pasted_text(text: str) -> str:
    """A paste as it may go into a widget: terminals send a pasted line end as CR (the Enter key), escapes as text."""
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


class PasteSafeParser(XTermParser):
    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting = False
        self._pasted: list[str] = []
        self._maybe_end = ""  # in a paste: the last characters read, if they may begin the end marker
        self._held = ""  # outside a paste: the last characters read, if they may begin the start marker
        self._held_at = 0.0

    def feed(self, data: str) -> Iterable[Message]:
        out: list[Message] = []
        if not data:  # end of input: what was held goes through, an unfinished paste is still pasted
            if self._pasting:
                self._pasted.append(self._maybe_end)
                out.append(self._paste())
            elif self._held:
                out.extend(super().feed(self._held))
            self._held = ""
            out.extend(super().feed(""))
            return out
        text, self._held = self._held + data, ""
        while text:
            if self._pasting:
                window = self._maybe_end + text
                end = window.find(BRACKETED_PASTE_END)
                if end < 0:
                    keep = _marker_prefix(window, BRACKETED_PASTE_END)
                    self._pasted.append(window[: len(window) - keep])
                    self._maybe_end = window[len(window) - keep :]
                    break
                self._pasted.append(window[:end])
                self._maybe_end = ""
                out.append(self._paste())
                text = window[end + len(BRACKETED_PASTE_END) :]
            else:
                start = text.find(BRACKETED_PASTE_START)
                if start < 0:
                    keep = _marker_prefix(text, BRACKETED_PASTE_START)
                    if keep:
                        self._held, self._held_at = text[-keep:], get_time()
                        text = text[:-keep]
                    if text:
                        out.extend(super().feed(text))
                    break
                if start:
                    out.extend(super().feed(text[:start]))
                self._pasting = True
                text = text[start + len(BRACKETED_PASTE_START) :]
        return out

    def tick(self) -> Iterable[Message]:
        out: list[Message] = []
        if self._held and get_time() - self._held_at >= constants.ESCAPE_DELAY:
            held, self._held = self._held, ""  # no paste followed: it was typed
            if held == ESC:
                out.append(events.Key("escape", ESC))  # what the parser says of a lone ESC that times out
            else:
                out.extend(super().feed(held))
        out.extend(super().tick())
        return out

    def _paste(self) -> events.Paste:
        text = "".join(self._pasted).replace("\x00", "")  # as Textual does: NUL cannot be shown or stored
        self._pasted.clear()
        self._pasting = False
        return events.Paste(pasted_text(text))


def install() -> None:
    """Make Textual's terminal drivers read input with `PasteSafeParser` (idempotent)."""
    for name in DRIVER_MODULES:
        try:
            module = importlib.import_module(name)
        except Exception:  # a driver for another platform (termios, windll) does not import here
            continue
        if getattr(module, "XTermParser", None) is XTermParser:
            module.XTermParser = PasteSafeParser  # type: ignore[attr-defined]  # imported by name: untyped
