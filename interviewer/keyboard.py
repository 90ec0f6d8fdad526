"""Keys typed while the app starts reach it as they were typed.

Until Textual switches the terminal to raw input, a few hundred milliseconds after the command starts, the
terminal's line discipline treats keys as it would for a shell: ctrl+s stops the terminal's output (XON/XOFF flow
control) and never reaches the app, Enter arrives as a line feed (ctrl+j), and what is typed is echoed over the
screen. A command that starts the app takes the terminal out of that mode first (`keys_as_typed`). Textual, on
closing, puts back the mode it found, which is this one; `give_back` then puts back the terminal's own mode, as soon
as the app has closed (the command may still print and index for a while), and again at exit in any case.
"""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import Callable

_TAKEN: list[Callable[[], None]] = []  # what puts back each terminal mode taken, until it is given back


def keys_as_typed(fd: int) -> Callable[[], None] | None:
    """Read the terminal on `fd` key by key, unechoed, with ctrl+s, ctrl+q and Enter as keys; ctrl+c still stops the
    process. Returns what puts the previous mode back (also run at exit), or None where there is no such terminal."""
    try:
        import termios
    except ImportError:  # not a POSIX terminal (Windows): Textual's own driver reads it
        return None
    try:
        before = termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return None
    after = termios.tcgetattr(fd)
    after[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)  # input flags
    after[3] &= ~(termios.ICANON | termios.ECHO | termios.IEXTEN)  # local flags: ISIG stays, so ctrl+c works
    try:
        termios.tcsetattr(fd, termios.TCSANOW, after)
    except (termios.error, OSError):
        return None

    def restore() -> None:
        with contextlib.suppress(termios.error, OSError):  # a terminal that is gone has nothing to put back
            termios.tcsetattr(fd, termios.TCSANOW, before)

    atexit.register(restore)
    _TAKEN.append(restore)
    return restore


def give_back() -> None:
    """Put back the terminal modes `keys_as_typed` took (the app has closed)."""
    while _TAKEN:
        _TAKEN.pop()()
