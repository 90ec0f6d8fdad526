"""Text normalisation and signal matching shared by the grader and the stub interviewer.

Rules (documented for case authors in rubrics/README.md): case, punctuation and plurals are folded; a signal's words
must stand next to each other in one sentence; `a & b` needs every part in the same sentence; a match preceded by a
negation in the same clause does not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

_CONTRACTION = re.compile(r"\b(?:can't|cannot|won't|shan't)\b|n't\b|'(?:re|ll|ve|d|m|s)\b")
# "we're ranking" must not read as "re rank"; "'s" (is, or a possessive) says nothing a signal needs.
_CONTRACTED = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "n't": " not",
    "'re": " are",
    "'ll": " will",
    "'ve": " have",
    "'d": " would",
    "'m": " am",
    "'s": "",
}
_WORD = re.compile(r"[a-z0-9]+")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]]|\s[-\u2013\u2014]+\s")
_CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "while", "yet"})
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|vs|etc|approx|cf|incl)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_BULLET = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s+")

NEGATION_WINDOW = 3
_NEGATIONS = frozenset({"not", "no", "never", "without", "avoid", "nor", "neither"})
_TWO_WORD_NEGATIONS = frozenset({("instead", "of"), ("rather", "than")})


_SHORT_PLURALS = frozenset({"ads", "ids", "ops", "gpus", "cpus", "urls", "apis", "llms"})
# Plurals in -ves of words in -f or -fe: "leaves" must meet "leaf" ("moves" and "serves" are no such plurals).
_F_PLURALS = {
    "leaves": "leaf",
    "halves": "half",
    "shelves": "shelf",
    "knives": "knife",
    "lives": "life",
    "wives": "wife",
    "wolves": "wolf",
    "selves": "self",
    "thieves": "thief",
    "loaves": "loaf",
    "calves": "calf",
}
# A unit spelled out meets its symbol: "200 milliseconds" says what "200 ms" says.
_UNITS = {
    "millisecond": "ms",
    "milliseconds": "ms",
    "msec": "ms",
    "msecs": "ms",
    "kilobyte": "kb",
    "kilobytes": "kb",
    "megabyte": "mb",
    "megabytes": "mb",
    "gigabyte": "gb",
    "gigabytes": "gb",
    "terabyte": "tb",
    "terabytes": "tb",
}
# Words whose folded form would be another word: "none" would read as the prefix of "non-clicks", "note" as "not".
_KEEP_WHOLE = frozenset(
    {"none", "note", "succeed", "exceed", "proceed", "need", "feed", "seed", "speed", "breed", "bleed", "indeed"}
)  # and "-eed" roots, whose "ed" is no past tense: "succeeded" folds to "succeed" like "succeed"


@lru_cache(maxsize=65536)
def fold(token: str) -> str:
    """Fold a lowercase word so its plural, -ed and -ing forms compare equal: calibrate, calibrated, calibrating.

    The stems need not be words ("calibrat"); both sides of every comparison are folded the same way.
    """
    if token in _SHORT_PLURALS:
        return token[:-1]
    if token in _UNITS:
        return _UNITS[token]
    token = _F_PLURALS.get(token, token)
    if len(token) <= 3 or token.isdigit() or token in _KEEP_WHOLE:
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "i"  # "categories" meets "category", and "movies" meets "movie" (see the end)
    if token.endswith("es") and len(token) > 4:
        token = token[:-2]
    if token.endswith("s") and not token.endswith("ss") and len(token) > 3:
        token = token[:-1]
    if token in _KEEP_WHOLE:
        return token
    if token.endswith("ing") and len(token) >= 6:
        token = token[:-3]
    elif token.endswith("ed") and len(token) >= 6:  # "embed" and "speed" are not past tenses
        token = token[:-2]
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    if len(token) >= 4 and token[-1] == token[-2] and token[-1] not in "aeious":
        token = token[:-1]  # embedding -> embedd -> embed, labelled -> label
    if len(token) > 3 and token[-1] == "y" and token[-2] not in "aeiou":
        token = token[:-1] + "i"  # "category" meets "categories", "apply" meets "applied"
    return token


# "no more than 50 ms" or "not only X" limit or add to what follows rather than deny it. Folded like the text.
_NOT_A_NEGATION_BEFORE = frozenset(
    fold(word) for word in ("more", "less", "later", "longer", "only", "matter", "doubt", "fewer")
)


# Letters that look like Latin ones (Cyrillic, Greek) and invisible characters: text written to slip past the
# signals ("calibration" written with a Cyrillic "a") reads as what it looks like. NFKC already folds full-width forms.
_LOOK_ALIKES = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None),
        **{ord(k): v for k, v in zip("асеіјкорсухѕԁһӏɡνοαερτικυıİ", "aceijkopcyxsdhlgvoaeptikuiI", strict=True)},
    }
)


def fold_unicode(text: str) -> str:
    """NFKC, then look-alike letters mapped to Latin and invisible characters removed."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_LOOK_ALIKES)


