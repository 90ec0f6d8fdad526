"""The offline interviewer's decisions: deterministic, rubric-driven, no network.

It opens each step with a question, handles what the candidate asks of it (repeat, explain, a hint, "I don't know",
the time: `interviewer.intents`), answers clarifying questions only from the case's fact sheet, pushes back once a step
on a decision the grader reads as a red flag or a dismissed item, asks follow-ups aimed at the highest-weight rubric
item still missing (anywhere in the interview so far), and moves on when the step is covered well or its follow-ups
are spent. It only ever says openings, follow-up questions and facts, never what a rubric item covers. The same
decisions drive the model-backed interviewer: only the voice differs (`interviewer.policy.Policy`).
"""

from __future__ import annotations

import dataclasses
import itertools

from interviewer.framework import STEP_BY_ID, STEP_IDS, Level, introduction
from interviewer.grading.claims import retracts
from interviewer.grading.deterministic import InterviewGrader, compiled, mistakes_said
from interviewer.grading.models import Coverage, ItemResult, StepGrade
from interviewer.grading.replies import ReplyReader
from interviewer.grading.text import SentenceIndex, analyse, normalise, word_spans, words
from interviewer.intents import Intent, asks_to_move_on
from interviewer.policy import voice
from interviewer.policy.base import Action, AdvanceReason, Decision, View, opening_question
from interviewer.policy.facts import answer_from_facts, clarifying_questions
from interviewer.rubric import Case, Curveball
from interviewer.transcript import Role, Turn, TurnKind

__all__ = ["RubricDecider", "readable"]

# Short quotes: a pushback quotes the candidate's sentence, cut to this many words.
QUOTE_WORDS = 24
PHRASE_MAX_WORDS = 4


