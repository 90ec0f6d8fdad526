"""The guard on every model turn: a model's words are shown only while they keep to the plan.

The stub decides every move and drafts it; the model only phrases the draft. Small local models (and, less often,
large hosted ones) still ramble, loop, paste their prompt, invent numbers, label roles or answer for the candidate.
`TurnGuard` reads a turn as it streams and raises `OffScript` naming the rule that failed as soon as one does (the
interview then wipes what was shown and says the draft, with a notice); a few rules can only be checked on the whole
turn (`finish`). Every rule is a plain text check on our own data: the draft, the case, the turns so far.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from interviewer.grading.text import words
from interviewer.llm.client import ModelError
from interviewer.policy.base import Utterance, View
from interviewer.rubric import Case
from interviewer.transcript import Role, Turn, TurnKind

LOOP_WORDS, LOOP_SHORT_WORDS = 8, 5  # the same run of 8 words twice in one turn is a loop, or of 5 words thrice
ECHO_WORDS = 8  # a run this long shared with an earlier turn, the rubric or the facts is pasted, not phrased
PROMPT_WORDS = 10  # ... with the case prompt (it shares more ordinary phrases with any turn about the case)
EARLIER_TURNS = 40  # the interviewer's latest turns compared with this one
MIN_CHARS, CHARS_PER_DRAFT_CHAR = 500, 3  # the longest turn: a multiple of the draft, never below the minimum
SMALL_NUMBERS = 10  # "two or three", "step 1": numbers up to this need no source
CHECK_EVERY = 32  # characters streamed between two checks
PHRASE_REACH = 80  # longer than any phrase a rule matches (under 40 characters): read again before the new text

# A number in digits; not the digits of a token such as "gpt-4", "key-0123" or "p/99" (a letter before the mark).
_NUMBER = re.compile(r"(?<![\w.])(?<![A-Za-z][-/])\d[\d,]*(?:\.\d+)?(?=[^\d,.]|[.,](?!\d)|$)")
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}
_SCALED = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|bn|mn|k|m|b)\b", re.IGNORECASE)
_NUMBER_WORD_LIST = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred"
)
_NUMBER_WORDS = dict(
    zip(re.findall(r"[a-z]+", _NUMBER_WORD_LIST), [*range(21), 30, 40, 50, 60, 70, 80, 90, 100], strict=True)
)
_LABELS = r"(you|candidate|interviewer|assistant|user|system|human|ai|model|me|q|a)"
# A label opening a line or following a sentence's end ("...? Candidate: It goes..."), with or without markdown.
_ROLE_LABEL = re.compile(rf"(?i)(^|\n|[.?!]\s)[\W_]{{0,3}}{_LABELS}[\W_]{{0,3}}:([\s*_]|$)")
_THINKING = re.compile(r"(?i)<\s*/?\s*think")
# A chat format's own markers in the words: the model is writing a prompt, not a turn (Gemma 3 270M's "<<SYS>>").
_TEMPLATE_TOKENS = re.compile(r"(?i)<<\s*/?\s*sys\s*>>|\[/?inst\]|<\|[a-z_]+\|>|<(start|end)_of_turn>|</?s>")
# A refusal is the whole answer: "As an AI...", "I can't help with that." with no question after it.
_REFUSAL = re.compile(r"(?i)\b(as an ai\b|as a (large )?language model|i('m| am) (not able|unable) to (help|assist))")
_GRADES = re.compile(
    r"(?i)\b(strong (no )?hire|lean (no )?hire|no hire|\d+ ?/ ?10\b|out of (10|ten|100)\b"
    r"|your (score|grade) (is|was|would be)|i('d| would) (grade|score|rate) (you|this|that|your)"
    r"|you nailed|nailed it|spot on|great job|well done|(great|excellent|perfect|strong|good) answer)"
)
# The interviewer proposing the design, the candidate's job: "I'd use a two-tower model", "You should use log loss".
_DESIGNS = re.compile(
    r"(?i)\b((i|we)('d| would| will|'ll)|you should|you could just) (use|build|train|choose|pick|deploy|design|go with"
    r"|propose|multiply|add|calibrate|rank|split|combine|apply)\b(?! (whatever|what|your|you|it)\b)"
    r"|\bthe (right |correct )?answer is\b"
)
_QUESTION_LIKE = re.compile(
    r"(?i)\b(tell me|walk me through|talk me through|take me through|describe|explain|share|let's hear|go ahead)\b"
)
_COMMON_WORDS = (  # a turn of ten words or more in English has at least two of them
    "the a an and or of to in on at by for from with about into through as is are was were be been being do does "
    "did have has had will would can could should may might i me my we us our you your they them their it its "
    "this that these those what which who how why when where there here if so but not no yes all any some more "
    "than then just also please thanks thank sure let let's take now next go move okay"
)
_ENGLISH = frozenset(words(_COMMON_WORDS))
_SENTENCE_MARKS = ".?!…"


class OffScript(ModelError):
    """The model's turn broke a rule; `rule` names it (shown in the notice and saved with the fallback)."""

    def __init__(self, rule: str):
        super().__init__(f"its words broke a rule: {rule}")
        self.rule = rule


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def numbers(text: str) -> set[str]:
    """The numbers written in digits, normalised ("150,000" and "150000" are one number)."""
    return {match.replace(",", "").rstrip(".") for match in _NUMBER.findall(text)}


