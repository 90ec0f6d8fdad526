"""The paraphrase backstop: a grader that proposes claims for ideas said in other words than any signal lists.

Optional (`pip install 'interviewer[paraphrase]'`): it reads sentences with `wordllama`, static word embeddings
whose weights ship inside its wheel (16 MB; nothing is downloaded). Without it, or with `INTERVIEWER_PARAPHRASE=false`,
the grade is the signals' alone.

A sentence is compared with every phrasing of the items of the step it was said in (their signals, their concepts'
phrasings and what they cover). Embeddings score "calibration does not matter" as close to calibration as
"calibration matters", and a vague sentence as close to many items as a precise one, so closeness only *proposes*;
the claim exists when these also hold:
- the sentence is a statement of at least `MIN_TOKENS` words, not a question, a list, a template or a restated brief;
- it names something of this case (`MIN_CASE_WORDS` words of the case's vocabulary that are specific to it), and the
  stance at each of its content words endorses (no negation, dismissal or mistake frame reaches any of them);
- it endorses no red flag and no wrong decision (a wrong decision is not also a right one in other words);
- the item is the closest of its step, among those no signal matched in that sentence, at `THRESHOLD` or more, and
  closer by `GENERIC_MARGIN` than any of `GENERIC`, what anyone says of any ML system ("I'd check accuracy on a test
  set" names no item of any case). A long sentence is also compared clause by clause, and up to
  `MAX_ITEMS_PER_SENTENCE` items, the closest over the sentence and its clauses, may be proposed for it.
The claim explains its item only with a number of its own or a long sentence (`PARAPHRASE_EXPLAINS_WORDS` content
words), else it is a mention. Its source
is `paraphrase`: the scorecard says which grader credited an item, and a judge asked to confirm can overrule it.

Measured with `interviewer calibrate` (signals alone -> with the backstop). On the held-out calibration set:
plain >= partial 76% -> 85%, plain >= 0.8 x strong 58% -> 77%, wrong but fluent < partial 94% -> 93%,
strong > partial > weak 97% -> 94.7% (ten of 189 pairs, against five; most are ties at 100 where a partial answer
covers a whole step), the attacks unchanged. On a fresh blind set of the twelve cases, never used for tuning (though
`GENERIC` was written after reading its weak answers' credits): plain >= partial 93% -> 94%, plain >= 0.8 x strong
61% -> 79%, wrong but fluent 88% -> 92%, strong > partial > weak 95% -> 96%.
Per answer it covers about 19 items of a plain answer and 0.1 of a weak one; read one by one, about two in three of its
credits are the right item, the rest a neighbour in the same step: it narrows the gap between plain words and
jargon, and the scorecard marks what it alone found.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from interviewer.concepts import phrasings
from interviewer.grading.claims import Claim, ClaimCollector, CompiledCase, SaidSentence
from interviewer.grading.content import content_words, has_number, is_explained
from interviewer.grading.stance import Stance, Target, is_question, stance_of
from interviewer.grading.text import Sentence
from interviewer.rubric import Case

if TYPE_CHECKING:
    from numpy.typing import NDArray

SOURCE = "paraphrase"
THRESHOLD = 0.35
GENERIC_MARGIN = 0.1
# What any candidate says of any ML system without knowing this case: a sentence at least as close to one of these
# as to an item names no item (measured: without it, "I'd check accuracy on a test set" was credited as adversarial
# evaluation and "we can cache results" as sharing candidates by city).
GENERIC = (
    # requirements and framing
    "First I would clarify the goals, the users and the scale of the product.",
    "Success means people are happier and more engaged, so they come back more often.",
    "The system has to be fast, reliable and able to handle a lot of traffic.",
    "We want the predictions to be as accurate as possible.",
    "It is a machine learning problem: the model learns from past data and predicts for new inputs.",
    # data
    "We gather the data from logs and databases, clean it up and turn it into features.",
    "The inputs are information about the users, the items and how they interacted.",
    "We need enough labelled examples, and we can get more labels if there are too few.",
    "If one class is much rarer we can rebalance the training data.",
    # model
    "A deep neural network or a transformer would work well here since they are the state of the art.",
    "A simple model such as logistic regression or boosted trees is a reasonable place to start.",
    "We tune the hyperparameters and train the model on GPUs with the historical data.",
    # evaluation
    "We measure accuracy, precision, recall and F1 on a held-out test set.",
    "After that an A/B test tells us whether the new version beats the current one.",
    "We check the metrics to confirm the model performs well before launch.",
    # serving
    "The model runs as a service behind an API that the application calls on each request.",
    "Caching and adding more machines keeps it fast when the load grows.",
    "Features and results are kept in a database for quick lookups.",
    # monitoring
    "We keep an eye on the model's performance with dashboards and alerts.",
    "The model is retrained on fresh data on a schedule or when its quality drops.",
    "User feedback and complaints tell us when something is off.",
    "If a release causes problems we roll it back.",
    "It is important to think carefully about every part of the system and iterate over time.",
)
MIN_TOKENS = 6
# A sentence in which a signal already found one item carries a second idea only with the words for two (measured: a
# weak "track clicks and bookings and retrain from time to time" was given a second monitoring item).
SECOND_IDEA_TOKENS = 12
MIN_CASE_WORDS = 1
# A long sentence often carries two ideas ("Since a missed face can mean a fine, I set the cut-off so we miss almost
# nothing, and only then work on wrong blurs"), and its average meaning is close to neither. From this many words on,
# its clauses are compared too, and up to `MAX_ITEMS_PER_SENTENCE` items, the closest over the sentence and its
# clauses, may be proposed. Measured on the 51 calibration sets: plain >= partial 88.8% -> 91.0%, plain >= 0.8 x
# strong 80% -> 84%, strong > partial > weak 94.7% -> 95.2%, wrong but fluent 93.3% -> 92.4%; then on twelve new
# blind sets never seen before (84 pairs): plain >= partial 86.9% -> 91.7%, plain >= 0.8 x strong 88% -> 92%, the
# others unchanged (strong > partial > weak 94.0%, wrong but fluent 95.2%).
# A plain-words sentence long enough to carry a reason explains its item without a number: "For each viewer and post,
# I'd have one model make a set of guesses at once: will they tap, comment, share or hide it" (measured on the 75
# calibration sets: plain >= partial 481 -> 485, plain >= 0.8 x strong 445 -> 471, wrong but fluent 490 -> 492 of
# 525; strong > partial > weak 507 -> 504, as partial answers gain too; the attacks unchanged, stuffing 518 -> 519).
PARAPHRASE_EXPLAINS_WORDS = 10
CLAUSE_SPLIT_TOKENS = 30
MAX_ITEMS_PER_SENTENCE = 2
MIN_CLAUSE_WORDS = 5
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+(?:so|because|since|and then|which|while|but)\s+")


def clauses(text: str) -> list[str]:
    """The clauses of a sentence, each of at least `MIN_CLAUSE_WORDS` words (a shorter piece joins the next; a short
    tail joins the last); none when there is only one."""
    found: list[str] = []
    pending = ""
    for piece in _CLAUSE_BREAK.split(text):
        pending = f"{pending} {piece.strip()}".strip()
        if len(pending.split()) >= MIN_CLAUSE_WORDS:
            found.append(pending)
            pending = ""
    if pending and found:
        found[-1] = f"{found[-1]} {pending}"
    return found if len(found) > 1 else []


_LOADING = threading.Lock()  # the app warms the backstop in a thread (`prepare`) while the main one may grade
_LOADED: list[Any] = []  # the model once loaded, or None when it cannot be


def _model() -> Any | None:
    """The embedding model, loaded once per process; None when the extra is missing or its files are broken (the grade
    is then the signals' alone, as without the extra)."""
    with _LOADING:
        if not _LOADED:
            _LOADED.append(_load())
        return _LOADED[0]


def _load() -> Any | None:
    try:
        from pathlib import Path

        import wordllama

        # Its default load looks for the tokenizer beside the cache, then on the network: point it at its own wheel.
        return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # not installed, or a damaged install: never a traceback in the middle of a grade
        return None


def installed() -> bool:
    """Whether the paraphrase extra can run here."""
    return find_spec("wordllama") is not None


def enabled() -> bool:
    """Installed and switched on (`INTERVIEWER_PARAPHRASE`, in the environment or `.env`; default on). Settings that
    cannot be read switch it off (their error shows where they are used): `INTERVIEWER_PARAPHRASE=disabled` must not
    turn it on."""
    try:
        from interviewer.settings import load_settings

        if not load_settings().paraphrase:
            return False
    except Exception:
        return False
    return installed()


def available() -> bool:
    """Enabled, and its model loads here (a damaged install grades with the signals alone)."""
    return enabled() and _model() is not None


def _embed(texts: Sequence[str]) -> NDArray[Any]:
    model = _model()
    assert model is not None
    return model.embed(list(texts), norm=True)


def _as_text(signal: str) -> str:
    """A signal as words ("random & split" -> "random split")."""
    return " ".join(signal.replace("&", " ").split())


@dataclass(frozen=True)
class _Step:
    """One step's phrasings embedded: row i belongs to item `items[i]`."""

    matrix: NDArray[Any]
    items: NDArray[Any]


@dataclass(frozen=True)
class _Phrasings:
    """Every phrasing of a case's items embedded once, by step (a sentence is compared with its own step's only)."""

    steps: dict[str, _Step]
    generic: NDArray[Any]


_BY_OBJECT: dict[int, tuple[Case, _Phrasings]] = {}
_BY_CONTENT: dict[tuple[tuple[str, str, str], ...], _Phrasings] = {}
CACHED_CASES = 16


# Seconds an interview waits before warming the backstop: loading numpy and the model in a thread beside the first
# frame held the interpreter and delayed the case prompt (bench/tui.py: 0.96x -> 1.48x of a minimal app's paint).
PREPARE_DELAY = 2.0


def prepare(case: Case) -> threading.Thread | None:
    """Load the model and embed the case's phrasings in a background thread, `PREPARE_DELAY` seconds from now, when
    the backstop is enabled: the first grade in a process costs about 0.8 s otherwise, paid when the interview ends.
    An interview starts it."""
    if not enabled():
        return None
    timer = threading.Timer(PREPARE_DELAY, _warm, args=(case,))
    timer.name, timer.daemon = "paraphrase-prepare", True
    timer.start()
    return timer


def _warm(case: Case) -> None:
    if _model() is not None:
        _phrasings(case)


def _phrasings(case: Case) -> _Phrasings:
    """The case's phrasings embedded (about 0.15 s for a case of four thousand), once per case object and per
    content: loading the same case file again (as `grade` of many files does) costs no second embedding."""
    with _EMBEDDING:
        return _phrasings_of(case)


_EMBEDDING = threading.Lock()


def _phrasings_of(case: Case) -> _Phrasings:
    hit = _BY_OBJECT.get(id(case))
    if hit is None or hit[0] is not case:
        said = tuple(
            (step_id, item.id, text)
            for step_id, rubric in case.steps.items()
            for item in rubric.items
            for text in dict.fromkeys([item.covers, *(_as_text(s) for s in (*item.signals, *phrasings(item.concepts)))])
        )
        known = _BY_CONTENT.get(said)
        if known is None:
            if len(_BY_CONTENT) >= CACHED_CASES:
                _BY_CONTENT.clear()
            known = _BY_CONTENT[said] = _embedded(said)
        if len(_BY_OBJECT) >= CACHED_CASES:
            _BY_OBJECT.clear()
        hit = _BY_OBJECT[id(case)] = (case, known)
    return hit[1]


def _embedded(said: tuple[tuple[str, str, str], ...]) -> _Phrasings:
    import numpy as np

    matrix = _embed([text for _, _, text in said]) if said else np.zeros((0, 1))
    rows: dict[str, list[int]] = {}
    for row, (step_id, _, _) in enumerate(said):
        rows.setdefault(step_id, []).append(row)
    steps = {
        step_id: _Step(matrix[numbers], np.asarray([said[row][1] for row in numbers]))
        for step_id, numbers in rows.items()
    }
    return _Phrasings(steps, _embed(GENERIC))


def _endorses(sentence: Sentence, compiled: CompiledCase) -> bool:
    """At least `MIN_CASE_WORDS` words specific to this case, and an endorsing stance at every content word: where
    in the sentence the idea lies is unknown, so a negation or dismissal of any of it counts ("giving a random group
    the new model for two weeks is not worth it")."""
    common = compiled.common or frozenset()
    specific = {token for token in sentence.tokens if token in compiled.vocabulary and token not in common}
    if len(specific) < MIN_CASE_WORDS:
        return False
    words = content_words(sentence)
    return all(
        stance_of(sentence, i, i + 1, Target.PRACTICE) is Stance.ENDORSES
        for i, token in enumerate(sentence.tokens)
        if token in words
    )


def _own(compiled: CompiledCase, item_id: str) -> frozenset[str]:
    """The item's own words (saying only these explains nothing), from the whole case: a one-step grader reads
    replies said in other steps too."""
    whole = compiled.whole or compiled
    return next((t.own for t in whole.targets if t.kind == "item" and t.id == item_id), frozenset())


def paraphrase_claims(
    case: Case, collector: ClaimCollector, claims: Iterable[Claim] = (), since: int = 0
) -> list[Claim]:
    """The claims the backstop proposes for what `collector` read (from sentence `since` on); `claims` are the
    signals' claims already made."""
    said = collector.said(since)
    if not said or _model() is None:
        return []
    import numpy as np

    known = _phrasings(case)
    compiled = collector.compiled
    matched: dict[int, set[str]] = {}
    wrong: set[int] = set()
    for claim in claims:
        if claim.kind == "item":
            matched.setdefault(claim.order, set()).add(claim.target)
        elif claim.stance is Stance.ENDORSES:
            wrong.add(claim.order)
    chosen = [
        entry
        for entry in said
        if len(entry.sentence.tokens) >= MIN_TOKENS
        and entry.order not in wrong
        and entry.reply.step in known.steps
        and not is_question(entry.sentence)
        and not entry.listed
    ]
    if not chosen:
        return []
    pieces = []  # (number of its sentence in `chosen`, text): each sentence, and the clauses of a long one
    for number, entry in enumerate(chosen):
        pieces.append((number, entry.sentence.text))
        if len(entry.sentence.tokens) >= CLAUSE_SPLIT_TOKENS:
            pieces += [(number, clause) for clause in clauses(entry.sentence.text)]
    vectors = _embed([text for _, text in pieces])
    generic = (vectors @ known.generic.T).max(axis=1)
    nearest: dict[int, list[tuple[float, str]]] = {}
    for vector, (number, _), plain in zip(vectors, pieces, generic, strict=True):
        entry = chosen[number]
        said_here = matched.get(entry.order, set())
        if said_here and len(entry.sentence.tokens) < SECOND_IDEA_TOKENS:
            continue
        step = known.steps[entry.reply.step]
        similarity = step.matrix @ vector
        if said_here:
            # The closest item that no signal matched here: a sentence that says one idea in the rubric's words often
            # says a second in its own (measured: plain >= 0.8 x strong 75% -> 77%, wrong but fluent 92% -> 93%).
            similarity = np.where(np.isin(step.items, list(said_here)), -1.0, similarity)
        best = int(similarity.argmax())
        closeness = float(similarity[best])
        if closeness >= THRESHOLD and closeness >= plain + GENERIC_MARGIN:
            nearest.setdefault(number, []).append((closeness, str(step.items[best])))
    proposed = []
    for number, found in nearest.items():
        entry = chosen[number]
        if not _endorses(entry.sentence, compiled):
            continue
        items = list(dict.fromkeys(item for _, item in sorted(found, reverse=True)))[:MAX_ITEMS_PER_SENTENCE]
        proposed += [_claim(entry, item_id, compiled) for item_id in items]
    return proposed


def _claim(entry: SaidSentence, item_id: str, compiled: CompiledCase) -> Claim:
    return Claim(
        kind="item",
        target=item_id,
        step=entry.reply.step,
        stance=Stance.ENDORSES,
        quote=entry.sentence.text,
        said_in=entry.reply.step,
        # Other words are all "new words", so the content rule alone would call any such sentence explained: a
        # paraphrase explains only with a number of its own or `PARAPHRASE_EXPLAINS_WORDS` content words (measured:
        # weak answers' vague sentences were covered 2.3 times an answer with the content rule alone, 0.1 with a
        # number required; see `PARAPHRASE_EXPLAINS_WORDS` for the long sentences).
        explained=(has_number(entry.sentence) or len(content_words(entry.sentence)) >= PARAPHRASE_EXPLAINS_WORDS)
        and is_explained(entry.sentence, _own(compiled, item_id), template=entry.template),
        listed=entry.template,
        prompted=item_id in entry.reply.prompted,
        source=SOURCE,
        order=entry.order,
    )


__all__ = ["SOURCE", "THRESHOLD", "available", "enabled", "installed", "paraphrase_claims", "prepare"]