@dataclasses.dataclass
class RubricDecider:
    """The `Decider` of both interviewers. It keeps the interview's running grade and the current step's log, each
    brought up to date with only the turns added since the last call."""

    max_follow_ups: int = 2
    covered_enough: int = 70  # step score at which the step counts as covered well
    max_requests: int = 3  # requests in a row (repeat, hint...) answered before the interviewer moves on
    _step: _StepLog | None = dataclasses.field(default=None, repr=False, compare=False)
    _run: _Running | None = dataclasses.field(default=None, repr=False, compare=False)

    # -- the decider interface -----------------------------------------------------------------------------------

    def introduce(self, view: View) -> str:
        return introduction(view.case.title, view.case.prompt)

    def open_step(self, view: View, reason: AdvanceReason) -> str:
        step = STEP_BY_ID[view.phase]
        turn = _phrasing_index(view)
        ack = voice.acknowledge(reason, turn, self._closing_phrase(view, reason))
        first = not any(t.kind is TurnKind.OPENING for t in view.turns)
        note = ""
        # Before any reply nothing can be covered: the case's grader is compiled at the first reply, not before the
        # first question (it cost the app's first question ~20 ms).
        replied = any(t.role is Role.CANDIDATE for t in view.turns)
        if view.phase in STEP_IDS and replied:
            grade = self.running_grade(view).grade(view.phase)
            if grade.ids(Coverage.COVERED) or grade.ids(Coverage.PARTIAL):  # touched on, even if not yet explained
                note = voice.already_touched(turn)
        return f"{ack}{voice.transition(step, turn, first)}{note}{opening_question(view.case, view.phase)}"

    def respond(self, view: View) -> Decision:
        self.running_grade(view)  # read every reply as it comes, so no later turn pays for a backlog
        decision = self._decide(view)
        step = self.step_log(view)
        answered_challenge = (
            step.after_pushback and not step.last_intent and decision.kind is not TurnKind.CLARIFICATION
        )
        if answered_challenge and decision.action is Action.STAY and decision.text:
            # The candidate answered a challenge: acknowledge it before going on, as a person would.
            thanks = "Thanks for reconsidering. " if retracts(step.last_reply) else "Okay, noted. "
            return dataclasses.replace(decision, text=thanks + decision.text)
        return decision

    def _decide(self, view: View) -> Decision:
        step = self.step_log(view)
        reply = step.last_reply
        intent = step.last_intent
        if view.phase == "wrap_up":
            if intent in (Intent.TIME, Intent.REPEAT, Intent.MEANING) and not step.handled_in_wrap_up:
                return self._answer_intent(view, step, Intent(intent))
            return Decision(Action.CLOSE)
        if intent == Intent.MOVE_ON or (intent is None and asks_to_move_on(reply)):
            if not view.answered and not step.skip_offered:
                return Decision(Action.STAY, self.confirm_skip(view), TurnKind.PROMPT, intent=Intent.MOVE_ON)
            return Decision(Action.ADVANCE, reason=AdvanceReason.CANDIDATE)
        if intent is not None:
            if step.requests > self.max_requests and intent in _REQUESTS:
                # Asked again and again for the question, a hint or the rubric: an interviewer moves the
                # interview on rather than repeat itself all step long.
                return Decision(Action.ADVANCE, reason=AdvanceReason.FOLLOW_UPS_SPENT, intent=intent)
            return self._answer_intent(view, step, Intent(intent))
        questions = clarifying_questions(reply)
        if questions:
            return Decision(Action.STAY, answer_from_facts(view.case, questions), TurnKind.CLARIFICATION)
        unreadable = not readable(reply, view.case)
        if len(words(reply)) < 4 or unreadable:
            nudge = voice.nudge(view.question, step.nudges, unreadable=unreadable)
            return Decision(Action.STAY, nudge, TurnKind.PROMPT)

        grade = self.step_grade(view)
        challenge = self._pushback(view, step, grade, reply)
        if challenge is not None:
            return challenge
        ball = self._curveball(view)
        if ball is not None:
            return Decision(Action.STAY, ball.says, TurnKind.CURVEBALL, item_id=ball.id)
        if grade.score >= self.covered_enough:
            return Decision(Action.ADVANCE, reason=AdvanceReason.COVERED)
        asked = step.follow_ups
        if len(asked) < self.max_follow_ups:
            target = self._follow_up_target(grade.items, asked)
            if target is not None:
                item = view.case.item(view.phase, target)
                return Decision(Action.STAY, item.follow_up, TurnKind.FOLLOW_UP, item_id=item.id)
        return Decision(Action.ADVANCE, reason=AdvanceReason.FOLLOW_UPS_SPENT)

    def confirm_skip(self, view: View) -> str:
        return voice.confirm_skip(view.phase, view.question)

    def close(self, view: View) -> str:
        return "Thanks, that's the end of the interview. Let's look at how it went."

    # -- intents and pushback --------------------------------------------------------------------------------------

    def _answer_intent(self, view: View, step: _StepLog, intent: Intent) -> Decision:
        turn = _phrasing_index(view)
        current = STEP_BY_ID[view.phase]
        question = view.question
        stay = Action.STAY

        def said(text: str, kind: TurnKind = TurnKind.PROMPT, item_id: str | None = None) -> Decision:
            return Decision(stay, text, kind, item_id=item_id, intent=intent)

        if intent is Intent.REPEAT:
            last = _last_said(view)
            asks_question = "question" in step.last_reply.lower()  # "repeat the question": the question alone
            if last is not None and last.kind is TurnKind.CLARIFICATION and not asks_question:  # "repeat that"
                return said(voice.repeat_answer(last.text, question, turn))
            return said(voice.repeat(question, turn))
        if intent is Intent.MEANING:
            if _asked_last(view) is TurnKind.PUSHBACK:  # "what do you mean?" to a challenge: say what is challenged
                return said(voice.meaning_of_challenge(question, turn))
            return said(voice.meaning(current, question, turn))
        if intent is Intent.TIME:
            return said(voice.time_left(view.elapsed, current, view.step_elapsed))
        if intent is Intent.THINKING:
            return said(voice.thinking(turn))
        if intent is Intent.SMALL_TALK:
            return said(voice.small_talk(step.last_reply, question, turn))
        target = self._next_follow_up(view, step)
        if intent is Intent.HINT:
            if step.intents.count(Intent.HINT) <= 1 or target is None:
                return said(voice.decline_hint(current, turn))
            return said(voice.narrow(target[1], turn), TurnKind.FOLLOW_UP, target[0])
        # I don't know: a simpler angle first (the follow-up on the biggest gap, or before any answer the step's
        # angle, since a follow-up may build on an answer not given), then move on.
        if step.intents.count(Intent.DONT_KNOW) <= 1 and not view.answered:
            return said(voice.dont_know_yet(current, turn))
        if step.intents.count(Intent.DONT_KNOW) <= 1 and target is not None:
            return said(voice.dont_know(target[1], turn), TurnKind.FOLLOW_UP, target[0])
        return Decision(Action.ADVANCE, reason=AdvanceReason.FOLLOW_UPS_SPENT, intent=intent)

    def _next_follow_up(self, view: View, step: _StepLog) -> tuple[str, str] | None:
        if view.phase not in STEP_IDS or len(step.follow_ups) >= self.max_follow_ups:
            return None
        target = self._follow_up_target(self.step_grade(view).items, step.follow_ups)
        if target is None:
            return None
        return target, view.case.item(view.phase, target).follow_up

    def _pushback(self, view: View, step: _StepLog, grade: StepGrade, reply: str) -> Decision | None:
        """At most once a step: challenge a red flag or an item's opposite that the latest reply endorsed, whichever
        step of the rubric it belongs to, or the dismissal of an important item of this step that is still missed
        (a dismissal read in a sentence that covers the item some other way is not worth a challenge)."""
        if step.pushed_back:
            return None
        missed = set(grade.ids(Coverage.MISSED))
        for claim in mistakes_said(view.case, reply, view.phase):
            dismissed = claim.kind == "item"
            if dismissed and (claim.step != view.phase or claim.target not in missed):
                continue
            target = (
                claim.target
                if claim.kind == "red_flag"
                else f"{'dismissed' if dismissed else claim.kind}:{claim.target}"
            )
            challenge = _challenge_of(view.case, claim.step, claim.target) if claim.kind == "red_flag" else None
            text = voice.pushback(_shortened(claim.quote), dismissed, _phrasing_index(view), challenge)
            return Decision(Action.STAY, text, TurnKind.PUSHBACK, item_id=target)
        return None

    @staticmethod
    def _curveball(view: View) -> Curveball | None:
        """The case's requirement change for this step and level, once per interview, after the first answer."""
        for ball in view.case.curveballs:
            if ball.step == view.phase and view.level in ball.levels:
                if any(t.kind is TurnKind.CURVEBALL and t.item_id == ball.id for t in view.step_turns):
                    continue
                return ball
        return None

    def _closing_phrase(self, view: View, reason: AdvanceReason) -> str | None:
        """A few of the candidate's own words from the step that just ended well, to acknowledge it."""
        log = self._step
        if reason is not AdvanceReason.COVERED or log is None or log.phase not in STEP_IDS or not log.last_reply:
            return None
        for item in self.running_grade(view).grade(log.phase).items:
            if item.coverage is Coverage.COVERED and item.evidence and item.evidence in log.last_reply:
                phrase = _said_phrase(view.case, log.phase, item.id, item.evidence)
                if phrase:
                    return phrase
        return None

    # -- helpers ---------------------------------------------------------------------------------------------------

    def step_grade(self, view: View) -> StepGrade:
        """The current step graded on every reply so far, this step's and earlier ones (each analysed once)."""
        if view.phase not in STEP_IDS:
            raise KeyError(view.phase)
        return self.running_grade(view).grade(view.phase)

    def running_grade(self, view: View) -> InterviewGrader:
        """The interview's running grade, brought up to date with the turns added since the last call (started
        afresh for another transcript, or when turns were taken back)."""
        run = self._run
        if run is None or not run.continues(view):
            run = self._run = _Running(view.turns, view.case, view.level)
        run.catch_up()
        return run.grader

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
    """What the current step holds, as the stub needs it, kept up to date turn by turn. The grade comes from the
    interview's running grade (`_Running`), which reads every step: an item covered anywhere is never asked about
    again, and a step the candidate already answered while jumping ahead ends sooner."""

    def __init__(self, turns: list[Turn], phase: str, level: Level, case: Case, start: int):
        self.turns, self.phase, self.level, self.case, self.start = turns, phase, level, case, start
        self.seen = start  # turns[start:seen] are taken into account
        self.last_seen: Turn | None = None
        self.last_reply = ""
        self.last_intent: str | None = None
        self.intents: list[str] = []
        self.requests = 0  # requests about the question (repeat, meaning, hint) since the last answer
        self.follow_ups: list[str] = []
        self.pushed_back = False
        self.after_pushback = False  # the interviewer's last words in the step were a pushback
        self.nudges = 0  # "take your time" prompts in this step
        self.skip_offered = False  # the interviewer asked to confirm a skip, and nothing was answered since
        self.handled_in_wrap_up = False

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
                    self.last_reply, self.last_intent = turn.text, turn.intent
                    if turn.intent:
                        self.intents.append(turn.intent)
                        self.requests += turn.intent in _REQUESTS
                    else:
                        self.requests, self.skip_offered = 0, False
                elif turn.role is Role.INTERVIEWER:
                    self.after_pushback = turn.kind is TurnKind.PUSHBACK
                    self.nudges += turn.kind is TurnKind.PROMPT and not turn.intent
                    if turn.kind is TurnKind.FOLLOW_UP and turn.item_id:
                        self.follow_ups.append(turn.item_id)
                    elif turn.kind is TurnKind.PUSHBACK:
                        self.pushed_back = True
                    if turn.intent == Intent.MOVE_ON:
                        self.skip_offered = True
                    elif turn.intent and self.phase == "wrap_up":
                        self.handled_in_wrap_up = True
            self.last_seen = turn
        self.seen = len(self.turns)


