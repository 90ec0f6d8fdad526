"""The candidate's turns as the grader reads them: each reply with the follow-up it answers and the pushback it
answers, if any. One reader for the final grade and for the offline interviewer's running grade, so both agree."""

from __future__ import annotations

from collections.abc import Iterable

from interviewer.framework import REPLY_STEP_IDS
from interviewer.grading.claims import Reply, challenged_ids
from interviewer.transcript import Role, Turn, TurnKind

_GRADED = frozenset(REPLY_STEP_IDS)


class ReplyReader:
    """Reads turns in order, keeping per step the item the latest follow-up asked about (a reply to it is prompted)
    and a pushback waiting for its answer (only the reply right after it answers it)."""

    def __init__(self) -> None:
        self._asked: dict[str, str] = {}
        self._challenge: dict[str, frozenset[str]] = {}

    def read(self, turn: Turn) -> Reply | None:
        """The reply this turn is, or None for the interviewer's and the system's turns."""
        if turn.role is Role.INTERVIEWER:
            self._challenge.pop(turn.step, None)
            if turn.kind is TurnKind.FOLLOW_UP and turn.item_id:
                self._asked[turn.step] = turn.item_id
            elif turn.kind is TurnKind.PUSHBACK and turn.item_id:
                self._challenge[turn.step] = challenged_ids(turn.item_id)
            return None
        if turn.role is not Role.CANDIDATE or turn.step not in _GRADED:
            return None
        prompted = frozenset({self._asked[turn.step]}) if turn.step in self._asked else frozenset()
        return Reply(turn.step, turn.text, prompted, self._challenge.pop(turn.step, frozenset()))


def replies_of(turns: Iterable[Turn]) -> list[Reply]:
    reader = ReplyReader()
    return [reply for turn in turns if (reply := reader.read(turn)) is not None]
