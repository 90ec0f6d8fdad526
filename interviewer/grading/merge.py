"""The merge rule: claims from every grader in, item results and red flags out. The only place credit is decided.

Per rubric item, over the claims of every step of the interview (an idea counts wherever it was said):
- **covered** (full weight): an endorsing claim from a sentence that explains (content beyond the item's own words,
  see `interviewer.grading.content`; a sentence that touches items of `HUB_STEPS` steps explains only those of the
  step it was said in); in `requirements`, a real question about a requirements item counts too;
- **partial**: an endorsing claim that only names the item (a near match of a signal only ever names it, see
  `interviewer.grading.claims.NEAR_MIN_PARTS`): `PARTIAL_CREDIT` from a sentence, `LISTED_CREDIT` from
  a bare list of terms, a template sentence, or a question outside requirements (a check under a label, "Recall of
  the first stage: how many of the videos watched were in our few hundred?", names it like a sentence,
  `interviewer.grading.stance.is_labelled_check`);
- a requirements item settled only after the requirements step (the error costs first weighed while choosing a
  metric) is at most partial: requirements are clarified before the design, and a mid-level answer that picks them up
  on the way earned full marks there beside a strong one that asked (measured on the 87 calibration sets: strong >
  partial > weak in requirements 78 -> 85 of 87 pairs, wrong but fluent 80 -> 82; plain >= 0.8 x strong 83 -> 80);
- **missed** otherwise. An item only rejected or dismissed ("calibration does not matter here") is missed, and when
  it weighs `IMPORTANT_WEIGHT` or more a dismissal (`Claim.dismisses`: the candidate's decision against it, not a
  rule the design states with a negation) is a recorded mistake. An endorsed *opposite* (the wrong
  decision the case author named) is a mistake and caps the item at partial.
A sentence that endorses a red flag or an opposite (not taken back) earns no item credit from a grader that only
adds: "I'd retrain weekly from scratch, since the model learns from its own confident predictions" names retraining
in a wrong decision (measured on the 75 calibration sets: wrong but fluent < partial 486 -> 492 of 525 when added,
the honest relations unchanged, stuffing and keyword lists one pair each lower, as mid-level answers lose what they
said beside a mistake).
Red flags fire on an endorsing claim only. Mistakes cost `MISTAKE_PENALTY_PER_WEIGHT` points per unit of the item's
weight, at most `MAX_MISTAKE_PENALTY`; an opposite said in a sentence that also raises a red flag costs nothing, and
of several opposites in one sentence only the largest counts (one decision, one cost). A red flag or an endorsed
opposite is *corrected* when a later claim, prompted by the interviewer's challenge of it (a pushback), rejects or
avoids it, or endorses the item an opposite was about: it stays on the record, costs nothing, and no longer caps its
item. `scale` (below 1 for an answer that is mostly about another problem, see
`interviewer.grading.deterministic.RELEVANT_SHARE`) multiplies every item's credit.

Graders take part in one of two modes. `adds` (the signals; an embedding or judge that may only add): its endorsing
claims count as above. `confirms` (a judge asked to confirm): on an item it judged, its verdict decides: its
endorsement covers the item, its rejection takes away what the signals gave. A claim from a `confirms` grader must
carry a quote verified in the candidate's words before it reaches here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from interviewer.framework import STEP_BY_ID, STEP_IDS, Level
from interviewer.grading.claims import Claim
from interviewer.grading.models import Coverage, ItemResult, RedFlagHit, StepGrade
from interviewer.grading.stance import Stance, is_labelled_check
from interviewer.rubric import Case

PARTIAL_CREDIT = 0.4
LISTED_CREDIT = 0.15
IMPORTANT_WEIGHT = 3
MISTAKE_PENALTY_PER_WEIGHT = 2.0
MAX_MISTAKE_PENALTY = 10.0


def _credits(claim: Claim, item_step: str) -> tuple[Coverage, float] | None:
    """What one claim is worth for its item, before other claims are considered."""
    if claim.stance is Stance.ASKS:
        if item_step == "requirements" and claim.said_in == "requirements":
            return (Coverage.PARTIAL, LISTED_CREDIT) if claim.listed else (Coverage.COVERED, 1.0)
        if claim.said_in == item_step:
            labelled = not claim.listed and is_labelled_check(claim.quote)  # a list with a "?" is still a list
            return Coverage.PARTIAL, PARTIAL_CREDIT if labelled else LISTED_CREDIT
        return None
    if claim.stance is not Stance.ENDORSES:
        return None
    if claim.listed:
        return Coverage.PARTIAL, LISTED_CREDIT
    if claim.explained and not settled_late(item_step, claim.said_in):
        return Coverage.COVERED, 1.0
    return Coverage.PARTIAL, PARTIAL_CREDIT


def settled_late(item_step: str, said_in: str | None) -> bool:
    """Whether a requirements item was first settled after the requirements step, while designing (see the module
    docstring)."""
    return item_step == "requirements" and said_in is not None and said_in != "requirements"


def _best(claims: list[Claim], item_step: str) -> tuple[Coverage, float, Claim] | None:
    """The claim worth most; of equal ones, the first said in the item's own step, else the first said. The evidence
    a candidate reads should be where they answered the item, not a passing mention in an earlier step (a new user
    found monitoring items backed by requirements sentences)."""
    best: tuple[Coverage, float, Claim] | None = None
    for claim in sorted(claims, key=lambda c: c.order):
        worth = _credits(claim, item_step)
        if not worth:
            continue
        better = best is None or worth[1] > best[1]
        at_home = best is not None and worth[1] == best[1] and claim.said_in == item_step != best[2].said_in
        if better or at_home:
            best = (*worth, claim)
    return best


def merge(
    case: Case,
    level: Level,
    claims: Iterable[Claim],
    *,
    steps: Iterable[str] = STEP_IDS,
    ignored: Mapping[str, list[str]] | None = None,
    restated: Mapping[str, list[str]] | None = None,
    answered: set[str] | None = None,
    seconds: Mapping[str, float] | None = None,
    confirming: Iterable[str] = (),
    scale: float = 1.0,
) -> dict[str, StepGrade]:
    """Item results, red flags and step scores from every grader's claims (see the module docstring)."""
    level = Level(level)
    confirmers = set(confirming)
    by_target: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    claims = list(claims)
    wrong_said = _wrong_decisions(claims)
    for claim in claims:
        endorses_item = claim.kind == "item" and claim.stance is Stance.ENDORSES
        if endorses_item and claim.source not in confirmers and claim.order in wrong_said:
            continue  # the right words in a wrong decision's sentence (see the module docstring)
        by_target[(claim.kind, claim.target)].append(claim)
    ignored, restated, seconds = ignored or {}, restated or {}, seconds or {}
    answered = answered if answered is not None else set()
    grades: dict[str, StepGrade] = {}
    for step_id in steps:
        rubric = case.steps[step_id]
        items: list[ItemResult] = []
        flags: list[RedFlagHit] = []
        for item in rubric.items:
            said = by_target.get(("item", item.id), [])
            verdicts = [c for c in said if c.source in confirmers]
            plain = [c for c in said if c.source not in confirmers]
            best = _best(plain, step_id)
            graded_by = sorted({c.source for c in plain if _credits(c, step_id)})
            judged = _best(verdicts, step_id)
            if judged is not None:
                best = judged if best is None or judged[1] > best[1] else best
                graded_by = sorted({*graded_by, judged[2].source})
            elif any(c.stance is Stance.REJECTS for c in verdicts):
                best, graded_by = None, sorted({c.source for c in verdicts})
            wrongs = by_target.get(("opposite", item.id), [])
            opposite = next((c for c in sorted(wrongs, key=lambda c: c.order) if c.stance is Stance.ENDORSES), None)
            corrected = False
            if best is None:
                coverage, credit, evidence, where, prompted = Coverage.MISSED, 0.0, None, None, False
                evidence_from = None
                dismissal = next((c for c in said if c.stance is Stance.REJECTS and c.dismisses), None)
                if dismissal is not None and item.weight >= IMPORTANT_WEIGHT:
                    flags.append(_mistake("dismissed", item.id, f"Dismissed: {item.covers}", item.weight, dismissal))
            else:
                coverage, credit, claim = best
                evidence, where, evidence_from = claim.quote, claim.said_in, claim.source
                prompted = not any(
                    not c.prompted and _credits(c, step_id) for c in said if c.stance is not Stance.REJECTS
                )
                first = min(
                    (c.order for c in said if c.stance is not Stance.REJECTS and _credits(c, step_id)), default=0
                )
                dismissal = next(
                    (c for c in said if c.stance is Stance.REJECTS and c.dismisses and c.order < first), None
                )
                if dismissal is not None and item.weight >= IMPORTANT_WEIGHT and _corrected(dismissal, said, []):
                    flags.append(
                        _mistake("dismissed", item.id, f"Dismissed: {item.covers}", item.weight, dismissal, True)
                    )
                    corrected = True
            if opposite is not None:
                wrong = f"Chose the opposite of: {item.covers}"
                fixed = _corrected(opposite, [*wrongs, *(c for c in said if c.stance is Stance.ENDORSES)], wrongs)
                flags.append(_mistake("opposite", item.id, wrong, item.weight, opposite, fixed))
                if coverage is Coverage.COVERED and not fixed:
                    coverage, credit = Coverage.PARTIAL, PARTIAL_CREDIT
                corrected = corrected or fixed
            items.append(
                ItemResult(
                    id=item.id,
                    covers=item.covers,
                    weight=item.weight,
                    level=item.level,
                    coverage=coverage,
                    credit=round(credit * scale, 3),
                    counted=item.level.rank <= level.rank,
                    evidence=evidence,
                    evidence_from=evidence_from,
                    graded_by=graded_by or ["signals"],
                    said_in=where,
                    prompted=prompted,
                    corrected=corrected,
                )
            )
        for flag in rubric.red_flags:
            raised = sorted(by_target.get(("red_flag", flag.id), []), key=lambda c: c.order)
            hit = next((c for c in raised if c.stance is Stance.ENDORSES), None)
            if hit is not None:
                fixed = _corrected(hit, raised, raised)
                flags.append(
                    RedFlagHit(
                        id=flag.id,
                        description=flag.description,
                        penalty=0.0 if fixed else flag.penalty,
                        evidence=hit.quote,
                        said_in=hit.said_in,
                        corrected=fixed,
                    )
                )
        flags = _charged_once_per_sentence(flags)
        grades[step_id] = StepGrade(
            step=step_id,
            score=step_score(items, flags),
            items=items,
            red_flags=flags,
            ignored=list(ignored.get(step_id, [])),
            restated=list(restated.get(step_id, [])),
            answered=step_id in answered,
            seconds=seconds.get(step_id),
            budget_seconds=STEP_BY_ID[step_id].budget_seconds,
        )
    return grades


