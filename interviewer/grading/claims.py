"""The one grader interface: a grader turns the candidate's replies into claims, and `merge` turns claims into a grade.

A `Claim` says: this target (a rubric item, a red flag, or an item's opposite) is addressed in this quote, with this
stance, by this grader. The deterministic grader here reads the signals and the shared concept vocabulary; the LLM
judge produces claims of the same shape (`interviewer.grading.judge`). Nothing downstream knows which grader spoke
except through `Claim.source`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from typing import Literal

from interviewer.concepts import phrasings
from interviewer.grading.addressed import candidate_sentences
from interviewer.grading.content import (
    FILLER,
    FUNCTION_WORDS,
    TEMPLATE_MIN_WORDS,
    content_words,
    is_explained,
    skeleton,
)
from interviewer.grading.stance import Stance, is_dismissal, stance_of, target_of
from interviewer.grading.text import (
    Sentence,
    SentenceIndex,
    analyse,
    compile_signal,
    normalise,
    split_sentences,
    words,
)
from interviewer.rubric import Case

Kind = Literal["item", "red_flag", "opposite"]

# A sentence that restates the brief adds fewer than this many content words to the brief sentence it overlaps most.
RESTATED_MAX_NEW_WORDS = 1
RESTATED_MIN_OVERLAP = 0.75
RESTATED_MIN_WORDS = 5
# The claims kept per target: enough that templates (found later) and dismissals cannot hide a real endorsement.
CLAIMS_KEPT_PER_TARGET = 8
# A sentence that names this many items or more with little of its own is a list of terms, not an answer.
CROWDED_ITEMS = 3
# A sentence that matches items of this many steps or more is a hub ("I'd run OCR on images since memes have text"):
# outside the step it was said in, it names those items but explains none of them. (Measured on the calibration set:
# the partial answers' single sentences were covering items in four steps, tying strong answers at 100.)
HUB_STEPS = 4
# A near match: a signal of this many parts or more ("careful & model & network") of which all but one matched in a
# sentence, two of the matched parts with a word specific to the case, names its item (a mention, never explained).
# Plain speakers describe an idea in nearly, not exactly, the words a signal lists. (Measured on the calibration set:
# plain >= partial 51% -> 57%, plain >= 0.8 x strong 37% -> 41%, with weak answers unchanged.)
NEAR_MIN_PARTS = 3
NEAR_MIN_SPECIFIC = 2
# A word used by more than this share of the case's items, or by its brief, is not specific to any item.
COMMON_ITEM_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply of the candidate: the step it was said in, and the items the interviewer's last follow-up asked."""

    step: str
    text: str
    prompted: frozenset[str] = frozenset()
    # What the interviewer's pushback just before this reply challenged: a red flag id, "opposite:ITEM" or
    # "dismissed:ITEM", and the bare item id. Only the reply right after a pushback answers it.
    challenged: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Claim:
    kind: Kind
    target: str  # item or red flag id
    step: str  # the rubric step the target belongs to
    stance: Stance
    quote: str
    said_in: str
    explained: bool = False
    listed: bool = False  # said in a bare list of terms or a template sentence
    prompted: bool = False
    source: str = "signals"
    order: int = 0
    challenged: bool = False  # said in answer to the interviewer's challenge of this target
    # A rejection that is the candidate's decision against the item ("skip the baseline", "I would not calibrate"),
    # which is a mistake when the item matters; not a rule the design states with a negation ("no copies on both
    # sides"), which only earns nothing.
    dismisses: bool = False


@dataclass(frozen=True, slots=True)
class _Target:
    kind: Kind
    id: str
    step: str
    phrasings: tuple[str, ...]
    # Every word of the target's phrasings and id: saying only these explains nothing. (Measured: counting only the
    # phrasings that matched in the sentence instead let partial answers catch up with strong ones.)
    own: frozenset[str]


