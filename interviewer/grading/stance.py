"""Stance: what the candidate says about a matched idea: endorses it, rejects or dismisses it, names it as a mistake to
avoid, or asks about it. Read from the words around the match in its sentence; no model.

Three kinds of target read differently:
- a *practice* (an item that is something to do: calibrate, split by time): "not", "never", "skip", "instead of",
  "X does not matter", "X is overkill" reject it, and two such cues cancel ("we can't skip calibration");
- a *risk* (an item whose phrasing names a hazard: leakage, position bias, drift): naming it with "avoid", "no" or
  "prevent" engages with it, so only a dismissal rejects it ("ignore position bias", "leakage is not a concern");
- a *mistake* (a red flag or an item's opposite): it counts only when endorsed; a negation, a question, a
  hypothetical "if", or a sentence that frames it as an error ("a common mistake is...", "...which leaks the
  future", "X is useless here") keeps it from counting.
"""

from __future__ import annotations

import itertools
import re
from enum import StrEnum
from functools import lru_cache

from interviewer.grading.text import Sentence, analyse, fold


class Stance(StrEnum):
    ENDORSES = "endorses"
    REJECTS = "rejects"  # says not to do it, or that it does not matter
    AVOIDS = "avoids"  # a mistake named as one to avoid
    ASKS = "asks"


class Target(StrEnum):
    PRACTICE = "practice"
    RISK = "risk"
    MISTAKE = "mistake"


def _folded(*phrases: str) -> frozenset[str]:
    return frozenset(fold(word) for phrase in phrases for word in phrase.split())


# Words that end a scope beyond the punctuation and "but"/"however" the sentence analysis already uses.
_SCOPE_BREAKS = _folded("so because since which then whereas unless until once therefore thus hence plus if when")
_SUBJECT_AFTER_AND = _folded("i we it they you would will should can could then instead also this that")
_INTENSIFIERS = _folded("ever at all any under circumstance circumstances really absolutely even just ever again")
SCOPE_WINDOW = 8
# "no" and "without" deny a noun phrase, not the verb after it: in "new listings with no history get content
# features", the features are not denied (found by a new user: four items read as dismissed, -32 points).
_NOUN_NEGATIONS = _folded("no without")
NOUN_NEGATION_WINDOW = 2
_NOUN_MODIFIERS = _folded(
    "a an the any some proper real single separate dedicated explicit formal extra additional special scheduled "
    "regular online offline live manual automatic automated kind of sort"
)
_COORDINATORS = _folded("or nor")  # not "and", which also joins clauses: "no delay and a random split works"
_HAVING = _folded("with has have had having")
_MATTER = fold("matter")
# What a new user, item or listing lacks ("with no history"); not a practice ("a model with no calibration").
# "The model has no click history features" denies the features: a practice, not a lack.
_INPUTS = _folded("feature features input inputs column columns")
_LACKED_DATA = _folded(
    "history histories session sessions click clicks data label labels interaction interactions engagement "
    "view views impression impressions rating ratings review reviews activity signal signals connection "
    "connections friend friends purchase purchases booking bookings follower followers caption text past prior watch "
    "example examples sample samples photo photos image images"
)

_HARD_NEGATIONS = _folded("not no never nor neither none nothing without lack")
_TWO_WORD_NEGATIONS = frozenset({(fold("instead"), fold("of")), (fold("rather"), fold("than"))})
# "drop the retrieval stage" dismisses a practice; "drop borderline videos" names a risk (see RISK_WORDS), where
# removing it is how it is handled (`_LOOK_AWAY_VERBS`).
_DISMISS_VERBS = _folded("skip skipping ignore ignoring forget forgo ditch abandon bypass drop dropping defer")
_DISMISS_VERBS |= _folded("neglect overlook")
_LOOK_AWAY_VERBS = _DISMISS_VERBS - _folded("drop dropping ditch abandon bypass")
_AVOID_VERBS = _folded("avoid prevent guard protect steer")
# "a drop in", "drops by 5%": the dismissal verb used as a noun or of a quantity, dismissing nothing.
_DETERMINERS = _folded("a an the any sudden sharp big small each every")
_NOUN_AFTER = _folded("in of by below under off to")
_SUBJECTS = _folded("i we you they he she it")
# Before a dismissal verb in the past tense, words that make it an account of behaviour, not a decision: "shown but
# skipped", "were ignored", "the user skipped".
_WHO_DID = _folded("but were was been get got user users people viewer viewers member members customer customers")
_WHO_DID |= _folded("reader readers buyer buyers shopper shoppers guest guests searcher searchers they he she who")
# "without violating privacy", "never breaking the rules": the negation denies the harm, not what follows it.
_HARMS = _folded("violate violating breach breaching compromise compromising hurt hurting harm harming break breaking")
_HARMS |= _folded("exceed exceeding worsen worsening regress regressing degrade degrading overshoot surpass")
_HARMS |= _folded("cross crossing")  # "lines we must not cross"
# What a method, a metric or data can or cannot do: negated, it states a limit of that subject, which a candidate
# names to justify the item ("offline replay can't show how budgets react, so I'd run a live test").
_CAPABILITIES = _folded("show tell capture measure reveal see catch detect reflect predict answer explain")
_PERSONAL = _folded("i we you")
# "I would not make GMV the single objective", "not rely on clicks alone": the negation denies that the item is all
# there is, not the item.
_EXCLUSIVE = _folded("single sole solely alone only exclusively")
_OWN, _ON = fold("own"), fold("on")  # "on its own", "on their own"; not "our own model"
_OWNERS = _folded("its their")
# "I don't think we need a separate async path or rescoring": a negated need reaches over its whole object list.
_NEEDS = _folded("need needs needed require requires want bother reason point sense benefit")  # "no reason to"
NEED_WINDOW = 14
# "no more than 50 ms", "not only X", "no doubt" limit or add to what follows rather than deny it.
_NOT_A_NEGATION_BEFORE = _folded("more less later longer only doubt fewer just")
_ONLY = _folded("just only merely solely")