def _value(number: str) -> float | None:
    try:
        return float(number)
    except ValueError:
        return None


def values(text: str) -> set[float]:
    """Every value the text states, however written: "400 million", "400,000,000" and "400M" are one value (and
    "400", as a fact sheet writes it), "twenty" is 20."""
    found: set[float] = set()
    for number in numbers(text):
        value = _value(number)
        if value is not None:
            found.add(value)
    for digits, scale in _SCALED.findall(text):
        value = _value(digits.replace(",", ""))
        if value is not None:
            found.add(value * _SCALES[scale.lower()])
    found |= _word_values(words(text))
    return found


def _word_values(tokens: list[str]) -> set[float]:
    """Values written in words: "twenty" is 20, "four hundred million" is 400,000,000."""
    found: set[float] = set()
    total = current = 0.0
    in_number = False
    for token in [*tokens, ""]:
        if token in _NUMBER_WORDS and token != "hundred":
            current += _NUMBER_WORDS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in ("thousand", "million", "billion"):
            total += (current or 1) * _SCALES[token]
            current = 0.0
        else:
            if in_number:
                found.add(total + current)
            total = current = 0.0
            in_number = False
            continue
        in_number = True
    return found


def _same_value(value: float, known: AbstractSet[float]) -> bool:
    """`value` is one of `known`, allowing for the scale a text leaves in words ("400" of "400 million")."""
    scaled = {value, *(value * scale for scale in (1e3, 1e6, 1e9)), *(value / scale for scale in (1e3, 1e6, 1e9))}
    return any(abs(candidate - other) <= 1e-9 * max(1.0, abs(other)) for candidate in scaled for other in known)


@dataclass(frozen=True)
class _CaseText:
    prompt: frozenset[tuple[str, ...]]
    rubric: frozenset[tuple[str, ...]]  # what items cover, their follow-ups, red flags: never said by the model
    facts: tuple[frozenset[tuple[str, ...]], ...]
    values: frozenset[float]  # the values of the prompt, the facts and the curveballs
    rubric_and_facts: frozenset[tuple[str, ...]]  # what a turn may not say unless it answers from the facts


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
    facts = tuple(frozenset(ngrams(words(fact.answer), ECHO_WORDS)) for fact in case.facts)
    return _CaseText(
        prompt=frozenset(ngrams(words(case.prompt), PROMPT_WORDS)),
        rubric=frozenset(rubric),
        facts=facts,
        values=frozenset(v for text in said for v in values(text)),
        rubric_and_facts=frozenset(rubric).union(*facts),
    )


