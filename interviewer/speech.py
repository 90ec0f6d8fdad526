"""What the interviewer is about to say (a `Plan`) and where a front end shows it as it is said (a `Speech` sink).

`Interview.speak` is the one loop that realises a plan: it streams each utterance's words to the sink, wipes them
on a broken stream, commits each utterance once it is shown in full, and reports the system notices recorded on the
way. Line mode, the app and the tests all drive it, so they cannot disagree about what was said or saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from interviewer.policy.base import Utterance
from interviewer.transcript import Turn


class Reset:
    """Sent by `Interview.realise` when the text shown so far must be wiped (the stream broke, or the guard stopped
    words off the plan); the notice saying why and the draft follow."""


RESET = Reset()


@dataclass(frozen=True, slots=True)
class Notice:
    """Sent by `Interview.realise` when it recorded a system notice (e.g. the model failed and the draft follows)."""

    turn: Turn


@dataclass(frozen=True, slots=True)
class Plan:
    """The utterances the interviewer will say next, and the system notices already recorded with the plan (a
    step's time ran out as the reply came in). Iterating a plan gives its utterances."""

    utterances: tuple[Utterance, ...] = ()
    notices: tuple[Turn, ...] = field(default=())

    def __iter__(self) -> Iterator[Utterance]:
        return iter(self.utterances)

    def __len__(self) -> int:
        return len(self.utterances)

    def __getitem__(self, index: int) -> Utterance:
        return self.utterances[index]


@dataclass(frozen=True, slots=True)
class Spoken:
    """What one `Interview.speak` added to the transcript: the interviewer's turns and the system notices, in order."""

    turns: tuple[Turn, ...] = ()
    notices: tuple[Turn, ...] = ()


class Speech(Protocol):
    """Where a front end shows the interviewer's words as they come. Every method may suspend (the app mounts and
    paints); a cancel raised from any of them stops the loop before the utterance is committed."""

    async def notice(self, turn: Turn) -> None:
        """A system notice was recorded (time up, the model failed)."""

    async def begin(self, utterance: Utterance) -> None:
        """The interviewer starts saying `utterance` (in `utterance.phase`)."""

    async def text(self, delta: str) -> None:
        """More words of the current utterance."""

    async def reset(self) -> None:
        """Wipe what was shown of the current utterance: the model's words are withdrawn and the draft follows."""

    async def end(self) -> None:
        """The current utterance is complete: show it in full. It is committed next, unless cancelled meanwhile."""

    async def said(self, turn: Turn) -> None:
        """The current utterance was committed as `turn`."""


class Silent:
    """A `Speech` that shows nothing: scripts, tests and the synchronous helpers."""

    async def notice(self, turn: Turn) -> None:
        return None

    async def begin(self, utterance: Utterance) -> None:
        return None

    async def text(self, delta: str) -> None:
        return None

    async def reset(self) -> None:
        return None

    async def end(self) -> None:
        return None

    async def said(self, turn: Turn) -> None:
        return None