# After the match, in its scope: "X does not matter", "X is overkill", "A/B tests are too slow".
_EVALUATIVE = _folded("matter need necessary important worth concern problem issue relevant required help useful")
_EVALUATIVE |= _folded("priority care crucial critical essential big deal something option sufficient enough")
_EVALUATIVE |= _folded("acceptable way propose recommend")
_VERDICTS = _EVALUATIVE | _NEEDS  # "no A/B test needed", "no calibration required"
_DISMISSALS_AFTER = _folded("unnecessary irrelevant useless pointless meaningless overkill overrated negligible waste")
_DISMISSALS_AFTER |= _folded("optional luxury afterthought wastes polish negotiable flexible deprioritise deprioritize")
_DISMISSALS_AFTER |= _folded("unimportant unneeded superfluous moot distraction")
# "calibration is secondary" dismisses; "a secondary metric", "secondary only to label delay" rank, and do not.
# "Hierarchical heads add complexity for little gain", "of little use here"; not "a little lift".
_LITTLE = fold("little")
_GAINS = _folded("gain gains benefit benefits value use upside return returns point")
_SECONDARY = fold("secondary")
_RANKED_AFTER = _folded("to only metric metrics objective objectives signal signals goal goals guardrail guardrails")
_NICE_TO_HAVE = (fold("nice"), fold("to"), fold("have"))
_AUXILIARIES = _folded("is are was were be been being am do does did will would should can could seem seems feel feels")
_ADVICE = _folded("recommend propose")
_TOO = fold("too")
_TOO_WHAT = _folded("slow expensive costly complex complicated hard late noisy much")
_MUCH = fold("much")

# A sentence that frames what it names as an error: the mistake named is not the candidate's choice.
_MISTAKE_FRAMES = _folded(
    "mistake mistaken pitfall trap wrong naive antipattern tempting temptation misleading useless meaningless pointless"
)
_MISTAKE_FRAMES |= _folded("dangerous leak leaks leaking leakage flaw flawed fool fooled overstate inflate cheat")
_MISTAKE_FRAMES |= _folded("error bad worse beware careful bug overfit broken breaks fails fail misguided")
_MISTAKE_FRAMES |= _folded("impossible infeasible unrealistic unworkable")
_MISTAKE_FRAMES |= _folded("incident violation unacceptable liability lawsuit")  # "...is a privacy incident"
_MISTAKE_FRAMES |= _folded("future peek peeking")  # "a random split lets it learn from the future"
_HYPOTHETICAL = _folded("if whether suppose supposing imagine")
# Two words that frame what follows as what others get wrong: "people often treat reports as labels".
_MISTAKE_PAIRS = frozenset(
    (fold(a), fold(b))
    for a, b in (
        ("people", "often"),
        ("teams", "often"),
        ("often", "assume"),
        ("people", "assume"),
        # "the problem with a random split is...", "X is a problem"; not "a classification problem"
        ("problem", "with"),
        ("problem", "is"),
        ("a", "problem"),
        # "one risk is that it trains on its own predictions"; not "a risk score"
        ("risk", "is"),
        ("risk", "that"),
        ("one", "risk"),
        ("main", "risk"),
        ("biggest", "risk"),
        # what went wrong before: "a single click label is what caused the crowding-out"; not "our old heuristic
        # caused empty rows, so I'd rank by CTR" (the decision follows), nor "warning" ("show a warning screen")
        ("what", "caused"),
        ("what", "backfired"),
    )
)

RISK_WORDS = _folded(
    "leak leakage bias biased skew drift loop noise noisy imbalance imbalanced fraud spam abuse bot adversary "
    "adversarial evade evasion delay delayed stale overfit overfitting sensitive discrimination outage failure "
    "timeout mislabel attack manipulation clickbait starvation cold borderline harmful toxic violating invalid fake "
    "duplicate outlier peek peeking future flood flooding overwhelm annoy harass fatigue unavailable expired "
    "cancelled canceled deleted banned illegal unsafe outdated inappropriate offensive race ethnicity religion "
    "suspicious fraudulent junk corrupt corrupted"
)


