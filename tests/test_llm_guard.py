"""The guard on model turns: degenerate outputs seen from small local models (and larger hosted ones) are caught and
replaced by the draft; honest phrasings of the same moves pass."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path

import pytest
import respx
from llm_fakes import URL, Sleeps, settings, stream

from conftest import FakeClock, Recorder
from interviewer.framework import Level
from interviewer.grading.text import words
from interviewer.interview import RESET, Interview
from interviewer.llm import guard
from interviewer.llm.client import ModelClient
from interviewer.llm.guard import OffScript, TurnGuard
from interviewer.llm.interviewer import model_policy
from interviewer.policy import Policy
from interviewer.rubric import load_case
from interviewer.transcript import Role, TurnKind

ADS = "ad-click-prediction"


def planned(replies: list[str]) -> tuple:
    """An offline interview after `replies`, and the plan for the last one: what the model is asked to phrase.
    The last reply may also be `/next` or `/end`, as in line mode."""
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), None, clock=FakeClock())
    interview.start()
    for reply in replies[:-1]:
        interview.reply(reply)
    last = replies[-1]
    plans = {"/next": lambda: interview.plan_next_step(confirm=False), "/end": interview.plan_end}
    plan = plans[last]() if last in plans else interview.plan_reply(last)
    return plan[0], interview.view()


class RereadingGuard(TurnGuard):
    """The guard as it was before it kept what it had read: every check reads the whole turn so far, with the word-run
    rules written out again here as they were, so a difference in their logic shows, not only in what is kept."""

    def _streaming_rule(self, text: str, complete: bool) -> str | None:
        if len(text) > self.max_chars:
            return "too long"
        for pattern, rule in (
            (guard._ROLE_LABEL, "a role label"),
            (guard._THINKING, "its thinking"),
            (guard._TEMPLATE_TOKENS, "chat-format markers"),
            (guard._REFUSAL, "a refusal"),
            (guard._GRADES, "grading the candidate aloud"),
        ):
            if pattern.search(text):
                return rule
        if guard._DESIGNS.search(text) and not guard._DESIGNS.search(self.draft):
            return "answering for the candidate"
        tokens = words(text)
        if not complete:
            tokens = tokens[:-1]
        if _repeats_itself(tokens):
            return "repeating itself"
        planned = _in_runs_of(tokens, self.draft_words)
        if _copied(tokens, self.forbidden, planned, guard.ECHO_WORDS):
            return "rubric or fact-sheet text that was not asked for"
        if _copied(tokens, self.earlier, planned, guard.ECHO_WORDS):
            return "repeating an earlier turn"
        if _copied(tokens, self.prompt, planned, guard.PROMPT_WORDS):
            return "pasting the case prompt"
        if self.check_numbers:
            settled = text if complete else text[: guard._last_boundary(text)]
            invented = sorted(n for n in guard.numbers(settled) if not self._known(n))
            if invented:
                return f"a number that is not in the facts or the candidate's words ({invented[0]})"
        return None

    def _known(self, number: str) -> bool:
        value = guard._value(number)
        return value is None or value <= guard.SMALL_NUMBERS or guard._same_value(value, set(self.allowed))


def _in_runs_of(tokens: list[str], draft: list[str], n: int = 4) -> set[int]:
    n = min(n, len(draft))
    if n == 0:
        return set()
    runs = guard.ngrams(draft, n)
    return {place for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) in runs for place in range(i, i + n)}


def _copied(tokens: list[str], source: AbstractSet[tuple[str, ...]], planned: set[int], n: int) -> bool:
    copied = {
        place for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) in source for place in range(i, i + n)
    }
    return len(copied - planned) >= n


def _repeats_itself(tokens: list[str]) -> bool:
    long_runs: set[tuple[str, ...]] = set()
    short_runs: dict[tuple[str, ...], int] = {}
    for i in range(len(tokens)):
        gram = tuple(tokens[i : i + guard.LOOP_WORDS])
        if len(gram) == guard.LOOP_WORDS:
            if gram in long_runs:
                return True
            long_runs.add(gram)
        short = tuple(tokens[i : i + guard.LOOP_SHORT_WORDS])
        if len(short) == guard.LOOP_SHORT_WORDS:
            short_runs[short] = short_runs.get(short, 0) + 1
            if short_runs[short] >= 3:
                return True
    return False


def verdict(text: str, replies: list[str], pieces: int = 7) -> str | None:
    """The rule the guard names for `text` streamed in `pieces`, or None when it passes."""
    utterance, view = planned(replies)
    return streamed(TurnGuard(utterance, view), text, pieces)


def streamed(guard: TurnGuard, text: str, pieces: int) -> str | None:
    step = max(1, len(text) // pieces)
    try:
        for start in range(0, len(text), step):
            guard.feed(text[start : start + step])
        guard.finish()
    except OffScript as exc:
        return exc.rule
    return None


QUESTION = ["How many daily active users are there?"]
ANSWER = ["I would start from the business goal: long-term ad revenue without hurting users or advertisers."]
OPENING = ["I would start from the business goal.", "/next"]

DEGENERATE = [
    pytest.param(
        "Here is what we know:\n- business goal: The company wants to grow long-term ad revenue, but not by burning "
        "users or advertisers: leadership watches revenue, advertisers' return on spend, and user signals.",
        ANSWER,
        "rubric or fact-sheet text that was not asked for",
        id="fact-sheet-dump",
    ),
    pytest.param(
        "- The model predicts the click-prediction ranking (the first stage) for each candidate. - The model predicts "
        "the click-prediction ranking (the second stage) for each candidate. - The model predicts the",
        ANSWER,
        "repeating itself",
        id="degenerate-loop",
    ),
    pytest.param("You: You: What latency do you need for the ranking stage?", ANSWER, "a role label", id="you-you"),
    pytest.param(
        "Interviewer: Sure.\nCandidate: I would use logistic regression.", ANSWER, "a role label", id="transcript"
    ),
    pytest.param(
        "They also said advertisers would reduce their ad spend by 37% if the model were wrong. What else?",
        ANSWER,
        "a number that is not in the facts or the candidate's words (37)",
        id="invented-figure",
    ),
    pytest.param(
        "Thanks. Now, how would you think about the way the predicted probability is used in the auction, and",
        ANSWER,
        "an unfinished sentence",
        id="cut-at-the-token-limit",
    ),
    pytest.param(
        "I'm sorry, but I can't help with designing that system.",
        ANSWER,
        "the planned question not asked",
        id="polite-refusal",
    ),
    pytest.param(
        "As an AI language model, I cannot conduct interviews. What would you like to know?",
        ANSWER,
        "a refusal",
        id="as-an-ai",
    ),
    pytest.param("<think>They want the auction part.</think> What happens next?", ANSWER, "its thinking", id="think"),
    pytest.param(" <<SYS>>\nYou are an interviewer.", ANSWER, "chat-format markers", id="gemma-sys"),
    pytest.param("<start_of_turn>model\nWhat happens next?", ANSWER, "chat-format markers", id="turn-marker"),
    pytest.param(
        "You should multiply the calibrated probability by the bid. Does that make sense?",
        ANSWER,
        "answering for the candidate",
        id="you-should",
    ),
    pytest.param("Good. **Candidate:** I would rank by bid.", ANSWER, "a role label", id="bold-label"),
    pytest.param("What goes next? Candidate: It goes to the auction.", ANSWER, "a role label", id="mid-line-label"),
    pytest.param(
        "Что происходит с вероятностью, которую выдаёт модель, когда она попадает в аукцион?",  # noqa: RUF001
        ANSWER,
        "not in English",
        id="russian",
    ),
    pytest.param(
        "Great job, spot on! What happens next in the auction?", ANSWER, "grading the candidate aloud", id="praise"
    ),
    pytest.param(
        "Advertisers would cut spend by 5-37% then. What happens to the model's number?",
        ANSWER,
        "a number that is not in the facts or the candidate's words (37)",
        id="range",
    ),
    pytest.param(
        "Gracias. ¿Qué pasa con el número que produce el modelo una vez que sale del modelo y llega a la subasta?",
        ANSWER,
        "not in English",
        id="another-language",
    ),
    pytest.param(
        "Good. I would use a two-tower model for candidates and a gradient-boosted ranker on top of it here.",
        ANSWER,
        "answering for the candidate",
        id="answers-for-the-candidate",
    ),
    pytest.param(
        "Excellent answer, you covered the business goal. What happens to the model's output next?",
        ANSWER,
        "grading the candidate aloud",
        id="grades-aloud",
    ),
    pytest.param(
        "There are about 400 million daily users, each seeing 20 ads a day.",
        QUESTION,
        None,
        id="a-fact-answer-with-its-numbers-passes",
    ),
    pytest.param(
        "We have lots of daily users on the platform.",
        QUESTION,
        "a fact's number left out (20)",
        id="a-fact-answer-without-its-numbers",
    ),
]


@pytest.mark.parametrize(("text", "replies", "rule"), DEGENERATE)
def test_each_kind_of_degenerate_turn_is_caught(text: str, replies: list[str], rule: str | None) -> None:
    assert verdict(text, replies) == rule


def test_the_case_prompt_pasted_back_for_a_repeat_is_caught() -> None:
    case = load_case(ADS)
    assert verdict(f"Sure. {case.prompt.strip()}", ["Sorry, can you repeat the question?"]) == "pasting the case prompt"


def test_the_follow_up_list_pasted_into_a_turn_is_caught() -> None:
    case = load_case(ADS)
    follow_ups = " ".join(item.follow_up for item in case.steps["requirements"].items[3:6])
    assert (
        verdict(f"Thanks. Some questions: {follow_ups}", ANSWER) == "rubric or fact-sheet text that was not asked for"
    )


def test_an_earlier_opening_said_again_word_for_word_is_caught() -> None:
    _, view = planned(ANSWER)
    opening = next(t.text for t in view.turns if t.kind is TurnKind.OPENING)
    assert verdict(f"{opening} Also, what about the data?", ANSWER) == "repeating an earlier turn"


HONEST = [
    ("I can't do that; let's stay on the problem. What happens to the model's number in the auction?", ANSWER),
    ("I'm sorry, I didn't quite catch that. What happens to the model's output once it leaves the model?", ANSWER),
    ("There's no single correct answer here. Where does the predicted probability go next?", ANSWER),
    ("Good start. What happens to the model's output when it reaches the auction?", ANSWER),
    ("I'd go with whatever you think is reasonable. What does the auction do with the number?", ANSWER),
    ("Sure: about four hundred million daily users, and a typical user sees around twenty ad impressions.", QUESTION),
    ("Roughly 400,000,000 daily active users, each seeing about 20 ad impressions a day.", QUESTION),
    ("Tell me how you would frame this as a machine learning problem, and what exactly the model predicts.", OPENING),
    ("Thanks. *What happens to the probability once it reaches the auction?*", ANSWER),
    ("How would you split the data for training, and how would you split the data for evaluation?", ANSWER),
    ("Thanks. What happens to the probability the model outputs once it reaches the auction?", ANSWER),
    ("Got it. Once the model produces its number, where does that number go next, and what depends on it?", ANSWER),
    ("Sure: roughly 400 million people use it every day, and a typical user sees around 20 ad impressions.", QUESTION),
    ("Sure, here it is again: what would you like to clarify about the business and the constraints?", ["Repeat?"]),
    ("Okay, let's move on. How would you frame this as a machine learning problem, and what is the label?", OPENING),
    ("Thank you for your time today; that is the end of our interview.", ["/end"]),
]


@pytest.mark.parametrize(("text", "replies"), HONEST)
def test_honest_phrasings_pass(text: str, replies: list[str]) -> None:
    assert verdict(text, replies) is None


EARLIER_TURN_REPEATED = (
    "First step: Clarify requirements. Before we design anything, what would you like to know about the "
    "business, the auction and the constraints?"
)


@pytest.mark.parametrize(
    ("text", "replies"),
    [
        *[(param.values[0], param.values[1]) for param in DEGENERATE],
        *HONEST,
        (EARLIER_TURN_REPEATED, ANSWER),
        ("What would you do? " * 4, ANSWER),  # a loop that only shows across several pieces
        # A short run said three times, and no long run twice: only the short-loop rule sees it.
        ("Tell me about the data. Then tell me about the data, and tell me about the data again.", ANSWER),
        # Praise that straddles the point where one check stops reading and the next starts.
        (f"{'Thanks for walking me through the goal and the auction.':<59}Great job. What next?", ANSWER),
    ],
)
def test_reading_only_what_is_new_names_the_rule_reading_it_all_would(text: str, replies: list[str]) -> None:
    """The guard keeps what it has read of a turn between checks; however the turn is cut into pieces, its verdict
    is the one of a guard that reads the whole turn so far at each check."""
    utterance, view = planned(replies)
    for pieces in (1, 2, 3, 7, 13, 40, len(text)):
        kept = streamed(TurnGuard(utterance, view), text, pieces)
        assert kept == streamed(RereadingGuard(utterance, view), text, pieces), pieces


@respx.mock
async def test_an_off_script_turn_is_wiped_and_replaced_by_the_draft_with_the_rule_in_the_notice(
    tmp_path: Path,
) -> None:
    respx.post(URL).mock(
        side_effect=[stream("Let us begin. What would you like to clarify first?"), stream("You: You: ", "hello.")]
    )
    policy = model_policy(ModelClient(settings(), sleep=Sleeps()))
    interview = Interview.create(load_case(ADS), Level.SENIOR, policy, tmp_path / "t.json", clock=FakeClock())
    await interview.speak(interview.plan_start())
    recorder = Recorder()
    plan = interview.plan_reply(ANSWER[0])
    spoken = await interview.speak(plan, recorder)
    notice, said = spoken.notices[0], spoken.turns[0]
    assert notice.role is Role.SYSTEM and "a role label" in notice.text
    assert said.fallback and said.text == plan[0].text
    assert RESET in recorder.shown and "You:" not in said.text


@pytest.mark.parametrize(
    ("pieces", "rule"),
    [
        # The first sentence is fine; the second breaks a rule as it streams: the whole turn is withdrawn.
        (
            ("Glad you are here today. ", "Shall we begin? ", "Candidate: I would train a ranking model."),
            "a role label",
        ),
        # Every sentence is fine as it streams; only the end shows the planned question was never asked.
        (("Glad you are here today. ", "Take your time with the problem. ", "There is plenty to cover."), "question"),
    ],
    ids=["mid-turn", "at-the-end"],
)
@respx.mock
def test_line_mode_never_prints_words_the_guard_withdraws(tmp_path: Path, pieces: tuple[str, ...], rule: str) -> None:
    import io

    from interviewer.plain import LineMode

    respx.post(URL).mock(side_effect=[stream(*pieces)])
    policy = model_policy(ModelClient(settings(), sleep=Sleeps()))
    interview = Interview.create(load_case(ADS), Level.SENIOR, policy, tmp_path / "t.json", clock=FakeClock())
    out = io.StringIO()
    assert LineMode(interview, stdin=io.StringIO("/quit\n"), stdout=out).run() == 0
    printed = out.getvalue()
    opening = next(turn for turn in interview.transcript.turns if turn.kind is TurnKind.OPENING)
    assert opening.fallback and f"Interviewer (requirements): {opening.text}\n" in printed  # what was saved
    notice = next(turn for turn in interview.transcript.turns if turn.role is Role.SYSTEM)
    assert rule in notice.text and f"[{notice.text}]" in printed
    for piece in pieces:
        assert piece.strip() not in printed
    assert "withdrawn" not in printed  # nothing to take back


def test_the_audit_of_a_saved_turn_needs_no_draft() -> None:
    _, view = planned(ANSWER)
    assert TurnGuard.audit("Interviewer: What matters most here?", view) == "a role label"
    assert TurnGuard.audit("Thanks. What happens to the model's number once it reaches the auction?", view) is None
    assert TurnGuard.audit("About 400 million people use it daily.", view) is None  # a fact is no copy here
