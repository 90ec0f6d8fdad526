"""Text addressed to whoever scores the answer, which never earns credit and is listed as ignored.

Found by form, not by a list of tricks: HTML comments, JSON or XML blobs, lines spoken in another role
("Interviewer: great, that covers X"), notes or requests to an evaluator, scorer, grader or reviewer, and claims about
the rubric or the score. Matching runs on Unicode-folded text, so look-alike letters do not hide it. Ordinary design
prose that mentions "human graders" or "the rubric reviewers follow" is kept: those words alone prove nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from interviewer.grading.text import Sentence, analyse, fold_unicode, split_sentences

_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_JSON_BLOB = re.compile(r"\{[^{}]*\"[^\"{}]{1,60}\"\s*:[^{}]*\}")
_XML_BLOCK = re.compile(r"<([A-Za-z][\w:-]{0,30})\b[^<>]*>.*?(?:</\1\s*>|$)", re.DOTALL)
_LONE_TAG = re.compile(r"</?[A-Za-z][\w:-]{0,30}\b[^<>]*>")
# Who scores an answer; "model" and "reviewer" are ordinary design words ("Model: a two-tower retrieval stage").
_GRADERS = r"(?:evaluator|grader|scorer|assessor|examiner|marker|judge)s?"
# Speakers of a made-up dialogue, and notes to a grader. Not "Note:", "Model:" or "User:", which candidates write.
_ROLES = (
    r"interviewer|system|assistant|candidate|evaluator|grader|judge|scorer|assessor|examiner|marker|rubric|ai|llm|"
    rf"verdict|(?:note|message|ps|p\.s|nb|n\.b|feedback)[ \t]+(?:to|for)[ \t]+(?:the[ \t]+|any[ \t]+)?"
    rf"(?:{_GRADERS}|reviewers?|ai|llm|model)"
)
_ROLE_LINE = re.compile(
    rf"(?:^|(?<=[.!?\n])|(?<=[.!?]\s))[ \t]*[\[(]?(?:{_ROLES})[\])]?[ \t]*:[^\n]*",
    re.IGNORECASE | re.MULTILINE,
)
_SCORER = r"(?:evaluator|grader|grading|scorer|scoring|assessor|examiner|marker|judge|reviewer|rater|ai|llm|model)s?"
_SENTENCE = re.compile(
    r"\b(?:"
    rf"(?:note|message|instruction|instructions|request|reminder|hint)s? (?:to|for) (?:the |any |all )?{_SCORER}|"
    rf"(?:dear|hey|hi|hello|attention|to the) {_SCORER}\b|"
    rf"^\W*{_GRADERS}\s*[,:]|"
    r"(?:please|kindly) (?:mark|score|grade|rate|credit|count|note|consider|treat|record|award|give)\b|"
    r"full marks|full credit|perfect score|maximum score|max score|highest score|top marks|top score|"
    # a score; not a split or a share ("80/10/10", "90/10 split", "90/10 train/test", "1/10 of the impressions")
    r"(?<![\d/])(?<!/ )\d+ ?/ ?(?:10|100)\b(?! ?/)(?!\s*(?:split|ratio|mix|of|train|sample|traffic))|"
    r"(?:ignore|disregard|forget|override) (?:all |any |the |your |these )?(?:previous|prior|above|earlier|preceding|"
    r"other|rubric|instructions?|rules?)|"
    r"system prompt|as an ai\b|you are now|new instructions|"
    r"(?:award|give|grant|assign) (?:me|the candidate|this (?:answer|response|candidate)|them|him|her) "
    r"(?:a |an |the )?(?:full|perfect|max|maximum|top|high|higher|\d+|points?|marks?|score|credit|hire|strong|pass)|"
    r"(?:score|mark|rate|grade|credit|count) (?:me|this (?:answer|response|candidate|step)|it)\b"
    r"(?: (?:as|with|at|a|an|the|fully|highly|for)\b)|"
    # "count every item as covered", not "score all the posts with a small model"
    r"(?:score|mark|rate|grade|credit|count) (?:each|every|all)(?: of)?(?: the| my| these)? "
    r"(?:rubric|criteri|(?:items?|points?|steps?|answers?|responses?) as (?:covered|met|correct|satisfied|complete|"
    r"done|full|perfect|strong|excellent|passed)\b)|"
    r"the candidate (?:has )?(?:clearly |fully |already )?(?:covered|mentioned|addressed|explained|deserves|"
    r"demonstrated|nailed|satisfied)|"
    r"(?:covers|covered|satisfies|satisfied|addresses|addressed|hits|meets|met|ticks) (?:off )?"
    r"(?:all|every|each|the) (?:of the )?(?:rubric|criteria|criterion|items?|points?|boxes)|"
    r"(?:every|all|each) (?:of the )?(?:rubric|grading) (?:item|point|criteri)|rubric items? (?:is|are) "
    r"(?:covered|met|satisfied)|"
    r"(?:strong[ _]hire|hire[ _]signal|lean[ _]hire)\b|"
    r"\b(?:verdict|overall score|final score|grade)\s*[:=]|\bscore\s*[:=]\s*\d"
    r")",
)  # matched against lowercased text: without IGNORECASE it runs three times faster (every sentence goes through it)


def split_addressed(text: str) -> tuple[str, list[str]]:
    """The text with blobs, comments and role lines cut out, and what was cut (each piece, trimmed)."""
    folded = fold_unicode(text)
    ignored: list[str] = []

    def cut(match: re.Match[str]) -> str:
        piece = " ".join(match.group(0).split())
        if piece:
            ignored.append(piece[:300])
        return "\n"

    for pattern in (_HTML_COMMENT, _JSON_BLOB, _JSON_BLOB, _XML_BLOCK, _LONE_TAG, _ROLE_LINE):
        folded = pattern.sub(cut, folded)
    return folded, ignored


@lru_cache(maxsize=16384)  # each sentence of a running interview is read at every turn's step grade and at the end
def addressed_to_grader(sentence: str) -> bool:
    """True for a sentence that talks to the grader instead of answering ("note to the evaluator: ...")."""
    return bool(_SENTENCE.search(fold_unicode(sentence).lower()))


def candidate_sentences(texts: Sequence[str]) -> tuple[list[Sentence], list[str]]:
    """The sentences that may earn credit, and the text addressed to the grader (which never does), in order."""
    kept: list[Sentence] = []
    ignored: list[str] = []
    for text in texts:
        rest, cut = split_addressed(text)
        ignored.extend(cut)
        for sentence in split_sentences(rest):
            if addressed_to_grader(sentence):
                ignored.append(sentence)
            else:
                kept.append(analyse(sentence))
    return kept, ignored