def target_of(phrase_tokens: tuple[str, ...], mistake: bool) -> Target:
    if mistake:
        return Target.MISTAKE
    return Target.RISK if any(token in RISK_WORDS for token in phrase_tokens) else Target.PRACTICE


@lru_cache(maxsize=4096)
def scopes(sentence: Sentence) -> tuple[int, ...]:
    """A scope number per token: the sentence's clauses, split further at "so", "because", "which"... and at "and"
    before a new subject or verb. A negation reaches only within its scope."""
    tokens = sentence.tokens
    result: list[int] = []
    scope = 0
    for index, token in enumerate(tokens):
        new_clause = bool(index) and sentence.clauses[index] != sentence.clauses[index - 1]
        new_subject = token in ("and", "or") and index + 1 < len(tokens) and tokens[index + 1] in _SUBJECT_AFTER_AND
        if new_clause or token in _SCOPE_BREAKS or new_subject:
            scope += 1
        result.append(scope)
    return tuple(result)


def is_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip().rstrip("\"')").endswith("?")


LABEL_MAX_WORDS = 8
# Words and spaces, then ": " (not "1:10", "10:30"); a label that announces a question ("Quick question for you:")
# still asks the interviewer.
_LABEL = re.compile(rf"^\s*((?:[^\W\d_][\w'/-]*\s+){{0,{LABEL_MAX_WORDS - 1}}}[^\W\d_][\w'/-]*):\s+\S")
_ASKING = _folded("question questions ask asking wonder wondering curious quick")


def is_labelled_check(question: str) -> bool:
    """ "Recall of the first stage: of the videos watched next day, how many were in our few hundred?": a question under
    a short label, said outside requirements, is what the candidate would measure, in their own words, not a question
    to the interviewer. (Measured: in the calibration set only plain answers ask questions outside requirements, 53
    sentences, most of them such checks; no partial, weak or wrong answer does.)"""
    label = _LABEL.match(question)
    return label is not None and not _folded(*label.group(1).lower().split()) & _ASKING


def _negation_width(tokens: tuple[str, ...], index: int, compounds: frozenset[int] = frozenset()) -> int:
    if index in compounds:
        return 0  # "no-purchase sessions", "non-click" name a kind, they deny nothing
    token = tokens[index]
    if token == "no" and index + 1 < len(tokens) and tokens[index + 1] == _MATTER:
        return 0  # "no matter how good they are" concedes, it denies nothing
    if token == "no" and index:
        if tokens[index - 1] in ("or", "yes", "a", "the"):
            return 0  # "a yes or no answer", "a no if they scrolled past" name a kind of answer, they deny nothing
        if tokens[index - 1] in _HAVING and _lacks_data(tokens[index + 1 : index + 4]):
            return 0  # "listings with no sessions", "users who have no history" describe what they lack
    if index + 1 < len(tokens) and (token, tokens[index + 1]) in _TWO_WORD_NEGATIONS:
        # "rather than just the tap", "instead of only clicks" add to what follows, as "not only" does ("rather than
        # longer A/B tests" still turns away from them).
        return 0 if tokens[index + 2 : index + 3] and tokens[index + 2] in _ONLY else 2
    if token in _HARD_NEGATIONS:
        after = index + 1
        if after < len(tokens) and (tokens[after] in _NOT_A_NEGATION_BEFORE or tokens[after] in _HARMS):
            return 0
        if after < len(tokens) and tokens[after] in _CAPABILITIES and not _personal_subject(tokens, index):
            return 0  # "replaying old data can't show how budgets react": a limit of the data, not a decision
        return 1
    return 0


def _personal_subject(tokens: tuple[str, ...], negation: int) -> bool:
    """Whether the negated verb's subject is the candidate or their team ("we can't show", "I don't measure")."""
    before = negation - 1
    while before >= 0 and tokens[before] in _AUXILIARIES:
        before -= 1
    return before >= 0 and tokens[before] in _PERSONAL


def _lacks_data(phrase: tuple[str, ...]) -> bool:
    return any(word in _LACKED_DATA for word in phrase) and not any(word in _INPUTS for word in phrase)


def _in_reach(sentence: Sentence, cue: int, start: int) -> bool:
    """Whether a cue at `cue` governs the match at `start`: same scope, or a scope that holds nothing after the cue
    but intensifiers ("I would never, ever split at random"), and within the window (wider for a negated need)."""
    need = _negates_a_need(sentence.tokens, cue)
    if start - cue > (NEED_WINDOW if need else SCOPE_WINDOW):
        return False
    if not need and sentence.tokens[cue] in _NOUN_NEGATIONS:
        # Modifiers stay in the noun phrase: "without any scheduled retraining", "without a proper A/B test".
        # And the members of a list before the match: "no health or religion interests are inferred".
        phrase = sentence.tokens[cue + 1 : start]
        words = [
            token
            for i, token in enumerate(phrase)
            if token not in _NOUN_MODIFIERS
            and token not in _COORDINATORS
            and (i + 1 >= len(phrase) or phrase[i + 1] not in _COORDINATORS)
        ]
        if phrase and phrase[-1] not in _COORDINATORS:  # a list reaches only up to an "or" right before the match
            words = [token for token in phrase if token not in _NOUN_MODIFIERS]
        if len(words) >= NOUN_NEGATION_WINDOW:
            return False
    scope = scopes(sentence)
    if scope[cue] == scope[start]:
        return True
    if scope[start] != scope[cue] + 1:
        return False
    between = list(enumerate(sentence.tokens[cue + 1 : start], cue + 1))
    rest = [t for i, t in between if scope[i] == scope[cue]]
    opens = [t for i, t in between if scope[i] == scope[start]]
    # Only intensifiers carry it over ("never, ever use"); a cue that ends its clause ("No, I would calibrate", "if it
    # drops, we retrain") governs nothing after the break.
    return all(token in _INTENSIFIERS for token in rest) and bool(opens) and opens[0] in _INTENSIFIERS


