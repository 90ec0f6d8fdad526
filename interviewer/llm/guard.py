"""The guard on every model turn: a model's words are shown only while they keep to the plan.

The stub decides every move and drafts it; the model only phrases the draft. Small local models (and, less often,
large hosted ones) still ramble, loop, paste their prompt, invent numbers, label roles or answer for the candidate.
`TurnGuard` reads a turn as it streams and raises `OffScript` naming the rule that failed as soon as one does (the
interview then wipes what was shown and says the draft, with a notice); a few rules can only be checked on the whole
turn (`finish`). Every rule is a plain text check on our own data: the draft, the case, the turns so far.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from interviewer.llm.client import ModelError
from interviewer.policy.base import Utterance, View
from interviewer.rubric import Case
from interviewer.transcript import Role, TurnKind

LOOP_WORDS = 6  # the same run of this many words twice in one turn is a loop
ECHO_WORDS = 8  # a run this long shared with an earlier turn, the rubric or the facts is pasted, not phrased
PROMPT_WORDS = 10  # ... with the case prompt (it shares more ordinary phrases with any turn about the case)
EARLIER_TURNS = 40  # the interviewer's latest turns compared with this one
MIN_CHARS, CHARS_PER_DRAFT_CHAR = 500, 3  # the longest turn: a multiple of the draft, never below the minimum
SMALL_NUMBERS = 10  # "two or three", "step 1": numbers up to this need no source
CHECK_EVERY = 32  # characters streamed between two checks

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"(?<![\w.\-/])\d[\d,]*(?:\.\d+)?(?=[^\d,.]|[.,](?!\d)|$)")
_ROLE_LABEL = re.compile(r"(?im)^\W{0,3}(you|candidate|interviewer|assistant|user|system|human|ai|model|me)\W{0,3}:\s")
_REFUSAL = re.compile(
    r"(?i)\b(as an ai\b|as a language model|i('m| am) (sorry|unable)|i can(no|')t (help|assist|do that|comply)"
    r"|i (cannot|can't|won't) (provide|answer|help))"
)
_GRADES = re.compile(
    r"(?i)\b(strong (no )?hire|lean (no )?hire|no hire|\d+ ?/ ?10|out of (10|ten|100)|your (score|grade)"
    r"|i('d| would) (grade|score|rate)|you (missed|forgot|covered|nailed)|(great|excellent|perfect|good|correct) answer"
    r"|that('s| is) (correct|incorrect|wrong|right answer))"
)
_DESIGNS = re.compile(  # the interviewer proposing the design: the candidate's job
    r"(?i)\b(i('d| would| will|'ll)|we('d| would)) (use|build|train|choose|pick|deploy|design|go with|propose)\b"
)
_SENTENCE_END = re.compile(r"""[.?!](\*\*|["')\]])*$""")
_COMMON_WORDS = (  # a turn of ten words or more in English has at least two of them
    "the a an and or of to in on at by for from with about into through as is are was were be been being do does "
    "did have has had will would can could should may might i me my we us our you your they them their it its "
    "this that these those what which who how why when where there here if so but not no yes all any some more "
    "than then just also please thanks thank sure let let's take now next go move okay"
)
_ENGLISH = frozenset(_WORD.findall(_COMMON_WORDS))


class OffScript(ModelError):
    """The model's turn broke a rule; `rule` names it (shown in the notice and saved with the fallback)."""

    def __init__(self, rule: str):
        super().__init__(f"its words broke a rule: {rule}")
        self.rule = rule


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))  # a typographic apostrophe is an apostrophe


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def numbers(text: str) -> set[str]:
    """The numbers written in digits, normalised ("150,000" and "150000" are one number)."""
    return {match.replace(",", "").rstrip(".") for match in _NUMBER.findall(text)}