@dataclass
class CompiledCase:
    """A case's targets with their phrasings resolved, and the brief a parrot would restate."""

    targets: list[_Target]
    vocabulary: frozenset[str]
    brief: list[frozenset[str]]
    case_id: str
    # the rarest word of a phrasing -> (target number, phrasing number, phrasing, all its words): a reply only tries
    # the phrasings whose words all occur in it, and looks up fewest by their rarest word (half as many as by their
    # first word).
    by_word: dict[str, list[tuple[int, int, str, frozenset[str]]]] = field(default_factory=dict)

    brief_by_word: dict[str, list[int]] = field(default_factory=dict)  # word -> brief sentences that use it
    # The items' signals that may match nearly (see NEAR_MIN_PARTS): (target number, parts, which parts are specific).
    near: list[tuple[int, tuple[tuple[str, ...], ...], tuple[bool, ...]]] = field(default_factory=list)
    # Words no near match may rest on; the whole case's, also in a one-step compilation (see `_common_words`).
    common: frozenset[str] | None = None
    # For a one-step compilation, the whole case's: the hub rule counts the steps a sentence touches in all of it.
    whole: CompiledCase | None = None

    def __post_init__(self) -> None:
        # Compiled once per case object, so a grade in a fresh process pays for it (about 6,000 phrasings a case):
        # the loops below stay in C where they can.
        for number, brief_words in enumerate(self.brief):
            for word in brief_words:
                self.brief_by_word.setdefault(word, []).append(number)
        compiled = [
            (number, order, phrase, needs)
            for number, target in enumerate(self.targets)
            for order, phrase in enumerate(target.phrasings)
            if (needs := signal_tokens(phrase))
        ]
        uses = Counter(chain.from_iterable(needs for *_, needs in compiled))
        # The rarest word, ties broken alphabetically: each word's place in that order, so `min` needs no Python key.
        rank = {token: place for place, token in enumerate(sorted(uses, key=lambda token: (uses[token], token)))}
        for entry in compiled:
            self.by_word.setdefault(min(entry[3], key=rank.__getitem__), []).append(entry)
        if self.common is None:
            self.common = self._common_words()
        common = self.common
        for number, target in enumerate(self.targets):
            if target.kind != "item":
                continue
            for phrase in dict.fromkeys(target.phrasings):  # a concept may repeat one of the item's own signals
                parts = compile_signal(phrase)
                if len(parts) < NEAR_MIN_PARTS:
                    continue
                specific = tuple(not common.issuperset(part) for part in parts)
                if sum(specific) >= NEAR_MIN_SPECIFIC:
                    self.near.append((number, parts, specific))

    def _common_words(self) -> frozenset[str]:
        """The brief's words, function words and filler, and words that many items use: a near match on them says
        nothing about one item."""
        items = [target for target in self.targets if target.kind == "item"]
        used = Counter(token for target in items for token in target.own)
        many = COMMON_ITEM_SHARE * max(1, len(items))
        brief = frozenset(word for words in self.brief for word in words)
        return brief | FUNCTION_WORDS | FILLER | {t for t, n in used.items() if n > many}

    def only(self, step: str) -> CompiledCase:
        """This compilation for a grader of one step: its targets, with the case's vocabulary and brief (compiled
        once per case, and the same templates and restatements as the whole interview's grade)."""
        return CompiledCase(
            [t for t in self.targets if t.step == step],
            self.vocabulary,
            self.brief,
            self.case_id,
            common=self.common,
            whole=self.whole or self,
        )

    def steps_matched(self, index: SentenceIndex, present: set[str]) -> dict[int, set[str]]:
        """Sentence -> the steps whose items a signal matches in it (exactly), over every target compiled here."""
        steps: dict[int, set[str]] = {}
        for token in present:
            for number, _, phrase, needs in self.by_word.get(token, ()):
                target = self.targets[number]
                if target.kind != "item" or not needs <= present:
                    continue
                for s_index, _ in index.spans(phrase):
                    steps.setdefault(s_index, set()).add(target.step)
        return steps

    @classmethod
    def of(cls, case: Case) -> CompiledCase:
        targets: list[_Target] = []
        for step_id, rubric in case.steps.items():
            for item in rubric.items:
                said = (*item.signals, *phrasings(item.concepts))
                own = _tokens_of(said) | frozenset(normalise(item.id.replace("-", " ")))
                targets.append(_Target("item", item.id, step_id, said, own))
                if item.opposite:
                    wrong = tuple(item.opposite)
                    targets.append(_Target("opposite", item.id, step_id, wrong, _tokens_of(wrong)))
            for flag in rubric.red_flags:
                said = (*flag.signals, *phrasings(flag.concepts))
                targets.append(_Target("red_flag", flag.id, step_id, said, _tokens_of(said)))
        vocabulary = frozenset().union(*(t.own for t in targets)) if targets else frozenset()
        brief_texts = [case.prompt, *(fact.answer for fact in case.facts)]
        for _, rubric in case.steps.items():
            brief_texts += [item.follow_up for item in rubric.items]
            if rubric.opening:
                brief_texts.append(rubric.opening)
        brief = [content_words(analyse(s)) for text in brief_texts for s in split_sentences(text)]
        return cls(targets, vocabulary, [words for words in brief if len(words) >= 3], case.id)


