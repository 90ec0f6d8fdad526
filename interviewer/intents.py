"""What a candidate's reply asks of the interviewer when it is not an answer: repeat the question, explain it, give a
hint, "I don't know", the time, thinking aloud, small talk, or moving on.

Recognised before anything else (a question about the question is not a question about the fact sheet), for every
interviewer policy alike, and recorded on the candidate's turn. Only short replies are read this way: a long answer
that says "I'm not sure whether..." is an answer.
"""

from __future__ import annotations

import re
from enum import StrEnum

from interviewer.grading.text import SentenceIndex, words


class Intent(StrEnum):
    REPEAT = "repeat"  # say the question again
    MEANING = "meaning"  # what do you mean?
    HINT = "hint"  # a hint, or what the interviewer is looking for
    DONT_KNOW = "dont_know"
    TIME = "time"  # how much time is left
    THINKING = "thinking"  # thinking aloud: "hmm, let me think"
    SMALL_TALK = "small_talk"  # greetings, thanks
    MOVE_ON = "move_on"  # asked for the next step


# A reply this long or longer is an answer, whatever phrases it contains.
MAX_WORDS = 25
# A request about the question is a question, or a reply this short: in a longer statement the same words
# ("users who come again", "minutes remaining") are part of an answer.
REQUEST_MAX_WORDS = 8
# "I don't know" followed by at most this many words (and no "but"): more, and it is the start of an answer.
DONT_KNOW_REST_WORDS = 3
THINKING_MAX_WORDS = 6
SMALL_TALK_MAX_WORDS = 4
GREETING_MAX_WORDS = 8

# Patterns over the reply's lowercase words joined by single spaces, contractions expanded ("don't" -> "do not").
_PATTERNS: tuple[tuple[Intent, re.Pattern[str]], ...] = tuple(
    (intent, re.compile(pattern))
    for intent, pattern in (
        (
            Intent.REPEAT,
            r"\b((can|could|would|will) you (please )?(repeat|rephrase|restate|reword)|please (repeat|rephrase)"
            r"|repeat (that|the question|it|please|yourself)|say (that|it|the question) again|^come again"
            r"|(what|which) was the (question|last question)|did not (catch|hear|get) (that|the question|it)"
            r"|missed (that|the question)|^pardon|ask (that|it|the question) again)\b",
        ),
        (
            Intent.MEANING,
            r"\b(what do you mean|what did you mean|what does (that|this|it|the [a-z ]{1,30}) mean"
            r"|what (exactly )?are you asking|not sure what you (mean|are asking|want)"
            r"|(clarify|explain) (the|your|that) question|what is meant by|do not understand the question"
            r"|unclear what you|why do you ask|why are you asking|clarify what you (mean|are asking|want)"
            r"|^(can|could) you clarify( that| this| it)?( please)?\W*$)\b",
        ),
        (
            Intent.HINT,
            r"\b((a|any|some|another|small|little) (hint|clue|nudge)|^hints?\b|hint please"
            r"|what (are|were) you looking for|what (should|do you want me to|would you like me to)"
            r" (i )?(cover|say|mention|talk about|focus on)"
            r"|what (is|would be) the (right|correct|expected|ideal) answer|give me the answer"
            r"|what would a (good|strong|great) answer|point me|what do you expect|what is on "
            r"(the|your) (rubric|list|checklist|scorecard)|what are the (items|criteria)|tell me what you want)\b",
        ),
        (
            Intent.TIME,
            r"\b(how much time (do we have|do i have|is left|have we got|remains|left)|(time|minutes) (left|remaining)"
            r"|how long (do we have|have we got|is left|left)|how are we (doing )?on time|what time is it)\b",
        ),
    )
)
_DONT_KNOW = re.compile(
    r"^(honestly |sorry |um |uh |hmm |well )*(i (really |honestly )?do not know|no idea|i have no idea|not sure"
    r"|i am not sure|i am stuck|i am blanking|no clue|i can not think of anything|pass|i do not have an answer)\b"
)
_THINKING = re.compile(
    r"^(h+m+|u+m+|u+h+|let me think|give me a (second|sec|moment|minute)|one (second|sec|moment)|thinking"
    r"|just a (second|sec|moment))\b"
)
_GREETING = re.compile(
    r"^(hi|hello|hey|good (morning|afternoon|evening))?\b ?(how are you|how is it going|nice to meet you)\b"
)
_SMALL_TALK = re.compile(
    r"^(hi|hello|hey|how are you|nice to meet you|good (morning|afternoon|evening)|thanks|thank you|cool|ok|okay"
    r"|great|sounds good|sure|got it|alright|all right)\b"
)


MOVE_ON_SIGNALS = [
    "move on",
    "moving on",
    "next step",
    "next section",
    "next topic",
    "go to the next",
    "skip this",
    "proceed to",
    "that is all for this",
    "that is all i have",
    "i am done with this",
]


def asks_to_move_on(reply: str) -> bool:
    """A short reply that asks for the next step ("let's not move on yet" does not)."""
    if len(words(reply)) >= MAX_WORDS:  # a long answer that says "next step" is describing a design
        return False
    return bool(SentenceIndex.of([reply]).matches_any(MOVE_ON_SIGNALS))


def intent_of(reply: str) -> Intent | None:
    """The intent of a reply that asks something of the interviewer, or None for an answer (or a question about the
    problem, which the fact sheet answers)."""
    said = words(reply)
    if not said or len(said) >= MAX_WORDS:
        return None
    if asks_to_move_on(reply):
        return Intent.MOVE_ON
    text = " ".join(said)
    asks = reply.rstrip().endswith("?")
    if asks or len(said) <= REQUEST_MAX_WORDS:
        for intent, pattern in _PATTERNS:
            if pattern.search(text):
                return intent
    known = _DONT_KNOW.search(text)
    if known:
        rest = text[known.end() :].split()
        if len(rest) <= DONT_KNOW_REST_WORDS and "but" not in rest:
            return Intent.DONT_KNOW
    if len(said) <= THINKING_MAX_WORDS and _THINKING.search(text) and not asks:
        return Intent.THINKING
    if len(said) <= GREETING_MAX_WORDS and _GREETING.search(text):
        return Intent.SMALL_TALK  # "hi, how are you doing today?" is a greeting, not a question about the problem
    if len(said) <= SMALL_TALK_MAX_WORDS and _SMALL_TALK.search(text) and not asks:
        return Intent.SMALL_TALK
    return None
