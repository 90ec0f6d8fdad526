"""The history as text for the terminal, as JSON (`history --json`) and as Markdown (`history --format md`).

Titles and what a strong answer covers come from case files: each rendering neutralises them for its display.
"""

from __future__ import annotations

import json
import shlex
from datetime import datetime

from interviewer.framework import STEP_BY_ID, mmss
from interviewer.practice.index import Attempt, ItemStat, PracticeCard
from interviewer.practice.progress import DrillTarget, History
from interviewer.terminal import json_printable, printable

SPARKS = "▁▂▃▄▅▆▇█"


def spark(scores: list[int]) -> str:
    """Scores from 0 to 100 as a one-line chart, one character each."""
    return "".join(SPARKS[min(len(SPARKS) - 1, score * len(SPARKS) // 101)] for score in scores)


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def what(attempt: Attempt) -> str:
    return f"drill {attempt.drill_step}" if attempt.kind == "drill" else "interview"


def drill_command(target: DrillTarget) -> str:
    return f"interviewer drill --case {shlex.quote(target.case_id)} --step {target.step} --plain"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def render_text(history: History) -> str:
    scope = history.case_id or "all cases"
    if not history.attempts:
        return printable(f"No finished interview or drill yet ({scope}). Start one with `interviewer`.")
    lines = [
        f"History · {scope}: {_count(history.interviews, 'interview')}, {_count(history.drills, 'drill')}",
        "",
        "Attempts (oldest first):",
    ]
    for attempt in history.attempts:
        lines.append(
            f"  {when(attempt.ended_at)}  {attempt.case_id:<26} {what(attempt):<22} {attempt.level:<6} "
            f"{mmss(attempt.seconds):>6}  {attempt.overall:>3}  {attempt.hire_signal.replace('_', ' ')}"
        )
    lines += ["", "Per step (oldest to latest):"]
    for trend in history.trends:
        scores = " ".join(f"{score:>3}" for score in trend.scores[-12:])
        lines.append(f"  {trend.step:<13} {spark(trend.scores[-24:]):<24}  best {trend.best:>3}  latest: {scores}")
    if history.best is not None:
        best = history.best
        lines += ["", f"Personal best: {best.overall} ({best.case_id}, {when(best.ended_at)})"]
    if history.weakest_steps:
        weak = ", ".join(f"{w.step} {w.recent:.0f} ({w.case_id})" for w in history.weakest_steps[:3])
        lines += ["", f"Weakest steps (mean of the latest): {weak}"]
    if history.weakest_items:
        lines += ["", "Weakest items:"]
        lines += [f"  {_item_line(stat)}" for stat in history.weakest_items]
    lines += ["", f"Practice cards due: {len(history.due)}"]
    lines += [f"  {_card_line(card)}" for card in history.due]
    if history.upcoming:
        lines.append(f"  next due {when(history.upcoming[0].due)} ({_count(len(history.upcoming), 'more card')})")
    if history.next is not None:
        lines += ["", f"Practise next: {history.next.reason}: {drill_command(history.next)}"]
    return printable("\n".join(lines))


def _item_line(stat: ItemStat) -> str:
    return (
        f"{stat.case_id} · {stat.step} · {stat.item_id}: missed {stat.missed}, only mentioned {stat.partial}, "
        f"covered {stat.covered} of {stat.attempts}"
    )


def _card_line(card: PracticeCard) -> str:
    return f"{card.case_id} · {card.step} · {card.item_id} (last {card.last_coverage}): {card.covers}"


def history_json(history: History) -> str:
    data = {
        "case": history.case_id,
        "attempts": [
            {
                "path": a.path,
                "kind": a.kind,
                "drill_step": a.drill_step,
                "case": a.case_id,
                "level": a.level,
                "model": a.model,
                "started_at": a.started_at,
                "ended_at": a.ended_at,
                "seconds": a.seconds,
                "overall": a.overall,
                "hire_signal": a.hire_signal,
            }
            for a in history.attempts
        ],
        "steps": {
            trend.step: {
                "best": trend.best,
                "last": trend.last,
                "scores": [
                    {"case": p.case_id, "kind": p.kind, "ended_at": p.ended_at, "score": p.score} for p in trend.points
                ],
            }
            for trend in history.trends
        },
        "best": None if history.best is None else {"path": history.best.path, "overall": history.best.overall},
        "weakest_steps": [
            {"case": w.case_id, "step": w.step, "recent": round(w.recent, 1)} for w in history.weakest_steps
        ],
        "weakest_items": [
            {
                "case": s.case_id,
                "step": s.step,
                "item": s.item_id,
                "attempts": s.attempts,
                "covered": s.covered,
                "partial": s.partial,
                "missed": s.missed,
            }
            for s in history.weakest_items
        ],
        "due_cards": [_card_json(card) for card in history.due],
        "upcoming_cards": [_card_json(card) for card in history.upcoming],
        "next": None
        if history.next is None
        else {"case": history.next.case_id, "step": history.next.step, "reason": history.next.reason},
    }
    return json_printable(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))


def _card_json(card: PracticeCard) -> dict:
    return {
        "case": card.case_id,
        "step": card.step,
        "item": card.item_id,
        "covers": card.covers,
        "due": card.due,
        "reviews": card.reviews,
        "last_coverage": card.last_coverage,
    }


def _cell(text: str) -> str:
    return printable(text, markdown=True).replace("|", "\\|").replace("\n", " ")


def history_markdown(history: History) -> str:
    scope = history.case_id or "all cases"
    lines = [f"# Progress: {_cell(scope)}", ""]
    if not history.attempts:
        return "\n".join([*lines, "No finished interview or drill yet.", ""])
    lines += [
        "## Attempts",
        "",
        "| date | case | what | level | time | overall | signal |",
        "|---|---|---|---|---:|---:|---|",
    ]
    for a in history.attempts:
        lines.append(
            f"| {when(a.ended_at)} | {_cell(a.case_id)} | {_cell(what(a))} | {a.level} | {mmss(a.seconds)} | "
            f"{a.overall} | {a.hire_signal.replace('_', ' ')} |"
        )
    lines += ["", "## Per step", "", "| step | trend | best | latest scores |", "|---|---|---:|---|"]
    for trend in history.trends:
        title = STEP_BY_ID[trend.step].title if trend.step in STEP_BY_ID else trend.step
        scores = ", ".join(str(score) for score in trend.scores[-12:])
        lines.append(f"| {_cell(title)} | {spark(trend.scores[-24:])} | {trend.best} | {scores} |")
    if history.best is not None:
        lines += [
            "",
            f"Personal best: **{history.best.overall}** ({_cell(history.best.case_id)}, {when(history.best.ended_at)})",
        ]
    if history.weakest_steps:
        lines += ["", "## Weakest steps", ""]
        lines += [f"- {_cell(w.step)} ({_cell(w.case_id)}): {w.recent:.0f}" for w in history.weakest_steps[:5]]
    if history.weakest_items:
        lines += ["", "## Weakest items", ""]
        lines += [f"- {_cell(_item_line(stat))}" for stat in history.weakest_items]
    lines += ["", f"## Practice cards due ({len(history.due)})", ""]
    lines += [f"- {_cell(_card_line(card))}" for card in history.due] or ["None due now."]
    if history.next is not None:
        lines += ["", f"Practise next: {_cell(history.next.reason)}: `{drill_command(history.next)}`"]
    return "\n".join(lines) + "\n"