def _charged_once_per_sentence(flags: list[RedFlagHit]) -> list[RedFlagHit]:
    """A wrong decision that one sentence states costs once in a step. Authors often name the same decision both as a
    red flag and as an item's opposite: in a sentence with a red flag its opposites cost nothing, and of several
    opposites only the largest counts. An item's opposite said in the sentence that dismisses the same item ("skip the
    raters, they are noise") is that one decision too. Red flags and dismissals are separate decisions and each costs
    its own."""
    flagged = {flag.evidence for flag in flags if flag.penalty and _kind(flag) == "red_flag"}
    dismissed = {(flag.evidence, _item(flag)) for flag in flags if flag.penalty and _kind(flag) == "dismissed"}
    largest: dict[str, RedFlagHit] = {}
    for flag in flags:
        candidate = (
            flag.penalty
            and _kind(flag) == "opposite"
            and flag.evidence not in flagged
            and (flag.evidence, _item(flag)) not in dismissed
        )
        if candidate and (flag.evidence not in largest or flag.penalty > largest[flag.evidence].penalty):
            largest[flag.evidence] = flag
    result = []
    for flag in flags:
        if _kind(flag) == "opposite" and largest.get(flag.evidence) is not flag:
            flag = flag.model_copy(update={"penalty": 0.0})
        result.append(flag)
    return result


