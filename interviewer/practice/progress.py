"""Progress read off the history index: per-step trends, personal bests, the weakest steps and items, the cards
due, and what to practise next (the drill the scorecard, the picker and `interviewer drill` start)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from interviewer.framework import STEP_IDS
from interviewer.practice.index import Attempt, HistoryIndex, ItemStat, PracticeCard, StepPoint

RECENT = 3  # a step's strength is the mean of its latest scores: old attempts say little about today
WEAK_ITEMS = 10


@dataclass(frozen=True, slots=True)
class StepTrend:
    """One step's scores over time, oldest first (interviews and drills of that step), and its best ever."""

    step: str
    points: tuple[StepPoint, ...]
    best: int | None

    @property
    def scores(self) -> list[int]:
        return [point.score for point in self.points]

    @property
    def last(self) -> int | None:
        return self.points[-1].score if self.points else None

    @property
    def recent(self) -> float | None:
        latest = self.scores[-RECENT:]
        return sum(latest) / len(latest) if latest else None


@dataclass(frozen=True, slots=True)
class WeakStep:
    case_id: str
    step: str
    recent: float  # mean of the latest scores
    attempts: int


@dataclass(frozen=True, slots=True)
class DrillTarget:
    """A drill to run: a case, one step, and the items its follow-ups aim at first. `reason` says why in words that
    name no item (a drill never tells what it will ask about)."""

    case_id: str
    step: str
    items: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class History:
    case_id: str | None
    interviews: int  # all of them, however many `attempts` holds
    drills: int
    attempts: tuple[Attempt, ...]  # oldest first: all, or the latest read
    trends: tuple[StepTrend, ...]  # in the framework's order, only steps with a score
    best: Attempt | None  # the best whole interview
    weakest_steps: tuple[WeakStep, ...]
    weakest_items: tuple[ItemStat, ...]
    due: tuple[PracticeCard, ...]
    upcoming: tuple[PracticeCard, ...]  # cards not due yet, soonest first
    next: DrillTarget | None


def read_history(
    index: HistoryIndex, case_id: str | None = None, now: float | None = None, latest: int | None = None
) -> History:
    """The history of one case or all; with `latest`, the attempts, trends and weakest steps read from that many of
    the latest attempts (counts, bests, items and cards still cover them all)."""
    now = time.time() if now is None else now
    summary = index.summary(case_id)
    attempts = index.attempts(case_id, latest=latest)
    points = index.step_points(case_id, latest=latest)
    by_step: dict[str, list[StepPoint]] = defaultdict(list)
    for point in points:
        by_step[point.step].append(point)
    trends = tuple(
        StepTrend(step, tuple(by_step[step]), summary.step_bests.get(step)) for step in STEP_IDS if by_step.get(step)
    )
    cards = index.cards(case_id)
    items = [stat for stat in index.item_stats(case_id) if stat.miss_rate > 0]
    items.sort(key=lambda stat: (-stat.miss_rate, -stat.weight, stat.case_id, stat.step, stat.item_id))
    return History(
        case_id=case_id,
        interviews=summary.interviews,
        drills=summary.drills,
        attempts=tuple(attempts),
        trends=trends,
        best=summary.best,
        weakest_steps=tuple(weakest_steps(points)),
        weakest_items=tuple(items[:WEAK_ITEMS]),
        due=tuple(card for card in cards if card.due <= now),
        upcoming=tuple(card for card in cards if card.due > now),
        next=_next([card for card in cards if card.due <= now], points, case_id, None),
    )


def weakest_steps(points: list[StepPoint]) -> list[WeakStep]:
    """Per case and step, the mean of the latest scores, weakest first (ties in the framework's order)."""
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    for point in points:
        grouped[(point.case_id, point.step)].append(point.score)
    weak = [
        WeakStep(case_id, step, sum(scores[-RECENT:]) / len(scores[-RECENT:]), len(scores))
        for (case_id, step), scores in grouped.items()
    ]
    weak.sort(key=lambda w: (w.recent, STEP_IDS.index(w.step) if w.step in STEP_IDS else 99, w.case_id))
    return weak


def practise_next(
    index: HistoryIndex, case_id: str | None = None, step: str | None = None, now: float | None = None
) -> DrillTarget | None:
    """The drill to run next: the step with cards due (most due first, then the most overdue), or else the weakest
    step; within `case_id` and `step` when given. None when the history holds nothing to go on (and no step was
    named)."""
    now = time.time() if now is None else now
    return _next(index.cards(case_id, due_by=now), index.step_points(case_id), case_id, step)


def _next(
    due: list[PracticeCard], points: list[StepPoint], case_id: str | None, step: str | None
) -> DrillTarget | None:
    due = [card for card in due if step is None or card.step == step]
    if due:
        groups: dict[tuple[str, str], list[PracticeCard]] = defaultdict(list)
        for card in due:
            groups[(card.case_id, card.step)].append(card)
        (chosen_case, chosen_step), cards = min(
            groups.items(), key=lambda group: (-len(group[1]), min(card.due for card in group[1]))
        )
        items = tuple(card.item_id for card in sorted(cards, key=lambda card: card.due))
        noun = "card" if len(items) == 1 else "cards"
        return DrillTarget(chosen_case, chosen_step, items, f"{len(items)} practice {noun} due in {chosen_step}")
    weak = [w for w in weakest_steps(points) if step is None or w.step == step]
    if weak:
        w = weak[0]
        # Steps never answered have no score: they are left out, and the reason says so ("weakest step" alone read
        # as a verdict on every step, beside steps the scorecard showed at 0 because the interview ended first).
        reason = f"weakest of the steps you answered: {w.step} (mean {w.recent:.0f} of the latest)"
        return DrillTarget(w.case_id, w.step, (), reason)
    if case_id is not None and step is not None:
        return DrillTarget(case_id, step, (), f"{step}, as asked")
    return None
