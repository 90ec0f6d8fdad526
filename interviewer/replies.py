"""What counts as a reply the session will record; light, so a front end can check input before anything loads."""

from __future__ import annotations

from interviewer.errors import SessionError

MAX_REPLY_CHARS = 20_000


class ReplyRejected(SessionError):
    """A reply the session will not record (empty, or too long); the front end says why and asks again."""


def clean_reply(text: str) -> str:
    """The reply as it will be recorded, or `ReplyRejected` with a message for the candidate."""
    stripped = text.strip()
    if not stripped:
        raise ReplyRejected("empty reply ignored")
    if len(stripped) > MAX_REPLY_CHARS:
        raise ReplyRejected(
            f"reply refused: {len(stripped):,} characters is over the {MAX_REPLY_CHARS:,} limit; split or shorten it"
        )
    return stripped