def _tokens_of(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset().union(*map(signal_tokens, phrases))


@lru_cache(maxsize=65536)  # as `compile_signal`: every phrasing of every case stays compiled
def signal_tokens(phrase: str) -> frozenset[str]:
    """Every word of a signal's parts: a sentence without all of them cannot match it."""
    return frozenset(token for part in compile_signal(phrase) for token in part)


@dataclass
class _Said:
    sentence: Sentence
    reply: Reply
    order: int
    skeleton: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SaidSentence:
    """A sentence that may earn credit, as another grader reads it: where it was said and in what form."""

    sentence: Sentence
    reply: Reply
    order: int  # the `Claim.order` of claims made from it
    template: bool  # its skeleton repeats across the answer
    listed: bool  # terms separated like a list


@dataclass
class ClaimCollector:
    """The deterministic grader: each reply is analysed once when added, into claims.

    Whether a sentence is a template depends on the whole answer (its skeleton repeats), so `claims()` applies that
    at the end; everything else is fixed when the reply is added.
    """

    compiled: CompiledCase
    ignored: dict[str, list[str]] = field(default_factory=dict)
    restated: dict[str, list[str]] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    # Per target, its first claims (claim, index of its sentence in _said): the merge needs the first few of each;
    # keeping only CLAIMS_KEPT_PER_TARGET makes a reply cost the same at reply 5 and at reply 5,000.
    _claims: dict[tuple[str, str], list[tuple[Claim, int]]] = field(default_factory=dict)
    _said: list[_Said] = field(default_factory=list)
    _skeletons: Counter = field(default_factory=Counter)

    def add(self, reply: Reply) -> None:
        sentences, ignored = candidate_sentences((reply.text,))
        self.ignored.setdefault(reply.step, []).extend(ignored)
        if sentences or ignored:
            self.answered.add(reply.step)
        kept = []
        for sentence in sentences:
            if self._restates_brief(sentence, reply.step):
                self.restated.setdefault(reply.step, []).append(sentence.text)
            else:
                kept.append(sentence)
        if not kept:
            return
        base = len(self._said)
        if reply.challenged:
            self._retractions(reply, kept, base)
        for offset, sentence in enumerate(kept):
            shape = skeleton(sentence, self.compiled.vocabulary)
            self._said.append(_Said(sentence, reply, base + offset, shape))
            if len(shape) >= TEMPLATE_MIN_WORDS:
                self._skeletons[shape] += 1
        index = SentenceIndex(kept)
        present = {token for sentence in kept for token in sentence.tokens}
        tries = sorted(
            entry[:3]
            for token in present
            for entry in self.compiled.by_word.get(token, ())
            if entry[3] <= present  # every word of the phrasing occurs somewhere in the reply
        )
        crowd: Counter = Counter()
        found: dict[tuple[int, int], Stance] = {}
        dismissed: set[tuple[int, int]] = set()
        # The same words matched for several targets (items share their concepts' phrasings) read the same stance.
        read: dict[tuple[int, tuple[tuple[int, int], ...], bool], tuple[Stance, bool]] = {}
        for number, _, phrase in tries:
            target = self.compiled.targets[number]
            for s_index, parts in index.spans(phrase):
                key = (number, s_index)
                if key in found:
                    continue  # the first phrasing that matched gives the stance
                how = (s_index, parts, target.kind != "item")
                if how not in read:
                    read[how] = _stance_of_match(kept[s_index], parts, mistake=how[2])
                found[key], dismisses = read[how]
                if dismisses:
                    dismissed.add(key)
                if target.kind == "item":
                    crowd[s_index] += 1
        near = self._near_matches(kept, index, present, found)
        for _, s_index in near:
            crowd[s_index] += 1  # a list of nearly matched terms is still a list
        if self.compiled.whole is not None:  # one step's grader: the hub rule still counts every step's items
            elsewhere = any(self.compiled.targets[number].step != reply.step for number, _ in found)
            steps_of = self.compiled.whole.steps_matched(index, present) if elsewhere else {}  # else no hub applies
        else:
            steps_of = {}  # sentence -> the steps whose items it matches (exactly)
            for number, s_index in found:
                if self.compiled.targets[number].kind == "item":
                    steps_of.setdefault(s_index, set()).add(self.compiled.targets[number].step)
        found.update(dict.fromkeys(near, Stance.ENDORSES))
        for (number, s_index), stance in found.items():
            target = self.compiled.targets[number]
            sentence = kept[s_index]
            said = self._said[base + s_index]
            hub = len(steps_of.get(s_index, ())) >= HUB_STEPS and target.step != reply.step
            nearly = (number, s_index) in near
            claim = Claim(
                kind=target.kind,
                target=target.id,
                step=target.step,
                stance=stance,
                quote=sentence.text,
                said_in=reply.step,
                explained=not hub and not nearly and is_explained(sentence, target.own, template=False),
                listed=crowd[s_index] >= CROWDED_ITEMS and _is_list(sentence),
                prompted=target.id in reply.prompted or target.id in reply.challenged,
                order=said.order,
                challenged=target.id in reply.challenged,
                dismisses=(number, s_index) in dismissed,
            )
            # Near matches keep their own quota: they never crowd out an exact match said later.
            kept_claims = self._claims.setdefault((target.kind + "~" * nearly, target.id), [])
            if len(kept_claims) < CLAIMS_KEPT_PER_TARGET:
                kept_claims.append((claim, base + s_index))

    def _near_matches(
        self, kept: list[Sentence], index: SentenceIndex, present: set[str], found: dict[tuple[int, int], Stance]
    ) -> set[tuple[int, int]]:
        """(target, sentence) pairs that a signal matches nearly (see NEAR_MIN_PARTS) and endorses, where no signal of
        that item matched exactly."""
        near: set[tuple[int, int]] = set()
        # A sentence that states a wrong decision of a step nearly matches nothing of that step: the missing part is
        # often what tells the right decision from the wrong one ("evaluate on a random sample of the same days").
        wrong = {
            (self.compiled.targets[number].step, s_index)
            for (number, s_index), stance in found.items()
            if self.compiled.targets[number].kind != "item" and stance is Stance.ENDORSES
        }
        for number, parts, specific in self.compiled.near:
            if sum(1 for part in parts if part[0] in present) < len(parts) - 1:
                continue
            places = [index.places(part) for part in parts]
            for s_index in set().union(*places):
                matched = [i for i, where in enumerate(places) if s_index in where]
                if (
                    len(matched) < len(parts) - 1
                    or sum(specific[i] for i in matched) < NEAR_MIN_SPECIFIC
                    or (number, s_index) in found
                    or (number, s_index) in near
                    or (self.compiled.targets[number].step, s_index) in wrong
                ):
                    continue
                spans = tuple(sorted((places[i][s_index], places[i][s_index] + len(parts[i])) for i in matched))
                if _stance_of_match(kept[s_index], spans, mistake=False)[0] is Stance.ENDORSES:
                    near.add((number, s_index))
        return near

    def _retractions(self, reply: Reply, kept: list[Sentence], base: int) -> None:
        """After the interviewer challenged a decision ("opposite:ID" or a red flag id in `reply.challenged`), a
        sentence that takes it back ("I take that back", "I was wrong") rejects it, in whatever words follow."""
        sentence = next((s for s in kept if retracts(s.text)), None)
        if sentence is None and kept and retracts(" ".join(s.text for s in kept)):
            sentence = kept[0]  # "Good point, a random split leaks. I'd split by time instead.": the whole reply
        if sentence is None:
            return
        for challenged in reply.challenged:
            kind, _, item = challenged.partition(":")
            wanted: tuple[Kind, str] = ("opposite", item) if kind == "opposite" else ("red_flag", challenged)
            for target in self.compiled.targets:
                if (target.kind, target.id) == wanted:
                    claim = Claim(
                        kind=target.kind,
                        target=target.id,
                        step=target.step,
                        stance=Stance.REJECTS,
                        quote=sentence.text,
                        said_in=reply.step,
                        prompted=True,
                        source="signals",
                        order=base + kept.index(sentence),
                        challenged=True,
                    )
                    kept_claims = self._claims.setdefault((target.kind, target.id), [])
                    if len(kept_claims) < CLAIMS_KEPT_PER_TARGET:
                        kept_claims.append((claim, claim.order))
                    break

    def _restates_brief(self, sentence: Sentence, step: str) -> bool:
        """A statement that mostly repeats one sentence of the prompt, the facts or a follow-up question. A question
        in requirements is how clarifying is done, so it never counts as restating."""
        if step == "requirements" and sentence.text.rstrip().endswith("?"):
            return False
        words = content_words(sentence)
        if len(words) < RESTATED_MIN_WORDS:
            return False
        shared = Counter(number for word in words for number in self.compiled.brief_by_word.get(word, ()))
        if not shared:
            return False
        most = max(shared.values())
        return most >= RESTATED_MIN_OVERLAP * len(words) and len(words) - most <= RESTATED_MAX_NEW_WORDS

    def sentences(self) -> list[Sentence]:
        """Every sentence that may earn credit, in order (the brief restated and text to the grader are not here)."""
        return [said.sentence for said in self._said]

    def said(self, since: int = 0) -> list[SaidSentence]:
        """Every sentence that may earn credit, in order, for a grader that reads sentences (the paraphrase one);
        `since`: only those from that `Claim.order` on (a running grade reads each reply's once)."""
        return [
            SaidSentence(
                said.sentence,
                said.reply,
                said.order,
                template=self._is_template(said.skeleton),
                listed=_is_list(said.sentence),
            )
            for said in self._said[since:]
        ]

    def said_count(self) -> int:
        return len(self._said)

    def _is_template(self, shape: tuple[str, ...]) -> bool:
        return len(shape) >= TEMPLATE_MIN_WORDS and self._skeletons[shape] >= 2

    def as_said_now(self, claims: Iterable[Claim]) -> list[Claim]:
        """Another grader's claims on these sentences, marked as the signals' are when their sentence has become a
        template since (its skeleton repeated in a later reply)."""
        return [_as_template(c) if self._is_template(self._said[c.order].skeleton) else c for c in claims]

    def claims(self) -> list[Claim]:
        """Every claim, with template sentences (a skeleton said twice or more) marked as listed and unexplained."""
        result = []
        for claim, said_index in (entry for entries in self._claims.values() for entry in entries):
            if self._is_template(self._said[said_index].skeleton):
                claim = _as_template(claim)
            result.append(claim)
        return result


# Taking a decision back, in the reply to a challenge of it.
_RETRACTION = re.compile(
    r"\b(take (that|it|this) back|i was wrong|on second thought|scratch that|i stand corrected|let me correct"
    r"|i would (change|revise|reconsider) (that|this|it)|i (retract|withdraw) (that|this|it)"
    r"|that was (a mistake|wrong))\b"
)


def challenged_ids(pushback: str) -> frozenset[str]:
    """What a pushback's item id challenges: the red flag, or "opposite:ITEM"/"dismissed:ITEM" and the item."""
    return frozenset({pushback, pushback.partition(":")[2] or pushback})


# Conceding the challenge and changing course: "You're right, I'd split by time instead", "Good point, so I'd switch
# to a time split"; not "Good point, but I'd still split at random".
_CONCESSION = re.compile(r"^(you are right|good point|fair point|point taken|agreed|that is fair|fair enough|true)\b")
_CHANGE = re.compile(r"\b(instead|rather|switch|change|replace|move to)\b")
_HOLD = re.compile(r"\b(still|keep|stick with|stand by)\b")


def retracts(text: str) -> bool:
    """Whether the text takes back a decision ("I take that back", "I was wrong", "on second thought", or a
    concession that changes course: "you're right, I'd split by time instead")."""
    said = " ".join(words(text))
    if _RETRACTION.search(said):
        return True
    return bool(_CONCESSION.search(said) and _CHANGE.search(said) and not _HOLD.search(said))


# A random split of the data leaks; a random split of users into groups is an online experiment. A mistake about
# splitting at random is not made by a sentence that splits people or traffic (found on four plain answers: "split
# shoppers at random into two groups" raised the random-split red flag).
_RANDOM_SPLIT = frozenset(normalise("random randomly randomised randomized split shuffle"))
_EXPERIMENT_UNITS = frozenset(
    normalise(
        "user users people person shopper shoppers member members viewer viewers customer customers visitor "
        "visitors guest guests seller sellers buyer buyers traffic advertiser advertisers account accounts "
        "arm arms cohort cohorts"
    )
)


# Not "test": "a live test: randomly split users into old and new" is the experiment ("train" and "data" still mark a
# split of the data into train and test).
_DATA_UNITS = frozenset(
    normalise(
        "data row rows log logs impression impressions example examples train training sample samples "
        "record records event events click clicks image images photo photos query queries"
    )
)
SPLIT_OBJECT_WINDOW = 3


def _splits_people(sentence: Sentence, parts: tuple[tuple[int, int], ...]) -> bool:
    """Whether a random-split mistake matched where the sentence splits people or traffic ("randomly split shoppers
    into two groups", "users split at random"), not data ("split the impressions of users at random")."""
    tokens = sentence.tokens
    if not {token for start, end in parts for token in tokens[start:end]} & _RANDOM_SPLIT:
        return False
    for index, token in enumerate(tokens):
        if token in _RANDOM_SPLIT:
            near = tokens[max(0, index - SPLIT_OBJECT_WINDOW) : index + SPLIT_OBJECT_WINDOW + 1]
            if set(near) & _EXPERIMENT_UNITS and not set(near) & _DATA_UNITS:
                return True
    return False


def _stance_of_match(sentence: Sentence, parts: tuple[tuple[int, int], ...], mistake: bool) -> tuple[Stance, bool]:
    """The stance read at each part of the match (`a & b`): it is endorsed only if every part is, so "nothing infers
    health or religion" does not endorse "religion & feature", and "the auction only needs the order, so calibration
    does not matter" does not endorse "auction & calibrated". With it, whether a rejection is a dismissal."""
    words = tuple(token for start, end in parts for token in sentence.tokens[start:end])
    if mistake and _splits_people(sentence, parts):
        return Stance.AVOIDS, False
    kind = target_of(words, mistake=mistake)
    inside = frozenset(i for start, end in parts for i in range(start, end)) if len(parts) > 1 else frozenset()
    for start, end in parts:
        stance = stance_of(sentence, start, end, kind, inside)
        if stance is not Stance.ENDORSES:
            return stance, stance is Stance.REJECTS and is_dismissal(sentence, start, end, kind, inside)
    return Stance.ENDORSES, False


def _as_template(claim: Claim) -> Claim:
    return replace(claim, explained=False, listed=True)


def _is_list(sentence: Sentence) -> bool:
    """Terms separated like a list: three or more short comma or semicolon segments."""
    segments = [seg for seg in sentence.text.replace(";", ",").split(",") if seg.strip()]
    return len(segments) >= 3 and len(sentence.tokens) / len(segments) < 4.5
