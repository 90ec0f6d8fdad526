"""Answers to the candidate's clarifying questions, from the case's fact sheet only.

A question with several parts ("posts per day, what share is violating, how many reviewers?") is split into its
parts; every part the fact sheet covers is answered, and only the parts it does not cover are left to the
candidate's assumptions, by name. A covered fact is never called unspecified.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from interviewer.grading.text import Sentence, SentenceIndex, analyse, normalise, split_sentences, words
from interviewer.rubric import Case, Fact

NOT_IN_FACTS = "That isn't specified. Assume what is reasonable, say your assumption out loud, and carry on."
ONE_AT_A_TIME = "Let's take your other questions one at a time."
MAX_QUESTIONS = 4  # questions answered from one reply; more get "one at a time"
MAX_PARTS = 6
SHOWN_PART_CHARS = 60

# Where a question's parts meet: a semicolon, a comma or "and"/"or"/"also"/"plus" followed by a new question word.
_QUESTION_WORD = r"(?:what|which|who|how|when|where|why|is|are|do|does|did|can|could|will|would|should|any|anything)"
_PART_BREAK = re.compile(
    rf";|,\s*(?:and\s+|or\s+|also\s+|plus\s+)?(?={_QUESTION_WORD}\b)|,\s*(?:and|or|plus|also)\s+"
    rf"|\s+(?:and|or|also|plus)\s+(?={_QUESTION_WORD}\b)|,\s+(?=[a-z]+(?:\s+[a-z]+)?\s+(?:per|of|for)\b)",
    re.IGNORECASE,
)
# A comma list of short noun phrases ("posts per day, the share, reviewers?") splits at every comma.
_LIST_ITEM_MAX_WORDS = 6


def clarifying_questions(reply: str) -> list[str]:
    """The questions in a reply that is mostly questions; a rhetorical question inside an answer is not one."""
    sentences = split_sentences(reply)
    questions = [sentence for sentence in sentences if sentence.rstrip().endswith("?")]
    if not questions:
        return []
    question_words = sum(len(words(q)) for q in questions)
    if reply.rstrip().endswith("?") or question_words * 2 >= len(words(reply)):
        return questions
    return []


# Words that lead into a question without asking anything: "Before designing, what is the goal?"
_PREAMBLE = re.compile(
    r"^(?:(?:ok|okay|so|well|first|firstly|also|and|quick question|one more thing|just to clarify|to clarify|"
    r"out of curiosity|before (?:designing|we design|i design|we start|i start|anything)|before that|"
    r"a (?:few|couple of) questions(?: first)?)\b[\s,:]*)+",
    re.IGNORECASE,
)


def question_parts(question: str) -> list[str]:
    """The parts of a question that asks several things at once, each with at least one word of its own."""
    text = _PREAMBLE.sub("", question.strip()).rstrip("?").strip() or question.strip().rstrip("?")
    parts = [part.strip(" ,") for part in _PART_BREAK.split(text)]
    segments = [segment.strip() for segment in text.split(",")]
    if len(segments) >= 3 and all(len(words(segment)) <= _LIST_ITEM_MAX_WORDS for segment in segments):
        parts = [re.sub(r"^(?:and|or|also|plus)\s+", "", segment, flags=re.IGNORECASE) for segment in segments]
    merged: list[str] = []
    for part in parts:
        if not part:
            continue
        if merged and not (set(normalise(part)) - _QUESTION_STOPWORDS):
            merged[-1] = f"{merged[-1]} {part}"  # "which one, and why" has nothing to answer on its own
        else:
            merged.append(part)
    return merged[:MAX_PARTS] or [text]


def _unnegated(sentence: str) -> Sentence:
    # Questions are matched without negation handling: "is there no latency limit?" still asks about latency.
    return dataclasses.replace(analyse(sentence), negated=frozenset())


# Derivations a question and a fact sheet word differently ("invites accepted" / "invitations", "acceptances"):
# matched loosely here only, where a word shared is a hint of the topic, not credit for an idea.
_DERIVATIONS = re.compile(r"(?:ation|ition|ance|ence|ment|ness|ity|ion|er|ly)$")


def _loose(tokens: Iterable[str]) -> set[str]:
    return {_DERIVATIONS.sub("", token) if len(token) > 6 else token for token in tokens}


# Words that say nothing about what a question is after, left out of the word-overlap fallback.
_QUESTION_STOPWORDS = frozenset(
    _loose(
        normalise(
            "what which who whom whose when where why how is are was were do does did can could would should will "
            "shall there the a an of to in on for with about any some our your we you i it this that these those be "
            "been have has had and or if may might much many kind sort type know tell me us also plus else anything "
            "per get expect expected roughly approximately about like by from at into than then so just all each "
            "every apply applies exist exists constraint constraints requirement requirements rule rules versus vs "
            "compared between both either neither"
        )
    )
)


def matching_facts(case: Case, question: str, most: int = 2) -> list[Fact]:
    """The facts the question asks about, best first ("latency and how many users?" asks two things).

    A fact is a candidate when one of its keyword phrases is in the question, or when it shares words with it; either
    way at least half of the question's own words must be about the fact (its topic, keywords and answer), so "the
    advertiser churn rate in Brazil" is not answered with the number of advertisers. Ranked by the words shared, then
    by the keyword phrases matched.
    """
    index = SentenceIndex([_unnegated(question)])
    asked = _loose(normalise(question)) - _QUESTION_STOPWORDS
    if not asked:
        return []
    scored: list[tuple[int, int, int, Fact]] = []
    for order, fact in enumerate(case.facts):
        shared = len(asked & _vocabulary(fact))
        if shared * 2 < len(asked):
            continue
        hits = sum(1 for keyword in fact.keywords if index.matching_sentences(keyword))
        if hits or shared:
            scored.append((shared, hits, -order, fact))
    scored.sort(key=lambda entry: entry[:3], reverse=True)
    # Facts the question names by a keyword, and a fact it names by no keyword only when it shares more words with
    # the question than any named one ("what share is violating" is prevalence, whatever else says "share").
    named = max((shared for shared, hits, _, _ in scored if hits), default=0)
    kept = [entry for entry in scored if entry[1] or entry[0] > named]
    if not any(hits for _, hits, _, _ in kept):
        kept = kept[:1]
    return [fact for *_, fact in kept[:most]]


_VOCABULARIES: dict[int, tuple[Fact, frozenset[str]]] = {}


def _vocabulary(fact: Fact) -> frozenset[str]:
    """Every word of a fact: its topic, keywords and answer (folded), cached per fact object."""
    hit = _VOCABULARIES.get(id(fact))
    if hit is None or hit[0] is not fact:
        words_of = {token for text in (fact.topic, *fact.keywords, fact.answer) for token in _loose(normalise(text))}
        hit = (fact, frozenset(words_of - _QUESTION_STOPWORDS))
        if len(_VOCABULARIES) > 4096:
            _VOCABULARIES.clear()
        _VOCABULARIES[id(fact)] = hit
    return hit[1]


def best_fact(case: Case, question: str) -> Fact | None:
    facts = matching_facts(case, question, most=1)
    return facts[0] if facts else None


def _shown(part: str) -> str:
    part = " ".join(part.split()).strip(" ,;")
    return part if len(part) <= SHOWN_PART_CHARS else part[: SHOWN_PART_CHARS - 3].rstrip() + "..."


def answer_from_facts(case: Case, questions: list[str]) -> str:
    """Every part the fact sheet covers answered; the parts it does not cover named and left to assumptions."""
    answers: list[str] = []
    given: list[Fact] = []  # a part one of them fully answers is not called "unspecified"
    unanswered: list[str] = []
    for question in questions[:MAX_QUESTIONS]:
        parts = question_parts(question)
        missing = []
        for part in parts:
            facts = matching_facts(case, part, most=1) if len(parts) > 1 else matching_facts(case, question)
            if not facts:
                missing.append(part)
            for fact in facts:
                _add(answers, given, fact)
        if missing and len(missing) == len(parts) > 1:
            # Split wrongly, perhaps: the question as a whole may still name a fact.
            for fact in matching_facts(case, question):
                _add(answers, given, fact)
            missing = [] if answers else missing
        unanswered += missing
    unanswered = [part for part in unanswered if not _answered_by(part, given)]
    if not answers:
        return NOT_IN_FACTS
    if unanswered:
        named = "; ".join(f'"{_shown(part)}"' for part in unanswered)
        answers.append(f"As for {named}: that isn't specified, so assume what is reasonable and say so.")
    if len(questions) > MAX_QUESTIONS:
        answers.append(ONE_AT_A_TIME)
    return " ".join(answers)


def _add(answers: list[str], given: list[Fact], fact: Fact) -> None:
    answer = fact.answer.strip()
    if answer not in answers:
        answers.append(answer)
        given.append(fact)


def _answered_by(part: str, given: list[Fact]) -> bool:
    """Whether one of the facts given holds every word the part asks about (then it is not "unspecified")."""
    asked = _loose(normalise(part)) - _QUESTION_STOPWORDS
    return not asked or any(asked <= _vocabulary(fact) for fact in given)
