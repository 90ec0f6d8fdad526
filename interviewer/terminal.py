"""Text from outside (replies, model output, case files, transcripts) made safe to show on a terminal.

Everything is stored as it was given; only what is shown goes through `printable`. Escape sequences (CSI, OSC title
or clipboard writes), BEL and every other C0/C1 control character become visible placeholders, so no text can move
the cursor, retitle the window, write the clipboard or ring the bell.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 range (0x80-0x9f, which some terminals read as ESC sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAMES = {"\x1b": "ESC", "\x07": "BEL", "\x08": "BS", "\x0d": "CR", "\x00": "NUL", "\x7f": "DEL"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"<{_NAMES.get(char, f'0x{ord(char):02x}')}>"


def printable(text: str) -> str:
    """`text` with every control character but newline and tab replaced by a visible `<NAME>` placeholder."""
    return _CONTROL.sub(_visible, text)