def _negates_a_need(tokens: tuple[str, ...], cue: int) -> bool:
    """ "don't need", "don't think we need", "no need for", "doesn't require": a negation a few words before a need."""
    return tokens[cue] in _HARD_NEGATIONS and any(t in _NEEDS for t in tokens[cue + 1 : cue + 4])


_SO = fold("so")
_DO = _folded("do does")


def _purpose(tokens: tuple[str, ...], negation: int) -> bool:
    """ "...so that we don't show the same page many times in a row": what the design is for, not a decision against
    the idea; "so we do not split by time" and "so I wouldn't calibrate" are decisions."""
    if negation < 4 or tokens[negation - 1] not in _DO:
        return False
    return tokens[negation - 3] == fold("that") and tokens[negation - 4] == _SO


def _decides_against(sentence: Sentence, negation: int) -> bool:
    """Whether a negation states the candidate's decision ("I would not calibrate", "we don't need a baseline", "don't
    split at random", "instead of a live test"), rather than a property of the design or the data ("the model never
    sees later counts", "no copies of a campaign on both sides", "values shouldn't suddenly go missing")."""
    tokens = sentence.tokens
    if _negation_width(tokens, negation, sentence.compounds) == 2 or _negates_a_need(tokens, negation):
        return True
    if _personal_subject(tokens, negation):
        return not _purpose(tokens, negation)
    scope = scopes(sentence)
    if tokens[negation] in _NOUN_NEGATIONS:
        # "no A/B test needed", "no calibration required": a verdict on the noun phrase, in its scope.
        following = range(negation + 1, min(len(tokens), negation + SCOPE_WINDOW))
        return any(scope[i] == scope[negation] and tokens[i] in _VERDICTS for i in following)
    # An instruction: the negation (after its auxiliaries) opens its clause ("Never split at random", "Don't ...").
    before = negation - 1
    while before >= 0 and tokens[before] in _AUXILIARIES and scope[before] == scope[negation]:
        before -= 1
    return before < 0 or scope[before] != scope[negation]


def _cues_before(
    sentence: Sentence, start: int, inside: frozenset[int], risk: bool = False, decisions_too: bool = False
) -> tuple[int, int, int, int]:
    """(negations, dismissal verbs, avoidance verbs, negations that are decisions) that govern the match at `start`;
    none of the words the match itself is made of (`inside`). Said of a risk, removing it ("drop the orders marked
    suspicious") handles it: only the verbs that look away from it ("ignore", "skip") dismiss it. Decisions are
    counted only when asked for (`decisions_too`): only `is_dismissal` reads them, and a stance is read far more
    often."""
    tokens = sentence.tokens
    negations = dismissals = avoidances = decisions = 0
    index = max(0, start - NEED_WINDOW)
    while index < start:
        if index in inside:
            index += 1
            continue
        width = _negation_width(tokens, index, sentence.compounds)
        if width and _in_reach(sentence, index, start):
            negations += 1
            if decisions_too:
                decisions += _decides_against(sentence, index)
            index += width
            continue
        token = tokens[index]
        dismisses = token in (_LOOK_AWAY_VERBS if risk else _DISMISS_VERBS)
        if dismisses and _in_reach(sentence, index, start) and _acts_on(sentence, index, start):
            dismissals += 1
        elif token in _AVOID_VERBS and _in_reach(sentence, index, start):
            avoidances += 1
        index += 1
    return negations, dismissals, avoidances, decisions


def _judged(tokens: tuple[str, ...], too: int) -> bool:
    """ "A/B tests are too slow", "would be too costly": "too" said of the subject; not "blurring a bit too much"."""
    return any(token in _AUXILIARIES for token in tokens[max(0, too - 2) : too])


def _acts_on(sentence: Sentence, verb: int, start: int) -> bool:
    """Whether a dismissal verb is a verb acting on the match: "drop the calibration layer", "a model that ignores
    position bias"; not a noun ("a sudden drop in clicks", "skip-gram"), nor what a user did ("results shown but
    skipped", "videos the user skipped"), nor a verb whose clause ends before the match ("if calibration drops we
    retrain")."""
    tokens = sentence.tokens
    if verb in sentence.compounds:
        return False  # "skip-gram", "drop-off": half of a compound noun
    if verb and tokens[verb - 1] in _DETERMINERS:
        return False
    if verb in sentence.past and verb and tokens[verb - 1] in _WHO_DID:
        return False
    if verb + 1 < len(tokens) and tokens[verb + 1] in _NOUN_AFTER:
        return False
    # A subject right after it starts a clause of its own ("drops we retrain"); "ignore what they say" still acts.
    return not (verb + 1 < start and tokens[verb + 1] in _SUBJECTS)