@functools.lru_cache(maxsize=256)
def _echoes(text: str) -> frozenset[tuple[str, ...]]:
    """The word runs of an interviewer turn that a later turn may not repeat; read once per turn, not once per model
    turn after it (a turn's text never changes)."""
    return frozenset(ngrams(words(text), ECHO_WORDS))


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
        # (a question the stub could not place: the model answers from facts)
        self.forbidden = (case_text.rubric if facts_allowed else case_text.rubric_and_facts) - own
        self.prompt = case_text.prompt - ngrams(draft_words, PROMPT_WORDS)
        earlier = itertools.islice(
            (t.text for t in reversed(view.turns) if t.role is Role.INTERVIEWER and t.kind is not TurnKind.INTRO),
            EARLIER_TURNS,
        )  # the latest ones only: this runs every model turn, however long the interview
        self.earlier = frozenset().union(*(_echoes(text) for text in earlier)) - own
        self.allowed = case_text.values | values(self.draft) | _candidate_values(view.turns)
        self.draft_numbers = numbers(self.draft)
        self.max_chars = max(MIN_CHARS, CHARS_PER_DRAFT_CHAR * len(self.draft))
        self.check_numbers = True
        self._known_numbers: dict[str, bool] = {}
        self._draft_designs = bool(_DESIGNS.search(self.draft))
        self._runs = _Runs(
            draft_words,
            {
                "rubric": (self.forbidden, ECHO_WORDS),
                "earlier": (self.earlier, ECHO_WORDS),
                "prompt": (self.prompt, PROMPT_WORDS),
            },
        )
        self._searched = 0  # how much of the text the phrase rules have read
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
        guard.check_numbers = False  # a number may come from the draft (the time left), which is not saved
        guard.max_chars = 10**9  # the bound is a multiple of the draft's length
        guard.text = text
        return guard._streaming_rule(text, complete=True) or guard._final_rule(text)

    # -- rules -----------------------------------------------------------------------------------------------------

    def _streaming_rule(self, text: str, complete: bool) -> str | None:
        """The rules that can fail before the turn is complete. Each call is given the turn so far, which only grows:
        the phrase rules read again only its last `PHRASE_REACH` characters before what they read last time, and the
        word-run rules only the runs that end in words settled since."""
        if len(text) > self.max_chars:
            return "too long"
        start, self._searched = max(0, self._searched - PHRASE_REACH), len(text)
        if _ROLE_LABEL.search(text, start):
            return "a role label"
        if _THINKING.search(text, start):
            return "its thinking"
        if _TEMPLATE_TOKENS.search(text, start):
            return "chat-format markers"
        if _REFUSAL.search(text, start):
            return "a refusal"
        if _GRADES.search(text, start):
            return "grading the candidate aloud"
        if not self._draft_designs and _DESIGNS.search(text, start):
            return "answering for the candidate"
        tokens = words(text)
        if not complete:
            tokens = tokens[:-1]  # the last word may still be growing
        runs = self._runs
        runs.extend(tokens)
        if runs.loops:
            return "repeating itself"
        if runs.copied("rubric"):
            return "rubric or fact-sheet text that was not asked for"
        if runs.copied("earlier"):
            return "repeating an earlier turn"
        if runs.copied("prompt"):
            return "pasting the case prompt"
        if self.check_numbers:
            settled = text if complete else text[: _last_boundary(text)]
            invented = sorted(n for n in numbers(settled) if not self._known(n))
            if invented:
                return f"a number that is not in the facts or the candidate's words ({invented[0]})"
        return None

    def _known(self, number: str) -> bool:
        # Each check reads the whole turn so far again: a number is compared with every allowed value only once.
        known = self._known_numbers.get(number)
        if known is None:
            value = _value(number)
            known = value is None or value <= SMALL_NUMBERS or _same_value(value, self.allowed)
            self._known_numbers[number] = known
        return known

    def _final_rule(self, text: str) -> str | None:
        stripped = text.strip()
        if not stripped:
            return "an empty turn"
        ending = _without_closers(stripped)
        if not ending or ending[-1] not in _SENTENCE_MARKS:
            return "an unfinished sentence"
        if not _english(stripped):
            return "not in English"
        said = values(stripped)
        missing = sorted(n for n in self.draft_numbers if (v := _value(n)) is not None and not _same_value(v, said))
        if missing and self.utterance.kind in (TurnKind.CLARIFICATION, TurnKind.CURVEBALL):
            return f"a fact's number left out ({missing[0]})"
        asked = "?" in stripped or _QUESTION_LIKE.search(stripped)
        if "?" in self.draft and not asked and self.utterance.kind is not TurnKind.CLARIFICATION:
            return "the planned question not asked"
        return None


_CANDIDATE_VALUES: dict[int, tuple[list[Turn], int, frozenset[float]]] = {}