def _item(flag: RedFlagHit) -> str:
    """The item a mistake about an item (`KIND:ITEM`) is about; "" for a red flag."""
    return flag.id.partition(":")[2]


def _kind(flag: RedFlagHit) -> str:
    """ "opposite", "dismissed" (mistakes about an item, `KIND:ITEM`) or "red_flag"."""
    kind, _, item = flag.id.partition(":")
    return kind if item else "red_flag"


def _wrong_decisions(claims: list[Claim]) -> set[int]:
    """The sentences that endorse a wrong decision not taken back after a challenge: they earn no item credit, in any
    step (measured: voiding only the wrong decision's own step keeps two of the six wrong but fluent pairs; the honest
    relations are the same either way, though an honest sentence with a false alarm loses what else it said)."""
    said: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.kind != "item":
            said[(claim.kind, claim.target)].append(claim)
    return {
        claim.order
        for about in said.values()
        for claim in about
        if claim.stance is Stance.ENDORSES and claim.order >= 0 and not _corrected(claim, about, about)
    }


def _corrected(mistake: Claim, later: Iterable[Claim], wrong: list[Claim]) -> bool:
    """Whether, after the interviewer challenged it, the candidate took `mistake` back: a later prompted claim that
    turns away from the wrong decision (`wrong` are its claims: rejecting or avoiding them counts) or endorses the
    item it was about."""
    for claim in later:
        if claim.order <= mistake.order or not claim.challenged:
            continue
        if claim in wrong and claim.stance in (Stance.REJECTS, Stance.AVOIDS):
            return True
        if claim not in wrong and claim.stance is Stance.ENDORSES:
            return True
    return False


def _mistake(
    kind: str, item_id: str, description: str, weight: float, claim: Claim, corrected: bool = False
) -> RedFlagHit:
    penalty = 0.0 if corrected else min(MAX_MISTAKE_PENALTY, MISTAKE_PENALTY_PER_WEIGHT * weight)
    return RedFlagHit(
        id=f"{kind}:{item_id}",
        description=description,
        penalty=penalty,
        evidence=claim.quote,
        said_in=claim.said_in,
        corrected=corrected,
    )


def step_score(items: Iterable[ItemResult], flags: Iterable[RedFlagHit]) -> int:
    """The step's score: credit earned over the weight of the items counted at this level, less red flags."""
    items = list(items)
    possible = sum(item.weight for item in items if item.counted)
    earned = sum(item.credit * item.weight for item in items)
    raw = 100.0 * earned / possible if possible else 0.0
    return round(max(0.0, min(100.0, raw) - sum(flag.penalty for flag in flags)))