def _for_a_role(tokens: tuple[str, ...], index: int) -> bool:
    """ "too slow (and sparse) for a per-impression label": unfit for one role, which is no dismissal of the idea
    ("A/B tests are too slow for us" still is)."""
    window = tokens[index : index + 4]
    if "for" not in window:
        return False
    after = index + window.index("for") + 1
    return tokens[after : after + 1] in (("a",), ("an",), ("each",), ("one",))


_SCARCE = _TOO_WHAT | _folded("sparse rare few small")
_ROLES = _folded("main only sole primary single")
_ARTICLES = _folded("the a an")
_ROLE_NOUNS = _folded("label labels target targets signal metric objective goal feature head loss")


def _unfit_for_a_role(sentence: Sentence, start: int, end: int) -> bool:
    """ "Surveys are too sparse to be the main label", "retention is too slow for a per-impression label": a verdict
    that a mistake is made of ("surveys are too sparse"), limited in the same breath to one role; the candidate still
    uses the thing elsewhere, which is the right decision (found on strong answers: two of them charged twice)."""
    tokens, scope = sentence.tokens, scopes(sentence)
    for index in range(start, min(len(tokens) - 2, end + 3)):
        if tokens[index] == _TOO and tokens[index + 1] in _SCARCE:
            after = tuple(t for i, t in enumerate(tokens[index + 2 : index + 7], index + 2) if scope[i] == scope[index])
            to_be = len(after) >= 4 and after[:2] == ("to", "be") and after[2] in _ARTICLES and after[3] in _ROLES
            for_one = after[:1] == ("for",) and _for_a_role(tokens, index + 2) and bool(set(after[2:5]) & _ROLE_NOUNS)
            if to_be or for_one:
                return True
    return False


def _judges(tokens: tuple[str, ...], negation: int) -> bool:
    """A negation that judges what came before: "X is not needed", "X does not matter", "X never matters"; not a
    rule the design follows ("borderline videos never recommended")."""
    after = tokens[negation + 1 : negation + 4]
    if not any(t in _EVALUATIVE for t in after) or _negation_width(tokens, negation) == 0:
        return False  # "..., no matter how good they are" concedes
    if negation and tokens[negation - 1] in _AUXILIARIES:
        return True
    return bool(after) and after[0] in _EVALUATIVE and after[0] not in _ADVICE


# A verdict that opens the clause after a named option is said of it: "X, too expensive", and after a contrast "X,
# but it is too slow". A pronoun without the contrast may point anywhere ("We cache features, this would be too slow
# otherwise"), and "otherwise" turns the verdict onto the alternative.
_CONTRAST = _folded("but yet though although")
_POINTERS = _folded("it this that they which is are was were would be")
_OTHERWISE = _folded("otherwise")


def _verdict_opens(tokens: tuple[str, ...], index: int) -> bool:
    """Whether the clause starting at `index` opens with a verdict on the option just named, with no subject of its
    own: "one heavy model over all candidates, too expensive at this scale"; "X, but it is too slow"."""
    if index < len(tokens) and tokens[index] in _CONTRAST:
        index += 1
        while index < len(tokens) and tokens[index] in _POINTERS:
            index += 1
    if not (index + 1 < len(tokens) and tokens[index] == _TOO and tokens[index + 1] in _TOO_WHAT):
        return False
    if tokens[index + 1] == _MUCH:  # "..., too much caching hurts" has a subject of its own
        return False
    return not _OTHERWISE.intersection(tokens[index:]) and not _for_a_role(tokens, index + 2)


def _dismissed_after(sentence: Sentence, end: int, inside: frozenset[int]) -> bool:
    """ "X does not matter", "X is not needed", "X is overkill", "X are too slow": said of the match, in its scope;
    not by a word of the match itself (`accuracy & useless` names the item "accuracy is useless here")."""
    tokens, scope = sentence.tokens, scopes(sentence)
    if end >= len(tokens):
        return False
    limit = min(len(tokens), end + SCOPE_WINDOW)
    home = scope[end - 1]
    for index in range(end, limit):
        if scope[index] != home:
            return _verdict_opens(tokens, index)
        if index in inside:
            continue
        token = tokens[index]
        if token in _DISMISSALS_AFTER or tokens[index : index + 3] == _NICE_TO_HAVE:
            return True
        if token == _LITTLE and index + 1 < len(tokens) and tokens[index + 1] in _GAINS:
            return True
        if token == _SECONDARY and tokens[index - 1] in _AUXILIARIES:
            following = tokens[index + 1] if index + 1 < len(tokens) and scope[index + 1] == home else None
            if following not in _RANKED_AFTER:
                return True
        if token == _TOO and index + 1 < len(tokens) and tokens[index + 1] in _TOO_WHAT and _judged(tokens, index):
            return not _for_a_role(tokens, index + 2)
        if token in _HARD_NEGATIONS and _judges(tokens, index):
            return True
    return False


