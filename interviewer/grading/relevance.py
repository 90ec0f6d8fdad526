"""Relevance: is an answer about this case, or about another built-in case?

Generic ML words ("retrain daily, monitor drift") fit every case. A case's own words are those of its brief (title,
prompt, facts) that no other built-in case's brief uses and no shared concept uses. An answer that speaks in another
case's own words far more than in this one's was written for that problem, and its credit shrinks in proportion (see
`interviewer.grading.deterministic.grade_replies`). An answer that is generic everywhere is left alone: the rubric
already gives generic words little.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from interviewer.concepts import concept_words
from interviewer.errors import InterviewerError
from interviewer.grading.claims import ClaimCollector
from interviewer.grading.content import content_words
from interviewer.grading.text import analyse, fold, split_sentences
from interviewer.rubric import Case

# About another case: at least this share of the sentences use that case's own words, and `ANOTHER_CASE_RATIO` times
# this case's share, and at least this many sentences do (one stray word in a three-sentence answer is no evidence of
# anything). With eight cases each has fewer words of its own, so the share is lower than with three; the ratio keeps
# honest answers safe (measured on every labelled answer: at most 1.7 times; another case's strong answers: 1.8 to
# 9.5 times, so the similar cases' are not all caught).
ANOTHER_CASE_SHARE = 0.15
ANOTHER_CASE_RATIO = 2.0
ANOTHER_CASE_MIN_SENTENCES = 3
# Connectives that a brief may happen to be the only one to use ("since"): they say nothing about the problem.
# (With twelve cases, "since" had become a word of one case's own and made a wrong-but-honest answer read as that
# case's.)
_CONNECTIVES = frozenset(
    fold(word)
    for word in [
        "since",
        "though",
        "although",
        "unless",
        "still",
        "even",
        "ever",
        "every",
        "else",
        "instead",
        "within",
        "without",
        "across",
        "among",
        "around",
        "toward",
        "towards",
        "upon",
        "therefore",
        "thus",
        "hence",
        "whereas",
    ]
)


def brief_words(case: Case) -> frozenset[str]:
    return _words_of((case.title, case.prompt, *(fact.answer for fact in case.facts)))


@lru_cache(maxsize=64)
def _words_of(texts: tuple[str, ...]) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        for sentence in split_sentences(text):
            words |= content_words(analyse(sentence))
    return frozenset(words)


@lru_cache(maxsize=4)
def _built_in_briefs(directory: str) -> dict[str, frozenset[str]]:
    """Each built-in case's brief words, each case file read once per process. Only the built-in cases: a user's
    own cases must not change how another case is graded."""
    from interviewer.catalog import folder_case_files
    from interviewer.rubric import load_case_file

    briefs = {}
    for path in folder_case_files(Path(directory)):
        head = _brief_head(path)
        if head is not None:
            briefs[path.stem] = _words_of(head)
            continue
        try:
            briefs[path.stem] = brief_words(load_case_file(path))
        except InterviewerError:
            continue  # a broken built-in case is reported by `check`; it only narrows the background here
    return briefs


def _brief_head(path: Path) -> tuple[str, ...] | None:
    """Title, prompt and fact answers from the part of a case file before its `steps:`, which is all a brief needs:
    the whole file, ten times larger, took 65 ms a case to load, for every case, once per process. None when that
    part does not hold them (the whole case is loaded instead)."""
    import yaml

    from interviewer.yamlfile import MAX_INPUT_BYTES, read_text

    text = read_text(path, MAX_INPUT_BYTES)
    end = text.find("\nsteps:")
    if end < 0:
        return None
    try:
        head = yaml.load(text[:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        facts = [fact["answer"] for fact in head["facts"]]
        texts = (head["title"], head["prompt"], *facts)
    except (yaml.YAMLError, KeyError, TypeError):
        return None
    return texts if all(isinstance(text, str) for text in texts) else None


def _folder() -> str:
    from interviewer.catalog import rubrics_dir

    return str(rubrics_dir())


@lru_cache(maxsize=256)
def _own_words(directory: str, case_id: str, brief: frozenset[str]) -> frozenset[str]:
    """A case's words that no other built-in case's brief and no generic ML concept uses. Every grade asks for every
    case's, so they are worked out once per process (measured 9 ms a grade)."""
    briefs = _built_in_briefs(directory)
    others = frozenset().union(*(words for other, words in briefs.items() if other != case_id))
    generic = concept_words()
    return frozenset(
        w for w in brief if w not in others and w not in generic and w not in _CONNECTIVES and not w[0].isdigit()
    )


def distinctive_words(case: Case) -> frozenset[str]:
    """This case's own words (see the module docstring)."""
    return _own_words(_folder(), case.id, brief_words(case))


def relevance(case: Case, collector: ClaimCollector) -> tuple[float, float, str]:
    """The share of the answer's sentences in this case's own words, the highest share in another built-in case's
    (counted only when at least `ANOTHER_CASE_MIN_SENTENCES` sentences use that case's words), and that case's id."""
    here = collector.relevance(distinctive_words(case)) or 0.0
    best, best_id = 0.0, ""
    if ANOTHER_CASE_RATIO * here >= 1.0:
        return here, best, best_id  # no other case can reach that many times this share
    directory = _folder()
    for other_id, brief in _built_in_briefs(directory).items():
        if other_id == case.id:
            continue
        words = _own_words(directory, other_id, brief)
        if not words or collector.sentences_using(words) < ANOTHER_CASE_MIN_SENTENCES:
            continue
        share = collector.relevance(words)
        if share is not None and share > best:
            best, best_id = share, other_id
    return here, best, best_id


def scale_for(case: Case, collector: ClaimCollector) -> tuple[float, str | None]:
    """The factor on every item's credit, and the reason shown with the hire signal when it is below 1."""
    here, elsewhere, other_id = relevance(case, collector)
    if elsewhere >= ANOTHER_CASE_SHARE and elsewhere >= ANOTHER_CASE_RATIO * here:
        scale = here / elsewhere
        note = (
            f"the answer reads as one for {other_id} ({elsewhere:.0%} of its sentences use that case's own words, "
            f"{here:.0%} this one's), so credit is scaled by {scale:.2f}"
        )
        return scale, note
    return 1.0, None