# Short common English words: a reply with none of them (nor any word of the case) is not words.
_COMMON = frozenset(
    normalise(
        "i we you it they he she this that the a an and or but so if then is are was be do does did not no yes would "
        "will can could should use using make need want think know have has with for to of in on at by from as what "
        "how why when which where who my our your their all some more less than just like one two data model user"
    )
)
# Asking about the question instead of answering it; several in a row and the interviewer moves on.
_REQUESTS = frozenset({Intent.REPEAT, Intent.MEANING, Intent.HINT})


def _asked_last(view: View) -> TurnKind | None:
    """The kind of the interviewer's latest question turn in this step (follow-up, challenge, opening...)."""
    for turn in reversed(view.step_turns):
        if (
            turn.role is Role.INTERVIEWER
            and turn.kind is not TurnKind.CLARIFICATION
            and turn.kind is not TurnKind.NOTICE
        ):
            return turn.kind
    return None


def _last_said(view: View) -> Turn | None:
    """The interviewer's turn just before the candidate's latest reply (the one being answered)."""
    for turn in reversed(view.step_turns[:-1]):
        if turn.role is Role.INTERVIEWER:
            return turn
    return None


class _Running:
    """The interview's running grade (`InterviewGrader`) and how far into the turns it has read."""

    def __init__(self, turns: list[Turn], case: Case, level: Level):
        self.turns, self.case, self.level = turns, case, level
        self.grader = InterviewGrader(case, level)
        self.reader = ReplyReader()
        self.seen = 0
        self.last_seen: Turn | None = None

    def continues(self, view: View) -> bool:
        if self.turns is not view.turns or self.case is not view.case or self.level != view.level:
            return False  # identity, not equality: comparing the lists would cost what this saves
        return self.seen <= len(view.turns) and (self.seen == 0 or view.turns[self.seen - 1] is self.last_seen)

    def catch_up(self) -> None:
        for turn in itertools.islice(self.turns, self.seen, None):
            reply = self.reader.read(turn)
            if reply is not None and reply.step in STEP_IDS:
                self.grader.add(reply)
            self.last_seen = turn
        self.seen = len(self.turns)