# "tags heavily down-weighted", "I'd trust the tags less": the wrong decision's idea, turned down after it.
_LESS = fold("less")
_THAN = fold("than")
_LESSENED = _folded("downweight downweighted discount discounted")
_DOWN_WEIGHT = (fold("down"), fold("weighted"))


def _lessened_after(sentence: Sentence, end: int, inside: frozenset[int]) -> bool:
    """Whether the match is turned down after it, in its scope: "down-weighted", or "less" right after it (not "less
    than 100 ms"). Measured on the 75 calibration sets, with `_taught`'s first form: mistakes charged on honest
    answers 118 -> 114, on wrong but fluent ones unchanged; plain >= partial 478 -> 479."""
    tokens, scope = sentence.tokens, scopes(sentence)
    home = scope[end - 1]
    for index in range(end, min(len(tokens), end + SCOPE_WINDOW)):
        if scope[index] != home:
            return False
        if index in inside:
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if tokens[index] == _LESS and index == end and following != _THAN:
            return True  # "trust the tags less"; not "a random split with less work"
        if tokens[index] in _LESSENED or (tokens[index], following) == _DOWN_WEIGHT:
            return True
    return False


def _exclusive_after(sentence: Sentence, start: int, end: int, inside: frozenset[int]) -> bool:
    """ "not ... GMV the single objective", "not ... clicks alone": exclusivity said of the match, in its scope; in a
    match of several parts, also before the next part ("not treat a tap as success on its own, since a third of taps
    end in under ten seconds")."""
    tokens, scope = sentence.tokens, scopes(sentence)

    def exclusive(index: int, home: int) -> bool:
        if scope[index] != home or index in inside:
            return False
        if tokens[index] in _EXCLUSIVE:
            return True
        # "on its own" ending its clause; not "in their own index", "retrain on its own predictions"
        clause_ends = index + 1 == len(tokens) or scope[index + 1] != scope[index]
        on_its = index >= 2 and tokens[index - 1] in _OWNERS and tokens[index - 2] == _ON
        return tokens[index] == _OWN and on_its and clause_ends

    following = [index for index in inside if index >= end]  # up to the next part of the match
    if following and any(exclusive(index, scope[start]) for index in range(end, min(following))):
        return True
    if end >= len(tokens):
        return False
    return any(exclusive(index, scope[end - 1]) for index in range(end, min(len(tokens), end + 4)))


def _framed_as_mistake(sentence: Sentence, start: int, end: int) -> bool:
    """A frame before the match in its scope or the one before ("a common mistake is to..."), or anywhere after it (a
    consequence: "..., so the offline numbers are misleading"); not a frame further back that is about something else
    ("X would be impossible at this scale, so I'd use accuracy")."""
    tokens, scope = sentence.tokens, scopes(sentence)
    first = scope[start] - 1

    def framing(index: int) -> bool:
        return not start <= index < end and (index >= end or scope[index] >= first)

    if any(pair in _MISTAKE_PAIRS and framing(i) for i, pair in enumerate(itertools.pairwise(tokens))):
        return True
    return any(token in _MISTAKE_FRAMES and framing(i) for i, token in enumerate(tokens))


# "Clicks are instant, but half of bookings come days later": what the first clause grants, the contrast turns from.
_CONTRASTS = _folded("but yet though although however whereas")


def _conceded(sentence: Sentence, start: int) -> bool:
    """A wrong decision's words in a clause that only grants a fact or a merit, before a contrast, with no one
    deciding anything up to there: "Ranking losses would give good ordering but uncalibrated scores", "Running the big
    model on every post would catch more, but costs ten times what we have". Not "We train on clicks because clicks
    are instant, but we also log bookings" (the candidate is the subject before the contrast). Measured on the 63
    calibration sets: mistakes charged on honest answers 122 -> 112 (all ten were such concessions), on wrong but
    fluent ones 939 -> 938, every relation the same or better."""
    tokens, scope = sentence.tokens, scopes(sentence)
    last = max(i for i in range(len(tokens)) if scope[i] == scope[start])
    if any(token in _PERSONAL for token in tokens[: last + 1]):
        return False
    return last + 1 < len(tokens) and tokens[last + 1] in _CONTRASTS


# "Things we must never do: ...", "Alternative I rejected: ...": a short label that turns away from what it lists;
# not "Risk-free plan: ...", so no risk words (measured with the rule below on the 75 calibration sets: mistakes
# charged on honest answers 135 -> 132, on wrong but fluent ones 1,063 -> 1,062; plain >= partial 477 -> 478 of 525).
_TURNING_AWAY = _folded("never not no avoid avoiding reject rejected mistake mistakes pitfall pitfalls trap traps")


