"""The stub interviewer: facts only, follow-ups on the biggest gap, never the answer, deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILT_IN_CASE_IDS, FakeClock
from interviewer.framework import STEP_IDS, Level
from interviewer.intents import asks_to_move_on
from interviewer.interview import Interview
from interviewer.policy import Action, AdvanceReason, Policy, RubricDecider, View
from interviewer.policy.facts import NOT_IN_FACTS, best_fact, clarifying_questions
from interviewer.rubric import load_case
from interviewer.transcript import Role, TurnKind

ADS = "ad-click-prediction"


def interview(tmp_path: Path, case_id: str = ADS, level: Level = Level.SENIOR, clock=None) -> Interview:
    run = Interview.create(load_case(case_id), level, Policy(), tmp_path / "t.json", clock=clock or FakeClock())
    run.start()
    return run


def interviewer_turns(run: Interview) -> list:
    return [turn for turn in run.transcript.turns if turn.role is Role.INTERVIEWER]


def test_start_states_the_problem_and_opens_requirements(tmp_path: Path) -> None:
    run = interview(tmp_path)
    intro, opening = run.transcript.turns
    assert intro.kind is TurnKind.INTRO and run.case.prompt.strip()[:60] in intro.text
    assert opening.step == "requirements" and opening.kind is TurnKind.OPENING and opening.text.endswith("?")
    assert run.start() == []  # starting twice says nothing new


def test_clarifying_question_is_answered_from_the_fact_sheet(tmp_path: Path) -> None:
    run = interview(tmp_path)
    case = run.case
    fact = case.facts[0]
    (answer,) = run.reply(f"Quick question: {fact.keywords[0]}?")
    assert answer.kind is TurnKind.CLARIFICATION
    assert best_fact(case, f"{fact.keywords[0]}?") is not None
    assert answer.text == best_fact(case, f"{fact.keywords[0]}?").answer.strip()
    assert answer.text in {f.answer.strip() for f in case.facts}


def test_question_outside_the_facts_gets_assume_what_is_reasonable(tmp_path: Path) -> None:
    run = interview(tmp_path)
    (answer,) = run.reply("What is the office dress code on Fridays?")
    assert answer.text == NOT_IN_FACTS


@pytest.mark.parametrize("case_id", BUILT_IN_CASE_IDS)
def test_every_fact_is_reachable_by_its_own_keywords(case_id: str) -> None:
    case = load_case(case_id)
    for fact in case.facts:
        assert any(best_fact(case, f"Can you tell me about the {keyword}?") == fact for keyword in fact.keywords), (
            fact.topic
        )


def test_follow_up_targets_the_heaviest_missing_item(tmp_path: Path) -> None:
    run = interview(tmp_path)
    (turn,) = run.reply("I think we should build a good system that works well for everyone involved here.")
    rubric = run.case.steps["requirements"]
    counted = [item for item in rubric.items if item.level.rank <= Level.SENIOR.rank]
    heaviest = max(counted, key=lambda item: (item.weight, -rubric.items.index(item)))
    assert turn.kind is TurnKind.FOLLOW_UP
    assert turn.item_id == heaviest.id
    assert turn.text == heaviest.follow_up


def test_at_most_two_follow_ups_then_it_moves_on(tmp_path: Path) -> None:
    run = interview(tmp_path)
    vague = "I would make sure the whole thing is reasonable and works for everyone in the company."
    kinds = [run.reply(vague)[-1].kind for _ in range(3)]
    assert kinds == [TurnKind.FOLLOW_UP, TurnKind.FOLLOW_UP, TurnKind.OPENING]
    assert run.session.phase == "framing"
    asked = [t.item_id for t in run.transcript.turns if t.kind is TurnKind.FOLLOW_UP]
    assert len(set(asked)) == 2  # never the same follow-up twice


def test_a_well_covered_step_moves_on_without_follow_ups(tmp_path: Path) -> None:
    run = interview(tmp_path)
    rubric = run.case.steps["requirements"]
    reasons = [
        "prices depend on it",
        "peak load sets the fleet size",
        "25 ms caps the model size",
        "500 candidates per request bound the work",
        "the bid multiplies the number",
        "labels take 30 minutes",
        "campaigns last days",
        "a daily model is the bar",
        "consent differs by region",
        "conversions are out of scope",
        "new ads have no clicks",
        "advertisers pay per click",
    ]
    explained = " ".join(
        f"I take it {item.signals[0]} matters here, since {reason}."
        for item, reason in zip(rubric.items, reasons, strict=False)
    )
    (turn,) = run.reply(explained)
    assert turn.kind is TurnKind.OPENING and turn.step == "framing"
    assert turn.text.startswith("Thanks, noted on ")  # the candidate's own words from the step just covered
    assert "**Frame it as an ML task**" in turn.text


def test_asking_to_move_on_moves_on(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.reply("I would first ask about the business goal and the latency budget.")
    (turn,) = run.reply("Can we move on to the next step?")
    assert run.session.phase == "framing" and turn.text.startswith(("Sure, let's move on.", "Okay, moving on."))


def test_asking_to_move_on_before_answering_is_confirmed_first(tmp_path: Path) -> None:
    run = interview(tmp_path)
    (check,) = run.reply("Can we move on to the next step?")
    assert run.session.phase == "requirements" and check.kind is TurnKind.PROMPT and check.intent == "move_on"
    assert "ask for the next step again" in check.text
    (turn,) = run.reply("Yes, next step please.")
    assert run.session.phase == "framing" and turn.kind is TurnKind.OPENING


def test_move_on_detection_ignores_long_design_answers() -> None:
    assert asks_to_move_on("Let's move on.")
    assert not asks_to_move_on("Let's not move on yet, I have more to say.")
    long_answer = " ".join(["The next step in the pipeline is the ranking stage which scores candidates."] * 3)
    assert not asks_to_move_on(long_answer)


def test_rhetorical_question_inside_an_answer_is_not_a_clarifying_question() -> None:
    answer = (
        "Why calibrate? Because the predicted probability is multiplied by the bid, so a biased estimate "
        "misprices every auction, and I would check it with reliability plots on fresh traffic."
    )
    assert clarifying_questions(answer) == []
    assert clarifying_questions("What is the latency budget? And how many ads?") != []


def test_a_very_short_reply_gets_a_nudge_not_a_follow_up(tmp_path: Path) -> None:
    run = interview(tmp_path)
    (turn,) = run.reply("hmm ok")
    assert turn.kind is TurnKind.PROMPT


def test_wrap_up_reply_closes_and_grades(tmp_path: Path) -> None:
    run = interview(tmp_path)
    while run.session.phase != "wrap_up":
        run.next_step()
    (closing,) = run.reply("With more time I would look at privacy and fairness of the targeting.")
    assert closing.kind is TurnKind.CLOSING
    assert run.done and run.transcript.grade is not None and not run.transcript.ended_early


def test_step_over_budget_moves_on_with_a_notice(tmp_path: Path) -> None:
    clock = FakeClock()
    run = interview(tmp_path, clock=clock)
    clock.advance(6 * 60)
    notice, opening = run.reply("I would start by asking about the business goal of the ads system.")
    assert notice.role is Role.SYSTEM and "passed" in notice.text
    assert opening.step == "framing" and "over time" in opening.text


@pytest.mark.parametrize("case_id", BUILT_IN_CASE_IDS)
def test_the_interviewer_never_reads_a_rubric_answer_aloud(tmp_path: Path, case_id: str) -> None:
    run = interview(tmp_path, case_id)
    for _ in range(40):
        if run.done:
            break
        run.reply("I would do something sensible here and make it work well at scale for the users.")
    said = " ".join(turn.text for turn in interviewer_turns(run))
    case = run.case
    for _, rubric in case.steps.items():
        for item in rubric.items:
            assert item.covers not in said


def test_the_stub_is_deterministic(tmp_path: Path) -> None:
    def script(directory: Path) -> list[tuple[str, str]]:
        run = interview(directory)
        for text in ["What is the latency budget?", "I would maximise revenue for advertisers.", "/"] * 6:
            if not run.done:
                run.reply(text)
        return [(t.kind.value, t.text) for t in run.transcript.turns]

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert script(tmp_path / "a") == script(tmp_path / "b")


def test_respond_decides_without_changing_the_view(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.session.reply("I would ask about how many users and the latency budget for ranking.")
    view = run.view()
    before = list(view.turns)
    decision = RubricDecider().respond(view)
    assert decision.action in (Action.STAY, Action.ADVANCE)
    assert view.turns == before


def test_open_step_uses_the_case_opening_when_there_is_one(tmp_path: Path) -> None:
    case = load_case(ADS)
    policy = RubricDecider()
    for step_id in STEP_IDS:
        text = policy.open_step(View(case, Level.SENIOR, step_id), AdvanceReason.START)
        expected = case.steps[step_id].opening
        if expected:
            assert expected in text


def test_an_uncommitted_reply_leaves_the_interview_where_it_was(tmp_path: Path) -> None:
    """What Esc relies on: planned utterances that are never committed change nothing but the candidate's turn."""
    run = interview(tmp_path)
    run.reply("I would first ask about the business goal and the latency budget.")
    before = len(run.transcript.turns)
    plan = run.plan_reply("Can we move on to the next step?")
    assert [u.kind for u in plan] == [TurnKind.OPENING] and plan[0].advance_first
    assert run.session.phase == "requirements"  # nothing moves until the opening is committed
    assert len(run.transcript.turns) == before + 1  # only the candidate's reply was recorded
    again = run.plan_reply("Let's move on please.")
    run.commit(again[0])
    assert run.session.phase == "framing"
    assert [t.kind for t in run.transcript.turns[before:]] == [TurnKind.REPLY, TurnKind.REPLY, TurnKind.OPENING]


