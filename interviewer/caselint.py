"""`interviewer check`'s lints: what makes a case that loads still a bad case to practise on.

The schema and `rubric._semantic_problems` refuse a case that cannot be used at all. These rules find a case that
would grade unfairly, and they read the case with the grader's own matcher (`SentenceIndex`), so "this follow-up
gives its answer away" means exactly that the grader would credit the follow-up's words for the item:

- a follow-up that says one of its own item's signals which the item's `covers` (what a strong answer says) says
  too: asking it gives the answer away. A signal that only restates the need ("pipeline & broken", or a question
  such as "how much traffic") may be in the follow-up, which has to state the need; the grader gives nothing for
  repeating a follow-up anyway;
- a signal that is in the `covers` of two or more other items of its step but not in its own item's: it names what
  those items say, so a candidate who explains them earns this item too. (Neighbouring items do mention each other's
  ideas in passing, and an idea may count in another step: those overlaps are by design, not flagged);
- a signal with a lone "s" or "t" after a word (`today s snapshot`, `doesn t fit`): the apostrophe was lost, and a
  candidate's "today's" reads as `today`, so the signal can never match ("t sne" is a word of its own);
- a weight below 1 (nice to have);
- placeholders left from `interviewer new-case` (`FILL IN`).

Each problem is one line: `file:line: field: message`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from interviewer.grading.text import SentenceIndex, compile_signal, fold
from interviewer.rubric import Case, RubricItem
from interviewer.yamlfile import LoadedDocument, Location

PLACEHOLDER = "FILL IN"
"""The marker every value of a new case's skeleton carries until its author replaces it."""
_PLACEHOLDER = re.compile(r"\bFILL IN\b")
MIN_WEIGHT = 1
# A signal that starts like a question is asked, not answered: a follow-up may well say it.
_QUESTION_WORDS = frozenset(
    fold(word)
    for word in ("how", "what", "which", "who", "whose", "when", "where", "why", "is", "are", "do", "does", "can")
)


def _field(loc: Location) -> str:
    return ".".join(map(str, loc))


def _line(doc: LoadedDocument, loc: Location, message: str) -> str:
    return f"{doc.where(loc)}: {_field(loc)}: {message}"


def _strings(value: Any, loc: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, (*loc, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, (*loc, index))


def placeholder_problems(doc: LoadedDocument) -> list[str]:
    """Every value still holding the skeleton's placeholder, in file order."""
    found = [(loc, text) for loc, text in _strings(doc.data, ()) if _PLACEHOLDER.search(text)]
    return [_line(doc, loc, f"placeholder left ({text.strip()[:60]!r}); write your own text") for loc, text in found]


def _items(case: Case) -> Iterator[tuple[Location, RubricItem]]:
    for step_id, rubric in case.steps.items():
        for index, item in enumerate(rubric.items):
            yield ("steps", step_id, "items", index), item


def _is_question(signal: str) -> bool:
    parts = compile_signal(signal)
    return bool(parts) and parts[0][0] in _QUESTION_WORDS


_ORPHANS = frozenset({"s", "t"})  # what is left of "today's" or "don't" written without the apostrophe


def _phrasings(case: Case) -> Iterator[tuple[Location, str]]:
    for step_id, rubric in case.steps.items():
        for index, item in enumerate(rubric.items):
            for field in ("signals", "opposite"):
                for number, phrase in enumerate(getattr(item, field)):
                    yield ("steps", step_id, "items", index, field, number), phrase
        for index, flag in enumerate(rubric.red_flags):
            for number, phrase in enumerate(flag.signals):
                yield ("steps", step_id, "red_flags", index, "signals", number), phrase


def _orphan_problems(case: Case, doc: LoadedDocument) -> list[str]:
    return [
        _line(
            doc,
            loc,
            f"{phrase!r} has a lone 's' or 't' after a word and can never match: write \"seller's\" or \"seller\"",
        )
        for loc, phrase in _phrasings(case)
        if any(token in _ORPHANS for part in compile_signal(phrase) for token in part[1:])
    ]


def lint_case(case: Case, doc: LoadedDocument) -> list[str]:
    """Every lint problem of a case that loaded, in file order (see the module docstring)."""
    problems: list[str] = _orphan_problems(case, doc)
    items = list(_items(case))
    covers = {item.id: SentenceIndex.of([item.covers]) for _, item in items}
    for loc, item in items:
        if item.weight < MIN_WEIGHT:
            message = f"weight {item.weight:g} is below {MIN_WEIGHT} (nice to have); 1 to 5, up to 10 for a must"
            problems.append(_line(doc, (*loc, "weight"), message))
        own = covers[item.id]
        asked = SentenceIndex.of([item.follow_up])
        for number, signal in enumerate(item.signals):
            if asked.spans(signal) and own.spans(signal) and not _is_question(signal):
                problems.append(
                    _line(
                        doc,
                        (*loc, "follow_up"),
                        f"the follow-up says {signal!r} (signals.{number}), which its covers gives as the answer: "
                        "asking it gives the answer away; ask about the need instead",
                    )
                )
                break
        step = loc[1]
        neighbours = [(other_loc, other) for other_loc, other in items if other_loc[1] == step and other is not item]
        for number, signal in enumerate(item.signals):
            if own.spans(signal):
                continue
            also = [(other_loc, other) for other_loc, other in neighbours if covers[other.id].spans(signal)]
            if len(also) >= 2:
                named = ", ".join(f"{other.id!r} ({_field(other_loc)})" for other_loc, other in also)
                problems.append(
                    _line(
                        doc,
                        (*loc, "signals", number),
                        f"signal {signal!r} is in the covers of {named} but not in its own item's covers, so "
                        "explaining those earns this item too; make the signal specific to this item, or say it in "
                        "its covers",
                    )
                )
    return problems
