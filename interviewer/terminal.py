"""Text from outside (replies, model output, case files, transcripts) made safe to show on a terminal.

Everything is stored as it was given; only what is shown goes through `printable`, at the output boundary (a print,
a widget, an exported scorecard). A whole escape sequence (CSI, OSC title or clipboard write, DCS...) becomes one
visible token such as `<OSC 0;title>` or `<CSI 2J>`; BEL and every other C0/C1 control character becomes `<BEL>`,
`<0x9b>`...; bidi override characters, which can make text read differently from what it is, become `<U+202E>`. No
text can then move the cursor, clear the screen, retitle the window, write the clipboard or ring the bell.

Text without any of these characters (nearly all of it) is returned as is after one regex scan.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, the C1 range (0x80-0x9f: 8-bit CSI/OSC/ST, which some terminals obey even
# UTF-8 encoded), and the bidi embedding/override/isolate characters.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_ANY_UNSAFE = re.compile(f"[{_UNSAFE}]")

_ST = r"(?:\x07|\x1b\\|\x9c)"  # string terminator: BEL (xterm), ESC \, or the 8-bit ST
_SEQUENCE = re.compile(
    "|".join(
        (
            # OSC, DCS, SOS, PM, APC: a string on one line up to its terminator. Unterminated, only the opening is a
            # token (below), so a stray `ESC ]` cannot hide the rest of the text in it.
            r"(?:\x1b(?P<kind7>[\]P_^X])|(?P<kind8>[\x9d\x90\x9f\x9e\x98]))(?P<string>[^\x07\x1b\x9c\n]*)" + _ST,
            r"(?:\x1b\[|\x9b)(?P<csi>[0-?]*[ -/]*[@-~]?)",  # CSI: parameters, intermediates, a final byte
            # Any other escape: ESC and the next printable character (ESC c reset, ESC 7 save cursor, ESC ( B...).
            r"\x1b(?P<esc>[!-/]*[0-~])",
            r"\r\n",  # a Windows line end is a line end
            f"[{_UNSAFE}]",
        )
    )
)
_STRING_KINDS = {"]": "OSC", "P": "DCS", "_": "APC", "^": "PM", "X": "SOS"}
_STRING_KINDS.update({"\x9d": "OSC", "\x90": "DCS", "\x9f": "APC", "\x9e": "PM", "\x98": "SOS"})
_NAMES = {
    "\x1b": "ESC",
    "\x07": "BEL",
    "\x08": "BS",
    "\x0d": "CR",
    "\x00": "NUL",
    "\x7f": "DEL",
    "\x0c": "FF",
    "\x0b": "VT",
    "\x9b": "CSI",
    "\x9c": "ST",
}
SHOWN_PAYLOAD = 40  # characters of an OSC/DCS string shown in its token (a clipboard write can be megabytes)


def _char(char: str) -> str:
    code = ord(char)
    if code >= 0x202A:
        return f"U+{code:04X}"
    return _NAMES.get(char, f"0x{code:02x}")


def _payload(text: str) -> str:
    # The string of an OSC/DCS can hold other controls (but not its terminators): shown as their names.
    text = _ANY_UNSAFE.sub(lambda m: f"<{_char(m.group())}>", text)
    return text if len(text) <= SHOWN_PAYLOAD else text[:SHOWN_PAYLOAD] + "…"


def _token(match: re.Match[str]) -> str:
    kind = match.group("kind7") or match.group("kind8")
    if kind is not None:
        payload = _payload(match.group("string"))
        return f"<{_STRING_KINDS[kind]} {payload}>" if payload else f"<{_STRING_KINDS[kind]}>"
    csi = match.group("csi")
    if csi is not None:
        return f"<CSI {_payload(csi)}>" if csi else "<CSI>"
    esc = match.group("esc")
    if esc is not None:
        return f"<ESC {esc}>"
    text = match.group()
    if text == "\r\n":
        return "\n"
    return f"<{_char(text)}>"


def printable(text: str, *, markdown: bool = False) -> str:
    """`text` with every escape sequence and control character but newline and tab shown as a `<NAME>` token.

    With `markdown=True` the tokens' `<` is backslash-escaped, so a Markdown renderer shows `<ESC>` instead of taking
    it for an HTML tag and hiding it. Idempotent: the result holds no unsafe character.
    """
    found = _ANY_UNSAFE.search(text)
    if found is None:
        return text
    token = _markdown_token if markdown else _token
    parts: list[str] = []
    done = 0
    # The sequence patterns are tried only where an unsafe character is, not at every position of a long text.
    while found is not None:
        start = found.start()
        sequence = _SEQUENCE.match(text, start)
        assert sequence is not None  # every unsafe character matches at least on its own
        parts += (text[done:start], token(sequence))
        done = sequence.end()
        found = _ANY_UNSAFE.search(text, done)
    parts.append(text[done:])
    return "".join(parts)


def _markdown_token(match: re.Match[str]) -> str:
    token = _token(match)
    return "\\" + token if token.startswith("<") else token


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_printable(text: str) -> str:
    r"""JSON text with DEL, C1 and bidi characters written as `\uXXXX` escapes: the same JSON data, safe to show.

    `json.dumps(..., ensure_ascii=False)` already escapes C0 controls (ESC, BEL) but writes these raw. They can only
    occur inside JSON strings, where the escape means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