def test_the_closing_commit_ends_and_grades(tmp_path: Path) -> None:
    run = interview(tmp_path)
    (closing,) = run.plan_end()
    assert not run.done
    run.commit(closing)
    assert run.done and run.transcript.ended_early and run.transcript.grade is not None


def test_one_question_about_two_facts_gets_both_answers(tmp_path: Path) -> None:
    run = interview(tmp_path)
    case = run.case
    latency = best_fact(case, "What is the latency budget?")
    users = best_fact(case, "How many daily active users are there?")
    assert latency is not None and users is not None and latency != users
    (answer,) = run.reply("What is the latency budget, and how many daily active users are there?")
    assert latency.answer.strip() in answer.text and users.answer.strip() in answer.text


def test_a_wrap_up_over_its_budget_closes_and_grades(tmp_path: Path) -> None:
    clock = FakeClock()
    run = interview(tmp_path, clock=clock)
    while run.session.phase != "wrap_up":
        run.next_step()
    clock.advance(3 * 60)  # the wrap-up has two minutes
    said = run.reply("With more time I would look at privacy and consent for targeting.")
    assert said[-1].kind is TurnKind.CLOSING
    assert run.done and run.transcript.grade is not None and not run.transcript.ended_early


@pytest.mark.parametrize(
    ("case_id", "question", "topic"),
    [
        # Found by a new user: the question and the fact sheet word the same thing differently.
        ("people-you-may-know", "What fraction of invites get accepted?", "label definition and outcomes"),
        ("people-you-may-know", "How long after the invite does acceptance happen?", "label delay"),
        ("street-view-blurring", "How many computers do we have?", "compute and infrastructure"),
        ("street-view-blurring", "How many people can check photos by hand?", "human review capacity"),
        ("people-you-may-know", "What privacy constraints apply?", "privacy and policy"),
    ],
)
def test_a_question_finds_its_fact_across_word_forms(case_id: str, question: str, topic: str) -> None:
    fact = best_fact(load_case(case_id), question)
    assert fact is not None and fact.topic == topic


def test_the_acknowledgement_quotes_the_candidates_words_as_written() -> None:
    """ "Thanks, noted on recall k" for "recall@k": the words are quoted as the candidate wrote them."""
    from interviewer.policy.stub import _as_written

    text = "We would track Recall@K and NDCG on a two-tower retrieval stage."
    assert _as_written(text, 3, 5) == "Recall@K"
    assert _as_written(text, 9, 11) == "two-tower"
    assert _as_written("I don't track recall@k", 4, 6) is None  # read as "do not": the places would not match
    assert _as_written("use **log** loss", 1, 3) is None  # markdown between the words is not copied into a bubble