def _under_a_label_turning_away(sentence: Sentence, start: int) -> bool:
    """Whether the match follows a short label ("Things we must never do: show private photos") with a word that
    turns away from what follows; a label that does not ("For the first version: ...") changes nothing."""
    label = _LABEL.match(sentence.text)
    if label is None:
        return False
    words = analyse(label.group(1)).tokens
    return start >= len(words) and bool(set(words) & _TURNING_AWAY)


_WEIGHED = _folded("considered weighed explored tried")
# "I considered [a pairwise or listwise] ranking loss": the weighed idea follows the verb closely, in its clause, with
# no other decision between ("we considered both and went with a pairwise loss" chose it)
WEIGHED_REACH = 6
_WEIGHED_STOPS = _folded("and then both went chose picked use used settled")
# What the contrast after a weighed alternative says against it: "but those throw away the scale", "but it leaks".
_TURNS = _folded("throw throws lose loses miss misses ignore ignores hurt hurts fail fails break breaks cost costs")
_TURNS |= _folded("slow expensive worse noisy leak leaks unstable only") | _HARD_NEGATIONS


def _weighed_then_turned(sentence: Sentence, start: int) -> bool:
    """ "I considered a pairwise or listwise loss, but those throw away the scale": the candidate weighed the
    alternative and, after the contrast, turned from it. Not "We considered it and all that matters is the order,
    but..." (the verb's object is something else)."""
    tokens, scope = sentence.tokens, scopes(sentence)
    last = max(i for i in range(len(tokens)) if scope[i] == scope[start])
    if not (last + 1 < len(tokens) and tokens[last + 1] in _CONTRASTS):
        return False
    if not set(tokens[last + 2 :]) & _TURNS:
        return False  # "We tried a random split, but with a larger test set it held up": no turn away
    for verb in range(max(1, start - WEIGHED_REACH), start):
        if (
            tokens[verb] in _WEIGHED
            and verb in sentence.past
            and tokens[verb - 1] in _PERSONAL
            and scope[verb] == scope[start]
            and not set(tokens[verb + 1 : start]) & _WEIGHED_STOPS
        ):
            return tokens[verb + 1] not in _POINTERS
    return False


# How often a model is trained, slowest last: a slow cadence said beside a faster one is a complement ("train
# incrementally every few hours, with a full retrain weekly"), not the wrong decision of training only that often.
_CADENCES = tuple(
    _folded(words)
    for words in (
        "continuous continuously incremental incrementally nonstop streaming hourly",
        "daily nightly",
        "weekly",
        "monthly",
        "quarterly yearly annually",
    )
)
# A unit of time is a cadence only after "every", "each", "per" or "once a": "every few hours", not "a full retrain
# takes hours" or "a week-old model".
_CADENCE_UNITS = tuple(
    _folded(words) for words in ("hour hours minute minutes", "day days", "week weeks", "month months")
)
_CADENCE_UNITS += (_folded("quarter quarters year years"),)
_EVERY = _folded("every each per")
_ONCE = fold("once")
# "weekly is plenty", "daily retrains add noise, so weekly; that is enough": the slow cadence is the decision.
_SUFFICES = _folded("plenty enough sufficient suffices")


def _cadence(tokens: tuple[str, ...], index: int) -> int | None:
    token = tokens[index]
    rank = next((rank for rank, words in enumerate(_CADENCES) if token in words), None)
    if rank is not None:
        return rank
    unit = next((rank for rank, words in enumerate(_CADENCE_UNITS) if token in words), None)
    if unit is None:
        return None
    before = tokens[max(0, index - 2) : index]
    if set(before) & _EVERY or (len(before) == 2 and before[0] == _ONCE):
        return unit
    return None


def _slower_beside_faster(sentence: Sentence, start: int, end: int, inside: frozenset[int]) -> bool:
    """A wrong decision about a slow cadence said beside a faster training cadence the candidate keeps ("Training is
    continuous, but I'd still rebuild from scratch weekly"). Measured on the 75 calibration sets: mistakes charged on
    honest answers 132 -> 118 (all were such complements), on wrong but fluent ones unchanged (1,062)."""
    tokens = sentence.tokens
    match = [*range(start, end), *inside]
    slow = max((rank for i in match if (rank := _cadence(tokens, i)) is not None), default=None)
    if slow is None or slow == 0:
        return False  # no cadence in the wrong decision, or the fastest there is
    if _SUFFICES.intersection(tokens):
        return False
    return any(
        (rank := _cadence(tokens, i)) is not None
        and rank < slow
        and i not in match
        and i not in sentence.negated
        and _trains(tokens, i)
        and not set(tokens[max(0, i - 2) : i]) & _TURNED_FROM
        for i, token in enumerate(tokens)
    )


# The faster cadence is about training only next to a word for it ("track removal counts daily" is not), and is a
# choice only when nothing turns from it ("skip incremental updates", "more robust than streaming updates").
_TRAINING = _folded("train trained training retrain retrained retraining update updates refresh rebuild warm learn")
_TRAINING |= _folded("tune tuned tuning finetune finetuned")
_TURNED_FROM = _DISMISS_VERBS | _folded("than compared")
CADENCE_REACH = 3


