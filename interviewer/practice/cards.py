"""Practice cards: one per rubric item the candidate missed or only mentioned, scheduled with FSRS.

An item becomes a card the first time an attempt misses it or only mentions it (that attempt is its first review);
each later attempt that reaches the item's step reviews it again: missed is `Again`, only mentioned `Hard`,
covered `Good`. The scheduler is the `fsrs` package's, without learning steps (an interview is not practised again
within minutes: a miss comes back the next day) and without fuzz (the same history gives the same schedule, so a
rebuilt index agrees with the one it replaces).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fsrs import Rating, Scheduler

COVERED, PARTIAL, MISSED = "covered", "partial", "missed"


@dataclass(frozen=True, slots=True)
class CardState:
    """A card as the index stores it: the scheduler's own state as JSON, and its due time (epoch seconds)."""

    fsrs: str
    due: float


@cache
def scheduler() -> Scheduler:
    from fsrs import Scheduler  # ~60 ms to import: only when a card is reviewed

    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating(coverage: str) -> Rating:
    from fsrs import Rating

    return {MISSED: Rating.Again, PARTIAL: Rating.Hard, COVERED: Rating.Good}[coverage]


def review(state: CardState | None, coverage: str, when: float, card_id: int) -> CardState | None:
    """The card after an attempt with `coverage` of its item at `when`: None while there is no card and the item
    was covered (only what was missed or only mentioned becomes a card)."""
    from fsrs import Card

    if state is None:
        if coverage == COVERED:
            return None
        card = Card(card_id=card_id, due=_utc(when))
    else:
        card = Card.from_json(state.fsrs)
    reviewed, _ = scheduler().review_card(card, rating(coverage), _utc(when))
    return CardState(reviewed.to_json(), reviewed.due.timestamp())


def _utc(when: float) -> datetime:
    return datetime.fromtimestamp(when, UTC)