def _candidate_values(turns: list[Turn]) -> frozenset[float]:
    """Every value the candidate has stated, read once per turn as the interview grows (this runs every model turn,
    and the turns only grow)."""
    cached = _CANDIDATE_VALUES.get(id(turns))
    seen, found = (
        (cached[1], cached[2])
        if cached is not None and cached[0] is turns and cached[1] <= len(turns)
        else (0, frozenset())
    )
    new: set[float] = set()
    for turn in turns[seen:]:
        if turn.role is Role.CANDIDATE:
            new |= values(turn.text)
    found = found | new
    if len(_CANDIDATE_VALUES) > 16:
        _CANDIDATE_VALUES.clear()
    _CANDIDATE_VALUES[id(turns)] = (turns, len(turns), found)
    return found


def _without_closers(text: str) -> str:
    """The text up to its last letter, digit or sentence mark: quotes, brackets, markdown emphasis and emoji after a
    sentence's full stop do not leave it unfinished."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] in _SENTENCE_MARKS):
        end -= 1
    return text[:end]


def _english(text: str) -> bool:
    """Mostly Latin letters, and a turn of ten words or more has at least two common English words."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) < 0.8 * len(letters):
        return False
    tokens = words(text)
    return len(tokens) < 10 or len(_ENGLISH.intersection(tokens)) >= 2


def _last_boundary(text: str) -> int:
    """Where the text is settled: up to its last space (a number at the very end may still grow)."""
    cut = max(text.rfind(" "), text.rfind("\n"))
    return cut if cut >= 0 else 0


class _Runs:
    """The word runs of a turn as it grows, read once each: which of its words belong to a run the draft has (the
    planned words), which to a run shared with each source it may not copy, and whether it repeats itself.

    A copy is at least `n` words that come from a run of `n` shared with the source and are not planned words (a
    lead-in such as "Thanks." before the draft is not a copy of an earlier turn that said the same). A loop is a run
    of `LOOP_WORDS` words said twice, or of `LOOP_SHORT_WORDS` three times (a question that asks "how would you split
    the data" for training and then for evaluation is not one)."""

    def __init__(self, draft: list[str], sources: dict[str, tuple[AbstractSet[tuple[str, ...]], int]]):
        """`sources`: by name, the runs a turn may not copy and the length of those runs."""
        self.plan_size = min(4, len(draft))  # a run of 4 words of the draft, or the whole of a shorter one
        self.draft_runs = ngrams(draft, self.plan_size) if self.plan_size else set()
        self.sources = sources
        self._start()

    def _start(self) -> None:
        self.tokens: list[str] = []
        self.planned: set[int] = set()
        self.shared: dict[str, set[int]] = {name: set() for name in self.sources}
        self.long_runs: set[tuple[str, ...]] = set()
        self.short_runs: dict[tuple[str, ...], int] = {}
        self.loops = False

    def extend(self, tokens: list[str]) -> None:
        """Take the turn's settled words so far (the words read before, and more)."""
        done = len(self.tokens)
        if tokens[:done] != self.tokens:  # an earlier word reads differently now: read them all again
            self._start()
            done = 0
        self.tokens = tokens
        for start, run in self._new_runs(done, self.plan_size):
            if run in self.draft_runs:
                self.planned.update(range(start, start + self.plan_size))
        for name, (source, size) in self.sources.items():
            for start, run in self._new_runs(done, size):
                if run in source:
                    self.shared[name].update(range(start, start + size))
        for _start, run in self._new_runs(done, LOOP_WORDS):
            if run in self.long_runs:
                self.loops = True
            self.long_runs.add(run)
        for _start, run in self._new_runs(done, LOOP_SHORT_WORDS):
            count = self.short_runs[run] = self.short_runs.get(run, 0) + 1
            if count >= 3:
                self.loops = True

    def _new_runs(self, done: int, size: int) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The runs of `size` words that end in a word after the first `done`."""
        tokens = self.tokens
        if size == 0:
            return
        for start in range(max(0, done - size + 1), len(tokens) - size + 1):
            yield start, tuple(tokens[start : start + size])

    def copied(self, source: str) -> bool:
        return len(self.shared[source] - self.planned) >= self.sources[source][1]