@dataclass(frozen=True)
class _CaseText:
    prompt: frozenset[tuple[str, ...]]
    rubric: frozenset[tuple[str, ...]]  # what items cover, their follow-ups, red flags: never said by the model
    facts: tuple[frozenset[tuple[str, ...]], ...]
    numbers: frozenset[str]  # the numbers of the prompt, the facts and the curveballs


_CASE_TEXTS: dict[int, tuple[Case, _CaseText]] = {}


def _case_text(case: Case) -> _CaseText:
    """Built once per case object (hashing a whole case would cost more than the checks)."""
    cached = _CASE_TEXTS.get(id(case))
    if cached is None or cached[0] is not case:
        if len(_CASE_TEXTS) > 16:
            _CASE_TEXTS.clear()
        cached = _CASE_TEXTS[id(case)] = (case, _build_case_text(case))
    return cached[1]


def _build_case_text(case: Case) -> _CaseText:
    rubric: set[tuple[str, ...]] = set()
    for _step_id, step in case.steps.items():
        for item in step.items:
            rubric |= ngrams(words(item.covers), ECHO_WORDS) | ngrams(words(item.follow_up), ECHO_WORDS)
        for flag in step.red_flags:
            rubric |= ngrams(words(flag.description), ECHO_WORDS)
    said = [case.prompt, *(fact.answer for fact in case.facts), *(curveball.says for curveball in case.curveballs)]
    return _CaseText(
        prompt=frozenset(ngrams(words(case.prompt), PROMPT_WORDS)),
        rubric=frozenset(rubric),
        facts=tuple(frozenset(ngrams(words(fact.answer), ECHO_WORDS)) for fact in case.facts),
        numbers=frozenset(n for text in said for n in numbers(text)),
    )


class TurnGuard:
    """Checks one model turn against its plan (`utterance`, the stub's draft) and the interview so far (`view`)."""

    def __init__(self, utterance: Utterance, view: View, *, facts_allowed: bool = False):
        self.utterance = utterance
        self.draft = utterance.text
        draft_words = words(self.draft)
        case_text = _case_text(view.case)
        own = ngrams(draft_words, ECHO_WORDS)  # what the draft says may be said, whatever its source
        self.draft_words = draft_words
        facts_allowed = facts_allowed or (utterance.kind is TurnKind.CLARIFICATION and "isn't specified" in self.draft)
        self.forbidden = case_text.rubric - own  # (a question the stub could not place: the model answers from facts)
        if not facts_allowed:
            self.forbidden |= frozenset().union(*case_text.facts) - own
        self.prompt = case_text.prompt - ngrams(draft_words, PROMPT_WORDS)
        earlier = [t.text for t in view.turns if t.role is Role.INTERVIEWER and t.kind is not TurnKind.INTRO]
        self.earlier = frozenset().union(*(ngrams(words(t), ECHO_WORDS) for t in earlier[-EARLIER_TURNS:])) - own
        candidate = (t.text for t in view.turns if t.role is Role.CANDIDATE)
        self.allowed_numbers = case_text.numbers | numbers(self.draft) | _numbers_in(candidate)
        self.draft_numbers = numbers(self.draft)
        self.max_chars = max(MIN_CHARS, CHARS_PER_DRAFT_CHAR * len(self.draft))
        self.text = ""
        self._checked = 0

    def feed(self, delta: str) -> None:
        """Add streamed words; raises `OffScript` as soon as what has arrived breaks a rule (checked every
        `CHECK_EVERY` characters, so a long turn costs a few checks, not one per token)."""
        self.text += delta
        if len(self.text) - self._checked < CHECK_EVERY:
            return
        self._checked = len(self.text)
        rule = self._streaming_rule(self.text, complete=False)
        if rule:
            raise OffScript(rule)

    def finish(self) -> None:
        """The turn is complete: the rules that need all of it."""
        rule = self._streaming_rule(self.text, complete=True) or self._final_rule(self.text)
        if rule:
            raise OffScript(rule)

    @classmethod
    def audit(cls, text: str, view: View) -> str | None:
        """The rule a saved model turn breaks, of those that need no draft (`make live` checks every turn the guard
        let through): `view` is the interview as it was before the turn."""
        guard = cls(Utterance("", TurnKind.CLOSING), view, facts_allowed=True)
        guard.text = text
        return guard._streaming_rule(text, complete=True) or guard._final_rule(text)

    # -- rules -----------------------------------------------------------------------------------------------------

    def _streaming_rule(self, text: str, complete: bool) -> str | None:
        if len(text) > self.max_chars:
            return "too long"
        if _ROLE_LABEL.search(text):
            return "a role label"
        if _REFUSAL.search(text):
            return "a refusal"
        if _GRADES.search(text):
            return "grading the candidate aloud"
        if _DESIGNS.search(text) and not _DESIGNS.search(self.draft):
            return "answering for the candidate"
        tokens = words(text)
        if not complete:
            tokens = tokens[:-1]  # the last word may still be growing
        if _repeats_itself(tokens):
            return "repeating itself"
        planned = _in_runs_of(tokens, self.draft_words)
        if _copied(tokens, self.forbidden, planned, ECHO_WORDS):
            return "rubric or fact-sheet text that was not asked for"
        if _copied(tokens, self.earlier, planned, ECHO_WORDS):
            return "repeating an earlier turn"
        if _copied(tokens, self.prompt, planned, PROMPT_WORDS):
            return "pasting the case prompt"
        settled = text if complete else text[: _last_boundary(text)]
        invented = {n for n in numbers(settled) if n not in self.allowed_numbers and not _small(n)}
        if invented:
            return f"a number that is not in the facts or the candidate's words ({sorted(invented)[0]})"
        return None

    def _final_rule(self, text: str) -> str | None:
        stripped = text.strip()
        if not stripped:
            return "an empty turn"
        if not _SENTENCE_END.search(stripped):
            return "an unfinished sentence"
        tokens = words(stripped)
        if len(tokens) >= 10 and len(_ENGLISH.intersection(tokens)) < 2:
            return "not in English"
        missing = self.draft_numbers - numbers(stripped)
        if missing and self.utterance.kind in (TurnKind.CLARIFICATION, TurnKind.CURVEBALL):
            return f"a fact's number left out ({sorted(missing)[0]})"
        if "?" in self.draft and "?" not in stripped and self.utterance.kind is not TurnKind.CLARIFICATION:
            return "the planned question not asked"
        return None