def _lower(text: str) -> str:
    """Lowercase with contractions expanded, so "don't" reads as "do not"."""
    text = fold_unicode(text).lower().replace("\u2019", "'")
    return _CONTRACTION.sub(lambda m: _CONTRACTED[m.group(0)], text) if "'" in text or "cannot" in text else text


def words(text: str) -> list[str]:
    """Lowercase words with contractions expanded, before folding."""
    return _WORD.findall(_lower(text))


def word_spans(text: str) -> list[tuple[int, int]] | None:
    """Where each word of `words(text)` stands in `text`; None when reading changed the text's letters (a
    contraction spelled out, look-alike letters folded), so the places would not match."""
    lowered = text.lower()
    if len(lowered) != len(text) or _lower(text) != lowered:
        return None
    return [match.span() for match in _WORD.finditer(lowered)]


def normalise(text: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in words(text))


def split_sentences(text: str) -> list[str]:
    """Split prose (and bullet lists) into sentences; abbreviations such as "e.g." do not end one."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1] + "\u2024", text)
    parts = (_BULLET.sub("", part.strip()).replace("\u2024", ".") for part in _SENTENCE_END.split(protected))
    return [part for part in parts if part and _WORD.search(part.lower())]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    tokens: tuple[str, ...]
    clauses: tuple[int, ...]  # clause number of each token, so negation never reaches across a comma or "but"
    negated: frozenset[int]  # positions of tokens that a preceding negation covers
    # Positions of words said in the past tense or as a participle ("skipped", "ignored"): folding drops the ending,
    # and stance needs it to tell what a user did ("shown but skipped") from what the candidate decides ("skip it").
    past: frozenset[int] = frozenset()
    # Positions of words joined to the next by a hyphen: "no-purchase sessions" names a kind of session, it denies
    # nothing.
    compounds: frozenset[int] = frozenset()


# A running interview reads each reply again at every turn's step grade and at the end: a sentence is analysed once.
@lru_cache(maxsize=16384)
def analyse(text: str) -> Sentence:
    tokens: list[str] = []
    clauses: list[int] = []
    past: list[int] = []
    clause = 0
    compounds: list[int] = []
    for chunk in _CLAUSE_BREAK.split(_lower(text)):
        for match in _WORD.finditer(chunk):
            word = match.group()
            if word in _CLAUSE_WORDS:
                clause += 1
            if len(word) > 4 and word.endswith("ed"):
                past.append(len(tokens))
            if chunk[match.end() : match.end() + 1] == "-":
                compounds.append(len(tokens))
            tokens.append(fold(word))
            clauses.append(clause)
        clause += 1
    negated = frozenset(_negated_positions(tokens, clauses))
    return Sentence(text, tuple(tokens), tuple(clauses), negated, frozenset(past), frozenset(compounds))


# A negation stops at a new subject or a condition: in "posts with no caption we fall back to", "no" denies the
# caption, not the fall-back; in "we will not launch if returns go up", the returns are the condition.
_SCOPE_ENDS = frozenset(
    fold(word) for word in ("we", "i", "they", "you", "he", "she", "if", "unless", "because", "since", "until", "once")
)


def _negated_positions(tokens: list[str], clauses: list[int]) -> set[int]:
    negated: set[int] = set()
    for index, token in enumerate(tokens):
        width = 0
        if token in _NEGATIONS:
            width = 1
        elif index + 1 < len(tokens) and (token, tokens[index + 1]) in _TWO_WORD_NEGATIONS:
            width = 2
        if not width:
            continue
        after = index + width
        if after < len(tokens) and tokens[after] in _NOT_A_NEGATION_BEFORE:
            continue
        for position in range(after, min(after + NEGATION_WINDOW, len(tokens))):
            if clauses[position] != clauses[index] or tokens[position] in _SCOPE_ENDS:
                break
            negated.add(position)
    return negated


@lru_cache(maxsize=65536)  # every phrasing of every case (about 40,000) stays compiled
def compile_signal(signal: str) -> tuple[tuple[str, ...], ...]:
    """A signal as the token sequences that must all occur in one sentence."""
    return tuple(parts for parts in (normalise(part) for part in signal.split("&")) if parts)


class SentenceIndex:
    """The sentences of one block of text, with a word index so each signal costs one dictionary look-up."""

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        # Many signals share a part ("bid", "new ads"), and items share their concepts' phrasings: each is found once.
        self._places: dict[tuple[str, ...], dict[int, int]] = {}
        self._spans: dict[str, list[tuple[int, tuple[tuple[int, int], ...]]]] = {}
        self._positions: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for s_index, sentence in enumerate(sentences):
            for position, token in enumerate(sentence.tokens):
                self._positions[token].append((s_index, position))

    @classmethod
    def of(cls, texts: list[str]) -> SentenceIndex:
        return cls([analyse(sentence) for text in texts for sentence in split_sentences(text)])

    def _phrase_hits(self, phrase: tuple[str, ...]) -> set[int]:
        """Sentences where `phrase` occurs at least once outside a negation."""
        hits: set[int] = set()
        size = len(phrase)
        for s_index, start in self._positions.get(phrase[0], ()):
            sentence = self.sentences[s_index]
            if sentence.tokens[start : start + size] == phrase and start not in sentence.negated:
                hits.add(s_index)
        return hits

    def spans(self, signal: str) -> list[tuple[int, tuple[tuple[int, int], ...]]]:
        """Every sentence the signal matches, negated or not, with each part's first place (first token, token after
        the last), earliest first; a sentence counts once per signal."""
        known = self._spans.get(signal)
        if known is None:
            known = self._spans[signal] = self._find_spans(signal)
        return known

    def _find_spans(self, signal: str) -> list[tuple[int, tuple[tuple[int, int], ...]]]:
        parts = compile_signal(signal)
        if not parts:
            return []
        per_part = []
        common: set[int] | None = None
        for phrase in parts:
            places = self.places(phrase)
            common = set(places) if common is None else common & places.keys()
            if not common:
                return []  # most phrasings tried have a part in no sentence that holds the others
            per_part.append(places)
        assert common is not None
        return [
            (
                s_index,
                tuple(
                    sorted(
                        (places[s_index], places[s_index] + len(part))
                        for part, places in zip(parts, per_part, strict=True)
                    )
                ),
            )
            for s_index in sorted(common)
        ]

    def places(self, phrase: tuple[str, ...]) -> dict[int, int]:
        """Sentence -> first position where `phrase` occurs (negated or not)."""
        known = self._places.get(phrase)
        if known is not None:
            return known
        places: dict[int, int] = {}
        self._places[phrase] = places
        size = len(phrase)
        for s_index, start in self._positions.get(phrase[0], ()):
            if s_index not in places and self.sentences[s_index].tokens[start : start + size] == phrase:
                places[s_index] = start
        return places

    def matching_sentences(self, signal: str) -> list[int]:
        """Indexes of sentences in which the signal matches, in order."""
        parts = compile_signal(signal)
        if not parts:
            return []
        found = self._phrase_hits(parts[0])
        for phrase in parts[1:]:
            if not found:
                break
            found &= self._phrase_hits(phrase)
        return sorted(found)

    def matches_any(self, signals: list[str]) -> list[int]:
        """Every sentence matched by any of the signals, in order."""
        matched: set[int] = set()
        for signal in signals:
            matched.update(self.matching_sentences(signal))
        return sorted(matched)
