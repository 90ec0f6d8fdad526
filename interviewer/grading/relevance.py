"""Relevance: is an answer about this case, or about another built-in case?

Generic ML words ("retrain daily, monitor drift") fit every case and tell nothing. A case's vocabulary is the content
words of its brief and of its items (what each covers, its follow-up and its signals); a word weighs more the fewer
built-in cases use it (its inverse document frequency over the cases). An answer's match with a case is the weight of
the words it shares with that case's vocabulary, each counted in up to `MAX_REPEATS` sentences. An answer whose words
match another case's vocabulary clearly better than this one's (by a share below `FULL_CREDIT_RATIO`, and by
`MIN_GAP` or more, so a short vague answer is never judged on three words) was written for that problem, and its
credit shrinks (see `scale_for` and `interviewer.grading.deterministic.grade_replies`).

Measured on the labelled answers (the calibration set and a blind set of the twelve cases, 255 files): the honest
answers other than weak ones match their own case at least 0.92 times as well as any other case (all but one above
1.04); weak ones down to 0.72, but never by a gap above 6. Each case's strong answer graded as each of the other
eleven cases (561 pairs): at most 0.83, and by gaps of 32 or more. Then on a second blind set, unseen until then (60
files, 132 pairs): honest answers other than weak ones at least 1.16, weak ones at least 0.89 with gaps of 1 or less,
strong answers as other cases at most 0.76 with gaps of 44 or more. The rule it replaces (a share of sentences using
words only one case's brief has) let a strong video-search answer score 60-87 graded as any other case.

The built-in cases' vocabularies are read from `case-words.json` beside them, written by `scripts/case_words.py` and
checked by a test; a case file whose content no longer matches its entry, or an index of another format, is read whole
instead (slower, same result).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.grading.claims import ClaimCollector
from interviewer.grading.content import content_words
from interviewer.grading.text import analyse, split_sentences
from interviewer.rubric import Case, source_digest

INDEX_FILE = "case-words.json"
# Bump when the way a case's words are read changes (`_words_of`, `_case_texts`, the text module's folding): an index
# of another format is ignored, since the digests of the case files alone would still match.
INDEX_FORMAT = 1
MAX_REPEATS = 3
# Below this share of the best other case's match, credit shrinks; at `NO_CREDIT_RATIO` or below nothing is left.
FULL_CREDIT_RATIO = 0.9
NO_CREDIT_RATIO = 0.7
MIN_GAP = 12.0


def _words_of(texts: Iterable[str]) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        for sentence in split_sentences(text.replace("&", " ")):
            words |= content_words(analyse(sentence))
    return frozenset(words)


def _case_texts(case: Case) -> Iterable[str]:
    yield case.title
    yield case.prompt
    for fact in case.facts:
        yield fact.answer
    for _, rubric in case.steps.items():
        for item in rubric.items:
            yield item.covers
            yield item.follow_up
            yield from item.signals


_BY_OBJECT: dict[int, tuple[Case, frozenset[str]]] = {}


def case_words(case: Case) -> frozenset[str]:
    """The case's vocabulary (see the module docstring), once per case object."""
    hit = _BY_OBJECT.get(id(case))
    if hit is None or hit[0] is not case:
        if len(_BY_OBJECT) >= 64:
            _BY_OBJECT.clear()
        hit = _BY_OBJECT[id(case)] = (case, _words_of(_case_texts(case)))
    return hit[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_index(directory: Path) -> dict[str, tuple[str, frozenset[str]]]:
    try:
        raw = json.loads((directory / INDEX_FILE).read_text(encoding="utf-8"))
        if raw["format"] != INDEX_FORMAT:
            return {}  # written by another way of reading words: every case is read whole
        return {
            case_id: (entry["sha256"], frozenset(entry["words"].split())) for case_id, entry in raw["cases"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # no index, or a damaged one: every case is read whole


@lru_cache(maxsize=4)
def built_in_index(directory: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Each built-in case's file digest (sha256) and vocabulary, by file name. Only the built-in cases: a user's own
    cases must not change how another case is graded."""
    from interviewer.catalog import folder_case_files
    from interviewer.rubric import load_case_file

    index = _read_index(Path(directory))
    found = {}
    for path in folder_case_files(Path(directory)):
        digest = _digest(path)
        entry = index.get(path.stem)
        if entry is not None and entry[0] == digest:
            found[path.stem] = (digest, entry[1])
            continue
        try:
            found[path.stem] = (digest, case_words(load_case_file(path)))
        except InterviewerError:
            continue  # a broken built-in case is reported by `check`; it only narrows the background here
    return found


def built_in_words(directory: str) -> dict[str, frozenset[str]]:
    """Each built-in case's vocabulary, by file name (see `built_in_index`)."""
    return {case_id: words for case_id, (_, words) in built_in_index(directory).items()}


def _words_for(case: Case, directory: str) -> frozenset[str]:
    """The case's vocabulary; for a case loaded from the very bytes of a built-in case file, that file's, without
    reading the case again (about 12 ms a case object, which a grade in a fresh process would pay)."""
    entry = built_in_index(directory).get(case.id)
    if entry is not None and entry[0] == source_digest(case):
        return entry[1]
    return case_words(case)


def index_text(directory: Path) -> str:
    """The index of the built-in cases in `directory`, as `scripts/case_words.py` writes it."""
    from interviewer.catalog import folder_case_files
    from interviewer.rubric import load_case_file

    entries = {
        path.stem: {"sha256": _digest(path), "words": " ".join(sorted(case_words(load_case_file(path))))}
        for path in folder_case_files(directory)
    }
    return json.dumps({"format": INDEX_FORMAT, "cases": entries}, indent=1, sort_keys=True) + "\n"


def _folder() -> str:
    from interviewer.catalog import rubrics_dir

    return str(rubrics_dir())


def _answer_words(collector: ClaimCollector) -> Counter[str]:
    """Each content word: in how many of the answer's sentences it is, a sentence said again word for word counted once
    (padding repeated in every step had made a weak answer read as another case's through the padding's few words)."""
    counts: Counter[str] = Counter()
    for sentence in {sentence.text: sentence for sentence in collector.sentences()}.values():
        counts.update(content_words(sentence))
    return counts


@lru_cache(maxsize=64)
def _weights(directory: str, case_id: str, words: frozenset[str]) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Word -> (its weight, the cases whose vocabulary has it), over the built-in cases with this case's words as its
    own: worked out once per case, not per grade."""
    vocabularies = {**built_in_words(directory), case_id: words}
    holders: dict[str, list[str]] = {}
    for other_id, vocabulary in vocabularies.items():
        for word in vocabulary:
            holders.setdefault(word, []).append(other_id)
    total = len(vocabularies)
    return {word: (math.log(total / len(ids)), tuple(ids)) for word, ids in holders.items() if len(ids) < total}


def relevance(case: Case, collector: ClaimCollector) -> tuple[float, float, float, str]:
    """How well the answer's words match this case's vocabulary and the best other built-in case's: (this case's
    match, the best other's, this one's share of it, that case's id). Matches are in weighted words (see the module
    docstring); the share is 1.0 when no other case matches at all."""
    directory = _folder()
    words = _words_for(case, directory)
    if built_in_words(directory).get(case.id) != words:
        return 0.0, 0.0, 1.0, ""  # a user's own case, or an edited copy of ours: see `scale_for`
    weights = _weights(directory, case.id, words)
    matches: dict[str, float] = {}
    for word, times in _answer_words(collector).items():
        found = weights.get(word)
        if found is not None:
            weight, holders = found
            for holder in holders:
                matches[holder] = matches.get(holder, 0.0) + weight * min(times, MAX_REPEATS)
    here = matches.pop(case.id, 0.0)
    best_id, best = max(matches.items(), key=lambda pair: (pair[1], pair[0]), default=("", 0.0))
    share = here / best if best > 0 else 1.0
    return here, best, share, best_id


def scale_for(case: Case, collector: ClaimCollector) -> tuple[float, str | None]:
    """The factor on every item's credit, and the reason shown with the hire signal when it is below 1. Built-in
    cases only: a user's own case (or an edited copy of one of ours) is often thinner than ours and may be close to one
    of them (their own click prediction problem), so an honest answer to it could match a built-in case better; it
    keeps all its credit."""
    here, elsewhere, share, other_id = relevance(case, collector)
    if share >= FULL_CREDIT_RATIO or elsewhere - here < MIN_GAP:
        return 1.0, None
    scale = round(max(0.0, (share - NO_CREDIT_RATIO) / (FULL_CREDIT_RATIO - NO_CREDIT_RATIO)), 2)
    if scale >= 1.0:
        return 1.0, None
    note = (
        f"the answer reads as one for {other_id} (its words match that case's vocabulary by {elsewhere:.0f}, this "
        f"one's by {here:.0f}), so credit is scaled by {scale:.2f}"
    )
    return scale, note
