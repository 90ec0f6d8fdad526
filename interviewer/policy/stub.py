"""The offline interviewer: deterministic, rubric-driven, no network.

It opens each step with a question, answers clarifying questions only from the case's fact sheet, asks follow-ups
aimed at the highest-weight rubric item still missing in the step, and moves on when the step is covered well or its
follow-ups are spent. It only ever says openings, follow-up questions and facts, never what a rubric item covers.
"""

from __future__ import annotations

import dataclasses
import itertools

from interviewer.framework import STEP_BY_ID, STEP_IDS, Level
from interviewer.grading.deterministic import StepGrader
from interviewer.grading.models import Coverage, ItemResult, StepGrade
from interviewer.grading.text import Sentence, SentenceIndex, analyse, normalise, split_sentences, words
from interviewer.policy.base import Action, AdvanceReason, Decision, Policy, View
from interviewer.rubric import Case, Fact
from interviewer.transcript import Role, Turn, TurnKind

NOT_IN_FACTS = "That isn't specified. Assume what is reasonable, say your assumption out loud, and carry on."
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
_ACKNOWLEDGE = {
    AdvanceReason.START: "",
    AdvanceReason.COVERED: "Good, that covers it. ",
    AdvanceReason.FOLLOW_UPS_SPENT: "Okay, let's keep moving. ",
    AdvanceReason.CANDIDATE: "Sure, let's move on. ",
    AdvanceReason.TIME: "We're over time on that part, so let's move on. ",
}


@dataclasses.dataclass
class StubPolicy(Policy):
    max_follow_ups: int = 2
    covered_enough: int = 70  # step score at which the step counts as covered well
    name: str = "stub"
    _step: _StepLog | None = dataclasses.field(default=None, repr=False, compare=False)

    # -- the policy interface ------------------------------------------------------------------------------------

    def introduce(self, view: View) -> str:
        return (
            f"Hi, thanks for joining. Today's problem: **{view.case.title}**.\n\n{view.case.prompt.strip()}\n\n"
            "We'll go through it step by step. Ask me anything you need to clarify; I'll answer from what we know."
        )

    def open_step(self, view: View, reason: AdvanceReason) -> str:
        step = STEP_BY_ID[view.phase]
        question = step.opening if view.phase == "wrap_up" else view.case.steps[view.phase].opening or step.opening
        return f"{_ACKNOWLEDGE[reason]}**{step.title}.** {question}"

    def respond(self, view: View) -> Decision:
        step = self.step_log(view)
        reply = step.last_reply
        if view.phase == "wrap_up":
            return Decision(Action.CLOSE)
        if asks_to_move_on(reply):
            return Decision(Action.ADVANCE, reason=AdvanceReason.CANDIDATE)
        questions = clarifying_questions(reply)
        if questions:
            return Decision(Action.STAY, answer_from_facts(view.case, questions), TurnKind.CLARIFICATION)
        if len(words(reply)) < 4:
            return Decision(Action.STAY, "Take your time. Walk me through your thinking.", TurnKind.PROMPT)

        grade = self.step_grade(view)
        if grade.score >= self.covered_enough:
            return Decision(Action.ADVANCE, reason=AdvanceReason.COVERED)
        asked = step.follow_ups
        if len(asked) < self.max_follow_ups:
            target = self._follow_up_target(grade.items, asked)
            if target is not None:
                item = view.case.item(view.phase, target)
                return Decision(Action.STAY, item.follow_up, TurnKind.FOLLOW_UP, item_id=item.id)
        return Decision(Action.ADVANCE, reason=AdvanceReason.FOLLOW_UPS_SPENT)

    def close(self, view: View) -> str:
        return "Thanks, that's the end of the interview. Let's look at how it went."

    # -- helpers ---------------------------------------------------------------------------------------------------

    def step_grade(self, view: View) -> StepGrade:
        """The current step graded on the replies so far (each reply analysed once, see `StepGrader`)."""
        grader = self.step_log(view).grader
        if grader is None:
            raise KeyError(view.phase)
        return grader.grade()

    def step_log(self, view: View) -> _StepLog:
        """What the current step holds so far, brought up to date with only the turns added since the last call:
        a turn costs the same however long the interview (or the step) has run."""
        log, turns, start = self._step, view.turns, view.start
        if log is None or not log.continues(view, start):
            log = self._step = _StepLog(turns, view.phase, view.level, view.case, start)
        log.catch_up()
        return log

    @staticmethod
    def _follow_up_target(items: list[ItemResult], asked: list[str]) -> str | None:
        """The highest-weight item at or below the level still missing (then only partly covered), not yet asked."""
        for wanted in (Coverage.MISSED, Coverage.PARTIAL):
            candidates = [item for item in items if item.coverage is wanted and item.counted and item.id not in asked]
            if candidates:
                # Stable: equal weights keep the rubric's order, so the stub is deterministic.
                return max(candidates, key=lambda item: (item.weight, -items.index(item))).id
        return None