def _challenge_of(case: Case, step_id: str, flag_id: str) -> str | None:
    """The case author's pushback for a red flag, if it has one."""
    return next((flag.challenge for flag in case.steps[step_id].red_flags if flag.id == flag_id), None)


def _phrasing_index(view: View) -> int:
    """Which of several phrasings to use: where the step starts plus the interviewer's turns in it, so the next
    answer in a step never uses the same words, and the same transcript always gets the same ones."""
    return view.start + sum(1 for turn in view.step_turns if turn.role is Role.INTERVIEWER)


def readable(reply: str, case: Case) -> bool:
    """Whether a reply is words at all: some of them are common English or the case's own vocabulary."""
    tokens = normalise(reply)
    if len(tokens) < 2:
        return True
    known = sum(1 for token in tokens if token in _COMMON or token in compiled(case).vocabulary)
    return known * 4 >= len(tokens)


def _shortened(sentence: str) -> str:
    said = sentence.split()
    return " ".join(said) if len(said) <= QUOTE_WORDS else " ".join(said[:QUOTE_WORDS]) + " ..."


def _said_phrase(case: Case, step_id: str, item_id: str, evidence: str) -> str | None:
    """The candidate's own words where one of the item's short signals matched in `evidence` (never the rubric's)."""
    sentence = analyse(evidence)
    raw = words(evidence)
    if len(raw) != len(sentence.tokens):
        return None
    index = SentenceIndex([sentence])
    for signal in case.item(step_id, item_id).signals:
        if "&" in signal or len(signal.split()) > PHRASE_MAX_WORDS:
            continue
        for _, parts in index.spans(signal):
            start, end = parts[0]
            if start not in sentence.negated:
                return _as_written(evidence, start, end) or " ".join(raw[start:end])
    return None


_JOINERS = frozenset("-@/+.'")  # what joins words into one term as written ("recall@k", "two-tower", "p/99")


def _as_written(text: str, start: int, end: int) -> str | None:
    """Words `start` to `end` of `text` as the candidate wrote them ("recall@k", "two-tower"), not as the grader reads
    them ("recall k"); None when the text was read with words of its own (a contraction spelled out)."""
    spans = word_spans(text)
    if spans is None:
        return None
    between = (text[spans[i][1] : spans[i + 1][0]] for i in range(start, end - 1))
    if not all(gap == " " or (gap and set(gap) <= _JOINERS) for gap in between):
        return None  # markdown, a line break or a bullet inside the words: not fit to quote in a bubble
    return text[spans[start][0] : spans[end - 1][1]]