def _numbers_in(texts: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for text in texts:
        found |= numbers(text)
    return frozenset(found)


def _small(number: str) -> bool:
    try:
        return float(number) <= SMALL_NUMBERS
    except ValueError:
        return False


def _last_boundary(text: str) -> int:
    """Where the text is settled: up to its last space (a number at the very end may still grow)."""
    cut = max(text.rfind(" "), text.rfind("\n"))
    return cut if cut >= 0 else 0


def _in_runs_of(tokens: list[str], draft: list[str], n: int = 4) -> set[int]:
    """Positions of the words that belong to a run of `n` words (or the whole of a shorter draft) the draft has."""
    n = min(n, len(draft))
    if n == 0:
        return set()
    runs = ngrams(draft, n)
    planned: set[int] = set()
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in runs:
            planned.update(range(i, i + n))
    return planned


def _copied(tokens: list[str], source: AbstractSet[tuple[str, ...]], planned: set[int], n: int) -> bool:
    """Whether at least `n` words come from a run of `n` shared with `source` and are not the draft's own words (a
    lead-in such as "Thanks." before the draft is not a copy of an earlier turn that said the same)."""
    copied: set[int] = set()
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in source:
            copied.update(range(i, i + n))
    return len(copied - planned) >= n


def _repeats_itself(tokens: list[str]) -> bool:
    seen: set[tuple[str, ...]] = set()
    for i in range(len(tokens) - LOOP_WORDS + 1):
        gram = tuple(tokens[i : i + LOOP_WORDS])
        if gram in seen:
            return True
        seen.add(gram)
    return False