def _trains(tokens: tuple[str, ...], index: int) -> bool:
    return any(token in _TRAINING for token in tokens[max(0, index - CADENCE_REACH) : index + CADENCE_REACH + 1])


_TEACH = fold("teaches")
_TO = fold("to")
TAUGHT_REACH = 4


def _taught(sentence: Sentence, start: int) -> bool:
    """ "...which teaches the model to ignore small faces": what a flaw teaches the model, not the candidate's choice
    (not "the click label teaches the model what people want", a claim the candidate makes)."""
    tokens = sentence.tokens
    for teach in range(max(0, start - TAUGHT_REACH), start):
        if tokens[teach] == _TEACH and _TO in tokens[teach + 1 : start]:
            return True
    return False


def _hypothetical(sentence: Sentence, start: int) -> bool:
    scope = scopes(sentence)
    return any(
        sentence.tokens[i] in _HYPOTHETICAL and scope[i] == scope[start] for i in range(max(0, start - 6), start)
    )


NOT_ONLY_REACH = 3
_ALSO = fold("also")
_AS, _WELL = fold("as"), fold("well")


def _not_only_before(sentence: Sentence, start: int) -> bool:
    """ "I wouldn't only predict clicks", "a real-time path, not just a nightly build": a wrong decision is mostly doing
    one thing alone, and "not only" turns from exactly that (for an item it adds: "not only clicks but also saves")."""
    tokens, scope = sentence.tokens, scopes(sentence)
    if _ALSO in tokens[start:] or (_AS, _WELL) in itertools.pairwise(tokens[start:]):
        return False  # "we'd not only rank by predicted CTR but also show...": both are chosen
    # "not" right before the match, or "only" its first word, or two words before it ("not just on a nightly build")
    for index in range(max(0, start - NOT_ONLY_REACH), start):
        if tokens[index] in _HARD_NEGATIONS and tokens[index + 1] in _ONLY and scope[index] == scope[start]:
            return True
    return False


def stance_of(sentence: Sentence, start: int, end: int, target: Target, inside: frozenset[int] = frozenset()) -> Stance:
    """The candidate's stance toward what matched at tokens [start, end) of `sentence`; `inside` holds the positions
    of the other parts of the same match (`a & b`), which are the idea, not cues about it."""
    if is_question(sentence):
        return Stance.ASKS
    negations, dismissals, avoidances, _ = _cues_before(sentence, start, inside, risk=target is Target.RISK)
    dismissed_after = _dismissed_after(sentence, end, inside)
    if target is Target.MISTAKE:
        flips = negations + dismissals + avoidances + dismissed_after
        if flips % 2:
            return Stance.AVOIDS
        if (
            _framed_as_mistake(sentence, start, end)
            or _lessened_after(sentence, end, inside)
            or _hypothetical(sentence, start)
            or _unfit_for_a_role(sentence, start, end)
            or _conceded(sentence, start)
            or _under_a_label_turning_away(sentence, start)
            or _weighed_then_turned(sentence, start)
            or _slower_beside_faster(sentence, start, end, inside)
            or _taught(sentence, start)
            or _not_only_before(sentence, start)
        ):
            return Stance.AVOIDS
        return Stance.ENDORSES
    if target is Target.RISK:
        # "avoid leakage", "no leakage" engage with the risk; "ignore position bias" or "drift is not a concern"
        # dismiss it, and "we can't ignore it" does not.
        flips = dismissals + dismissed_after
        if dismissals and negations:
            flips += negations
        return Stance.REJECTS if flips % 2 else Stance.ENDORSES
    if negations and _exclusive_after(sentence, start, end, inside):
        negations = 0
    flips = negations + dismissals + avoidances + dismissed_after
    frame = any(token in _MISTAKE_FRAMES for token in sentence.tokens[:start])
    if frame and flips:
        flips += 1  # "a common mistake is to skip calibration" endorses calibration
    return Stance.REJECTS if flips % 2 else Stance.ENDORSES


def is_dismissal(
    sentence: Sentence, start: int, end: int, target: Target, inside: frozenset[int] = frozenset()
) -> bool:
    """Whether a rejection (`stance_of` reads REJECTS) is the candidate's decision or judgement against the idea, which
    costs points when the item is important: a dismissal verb ("skip the baseline"), a verdict after it ("calibration
    does not matter", "A/B tests are too slow"), an avoidance, or a negation the candidate decides ("I would not
    calibrate", "don't split by time"). A negation the design states of itself ("the model never sees counts gathered
    later", "no copies of a campaign on both sides", "private photos are never shown to reviewers") earns the item
    nothing but is no dismissal: it is often how an item's rule is said. (Measured on the calibration set's honest
    answers: dismissals charged 23 -> 6 over the plain, partial and strong answers, 11 -> 1 on the plain ones.)"""
    _, dismissals, avoidances, decisions = _cues_before(
        sentence, start, inside, risk=target is Target.RISK, decisions_too=True
    )
    return bool(dismissals or avoidances or decisions) or _dismissed_after(sentence, end, inside)
