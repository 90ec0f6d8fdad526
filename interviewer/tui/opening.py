"""The interviewer's opening words in the first frame: the problem statement and the first question, drawn from a cheap
read of the case file (`catalog.peek_opening`) before Markdown, the case and the engine are loaded.

An `OpeningBubble` looks like the interviewer's Markdown bubble but is a plain `Static`: the opening is paragraphs and
`**bold**` only, which needs no Markdown parser. When the interview is ready its first words are said into these
bubbles (`InterviewScreen`): kept as they are when the words are the same, replaced when they differ, so what the
transcript holds is what the screen shows.
"""

from __future__ import annotations

import re

from textual.content import Content, Span
from textual.widget import Widget
from textual.widgets import Static

from interviewer.terminal import printable

_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
# Anything else Markdown would render differently from the text as written: emphasis, code, links, HTML, entities,
# escapes, headings, tables, quotes, lists, and what linkify takes for a link (a URL, an address, `example.com`).
_MARKDOWN = re.compile(r"[*_`\[\]<>&\\#|~@]|://|[A-Za-z]\.[A-Za-z]|^\s*(?:[-+=>]|\d+[.)])|\s$|^\s", re.MULTILINE)


def simple_markdown(text: str) -> Content | None:
    """`text` as the Markdown widget would show it, if it is only paragraphs and `**bold**`; else None."""
    shown = printable(text).strip()
    plain = _BOLD.sub(r"\1", shown)
    if not plain or _MARKDOWN.search(plain.replace("\n\n", "\n")):
        return None
    paragraphs = []
    for paragraph in shown.split("\n\n"):
        if not paragraph.strip():
            return None  # three line breaks or more: not worth being exact about
        paragraphs.append(" ".join(paragraph.split()))
    joined = "\n\n".join(paragraphs)
    spans: list[Span] = []
    parts: list[str] = []
    position = done = 0
    for match in _BOLD.finditer(joined):
        before = joined[done : match.start()]
        parts.append(before)
        position += len(before)
        parts.append(match.group(1))
        spans.append(Span(position, position + len(match.group(1)), "bold"))
        position += len(match.group(1))
        done = match.end()
    parts.append(joined[done:])
    return Content("".join(parts), spans=spans)


class OpeningBubble(Static):
    """One of the interviewer's opening utterances (`kind`: "intro" or "opening"), drawn before the case is loaded."""

    def __init__(self, text: str, kind: str, content: Content) -> None:
        super().__init__(content)
        self.text = text
        self.kind = kind

    @classmethod
    def of(cls, text: str, kind: str) -> OpeningBubble | None:
        content = simple_markdown(text)
        return None if content is None else cls(text, kind, content)

    def on_mount(self) -> None:
        self.border_title = "Interviewer"

    def copy(self) -> Widget:
        """The interviewer's Markdown bubble with the same words (and mark), to mount again after it left the log's
        window: by then Markdown is loaded."""
        from interviewer.tui.bubbles import InterviewerMessage

        twin = InterviewerMessage(self.text, footnote=str(self.border_subtitle or ""))
        twin.set_class(self.has_class("cancelled"), "cancelled")
        return twin