class _StepLog:
    """The current step's replies, as the stub needs them, kept up to date turn by turn."""

    def __init__(self, turns: list[Turn], phase: str, level: Level, case: Case, start: int):
        self.turns, self.phase, self.level, self.case, self.start = turns, phase, level, case, start
        self.seen = start  # turns[start:seen] are taken into account
        self.last_seen: Turn | None = None
        self.last_reply = ""
        self.follow_ups: list[str] = []
        # The wrap-up has no rubric: it is never graded as a step.
        self.grader = StepGrader(case, phase, level) if phase in STEP_IDS else None

    def continues(self, view: View, start: int) -> bool:
        """True when `view` is this step with turns only added since (a new list, phase, or a turn taken back,
        and the log starts afresh)."""
        if self.turns is not view.turns or self.case is not view.case or self.seen > len(view.turns):
            return False  # identity, not equality: comparing the lists would cost what this log saves
        if (self.phase, self.level, self.start) != (view.phase, view.level, start):
            return False
        return self.seen == self.start or self.turns[self.seen - 1] is self.last_seen

    def catch_up(self) -> None:
        for turn in itertools.islice(self.turns, self.seen, None):
            if turn.step == self.phase:
                if turn.role is Role.CANDIDATE:
                    self.last_reply = turn.text
                    if self.grader is not None:
                        asked = frozenset(self.follow_ups[-1:])  # the reply answers the latest follow-up
                        self.grader.add(turn.text, asked)
                elif turn.kind is TurnKind.FOLLOW_UP and turn.item_id:
                    self.follow_ups.append(turn.item_id)
            self.last_seen = turn
        self.seen = len(self.turns)


def asks_to_move_on(reply: str) -> bool:
    if len(words(reply)) > 25:  # a long answer that says "next step" is describing a design, not asking to move
        return False
    return bool(SentenceIndex.of([reply]).matches_any(MOVE_ON_SIGNALS))


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


def _unnegated(sentence: str) -> Sentence:
    # Questions are matched without negation handling: "is there no latency limit?" still asks about latency.
    return dataclasses.replace(analyse(sentence), negated=frozenset())


# Words that say nothing about what a question is after, left out of the word-overlap fallback.
_QUESTION_STOPWORDS = frozenset(
    normalise(
        "what which who whom whose when where why how is are was were do does did can could would should will shall "
        "there the a an of to in on for with about any some our your we you i it this that these those be been have "
        "has had and or if may might much many kind sort type know tell me us"
    )
)


def matching_facts(case: Case, question: str, most: int = 2) -> list[Fact]:
    """The facts whose keywords the question hits, best first ("latency and how many users?" asks two things).

    When no keyword phrase matches, the fact sharing the most words with the question, if it is about that fact.
    """
    index = SentenceIndex([_unnegated(question)])
    scored: list[tuple[tuple[int, int], int, Fact]] = []
    for order, fact in enumerate(case.facts):
        hits = [keyword for keyword in fact.keywords if index.matching_sentences(keyword)]
        if hits:
            scored.append(((len(hits), sum(len(words(k)) for k in hits)), -order, fact))
    if scored:
        return [fact for *_, fact in sorted(scored, key=lambda entry: entry[:2], reverse=True)[:most]]
    asked = set(normalise(question)) - _QUESTION_STOPWORDS
    overlap, found = 0, None
    for fact in case.facts:
        vocabulary = {token for text in (fact.topic, *fact.keywords) for token in normalise(text)}
        shared = len(asked & vocabulary)
        # At least half the question's own words must be about this fact, so "budget for hiring" is not "latency".
        if shared > overlap and shared * 2 >= len(asked):
            overlap, found = shared, fact
    return [found] if found else []


def best_fact(case: Case, question: str) -> Fact | None:
    facts = matching_facts(case, question, most=1)
    return facts[0] if facts else None


def answer_from_facts(case: Case, questions: list[str]) -> str:
    """Answers from the fact sheet only; whatever it does not cover is left to the candidate's assumptions."""
    answers: list[str] = []
    unanswered = False
    for question in questions[:3]:
        facts = matching_facts(case, question)
        unanswered = unanswered or not facts
        for fact in facts:
            if fact.answer.strip() not in answers:
                answers.append(fact.answer.strip())
    if not answers:
        return NOT_IN_FACTS
    if unanswered:
        answers.append("Anything else you asked isn't specified: assume what is reasonable and say so.")
    return " ".join(answers)
