"""The offline interviewer as a person across the table: intents, complete fact answers, pushback, flow, memory,
voice. Each test drives a real `Interview` on the stub, as line mode and the app do."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, FakeClock
from interviewer.errors import RubricError
from interviewer.framework import STEP_BY_ID, Level
from interviewer.grading.claims import Reply, challenged_ids
from interviewer.grading.deterministic import grade_replies, grade_step
from interviewer.grading.models import Coverage
from interviewer.intents import Intent, intent_of
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.policy.facts import NOT_IN_FACTS, answer_from_facts, question_parts
from interviewer.rubric import load_case, load_case_file
from interviewer.transcript import Role, TurnKind

ADS = "ad-click-prediction"
HARM = "harmful-content-detection"
VIDEO = "video-recommendation"


def interview(tmp_path: Path, case_id: str = ADS, clock: FakeClock | None = None) -> Interview:
    run = Interview.create(load_case(case_id), Level.SENIOR, Policy(), tmp_path / "t.json", clock=clock or FakeClock())
    run.start()
    return run


def said(run: Interview, text: str):
    (turn,) = run.reply(text)
    return turn


def broken_case_error(tmp_path: Path, old: str, new: str) -> str:
    """The error of loading the ad-click case with `old` replaced by `new` (which must occur in it)."""
    source = (ROOT / "rubrics" / f"{ADS}.yaml").read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / f"{ADS}.yaml"
    path.write_text(source.replace(old, new), encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_case_file(path)
    return str(caught.value)


def reply_turn(run: Interview, text: str):
    return next(t for t in reversed(run.transcript.turns) if t.role is Role.CANDIDATE and t.text == text)


# -- recognising intents ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("Sorry, can you repeat the question?", Intent.REPEAT),
        ("Could you say that again?", Intent.REPEAT),
        ("What do you mean by the handful?", Intent.MEANING),
        ("I'm not sure what you are asking.", Intent.MEANING),
        ("Could you clarify what you mean?", Intent.MEANING),
        ("Can you clarify that?", Intent.MEANING),
        ("Can you give me a hint?", Intent.HINT),
        ("What are you looking for exactly?", Intent.HINT),
        ("I don't know, honestly", Intent.DONT_KNOW),
        ("No idea.", Intent.DONT_KNOW),
        ("How much time do we have left?", Intent.TIME),
        ("Hmm, let me think.", Intent.THINKING),
        ("Thanks!", Intent.SMALL_TALK),
        ("Can we move on to the next step?", Intent.MOVE_ON),
    ],
)
def test_requests_to_the_interviewer_are_recognised(reply: str, intent: Intent) -> None:
    assert intent_of(reply) is intent


@pytest.mark.parametrize(
    "reply",
    [
        "How often do we repeat training?",  # a fact question that says "repeat"
        "What is the latency budget?",
        "I'm not sure whether a GBDT or a two-tower model is better here; I would start with the GBDT because the "
        "features are tabular and it trains in minutes.",
        "Let's not move on yet, I have more to say.",
        "Thanks to the auction, the predicted probability must be calibrated.",  # an answer that starts with thanks
        "Could you clarify the latency budget for the ranking stage?",  # a fact question that says "clarify"
    ],
)
def test_answers_and_fact_questions_are_not_intents(reply: str) -> None:
    assert intent_of(reply) is None


# -- answering them --------------------------------------------------------------------------------------------------


def test_repeat_says_the_current_question_again_and_is_recorded(tmp_path: Path) -> None:
    run = interview(tmp_path)
    opening = run.case.steps["requirements"].opening or STEP_BY_ID["requirements"].opening
    turn = said(run, "Sorry, can you repeat the question?")
    assert opening in turn.text and turn.intent == "repeat" and turn.step == "requirements"
    assert reply_turn(run, "Sorry, can you repeat the question?").intent == "repeat"
    assert NOT_IN_FACTS not in turn.text


def test_what_do_you_mean_after_a_challenge_explains_the_challenge_and_repeat_says_it_again(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("framing")
    challenge = said(
        run, "I would predict the click probability. Calibration does not matter here since only order counts."
    )
    assert challenge.kind is TurnKind.PUSHBACK
    meaning = said(run, "Could you clarify what you mean?")
    assert "Calibration does not matter here" in meaning.text and "questioning" in meaning.text
    assert not meaning.text.count("push on")  # the challenge's opener is not said twice
    again = said(run, "Can you repeat that?")
    assert "Calibration does not matter here" in again.text


def test_repeat_after_a_follow_up_repeats_the_follow_up(tmp_path: Path) -> None:
    run = interview(tmp_path)
    follow_up = said(run, "I would ask about the number of users and then design the model directly.")
    assert follow_up.kind is TurnKind.FOLLOW_UP
    turn = said(run, "Could you say that again?")
    assert run.case.item("requirements", follow_up.item_id).follow_up in turn.text


def test_what_do_you_mean_rephrases_with_the_step_angle_not_the_rubric(tmp_path: Path) -> None:
    run = interview(tmp_path)
    turn = said(run, "What do you mean?")
    assert turn.intent == "meaning" and "business goal" in turn.text.lower()
    for item in run.case.steps["requirements"].items:
        assert item.covers not in turn.text


def test_a_hint_is_declined_then_narrowed_without_naming_the_item(tmp_path: Path) -> None:
    run = interview(tmp_path)
    first = said(run, "Can you give me a hint?")
    assert first.intent == "hint" and first.kind is TurnKind.PROMPT and "?" in first.text
    second = said(run, "Any hint at all?")
    assert second.kind is TurnKind.FOLLOW_UP and second.item_id
    item = run.case.item("requirements", second.item_id)
    assert item.follow_up in second.text and item.covers not in second.text


def test_i_dont_know_is_acknowledged_then_moves_on(tmp_path: Path) -> None:
    run = interview(tmp_path)
    said(run, "We need the business goal first: revenue, advertiser value and user experience all matter here.")
    first = said(run, "I don't know, honestly")
    assert first.intent == "dont_know" and first.text.startswith(("That's fine", "No problem"))
    assert run.session.phase == "requirements"
    second = said(run, "No idea.")
    assert run.session.phase == "framing" and second.kind is TurnKind.OPENING


def test_the_time_answer_comes_from_the_clock(tmp_path: Path) -> None:
    clock = FakeClock()
    run = interview(tmp_path, clock=clock)
    clock.advance(3 * 60)
    turn = said(run, "How much time do we have left?")
    assert "about 3 minutes in" in turn.text and "about 42 of 45 left" in turn.text
    assert "about 2 more minutes" in turn.text  # requirements has a 5 minute budget


def test_repeat_that_after_a_fact_answer_repeats_the_answer_and_the_open_question(tmp_path: Path) -> None:
    """A new user asked "can you repeat that?" after the latency answer and got the step's question instead."""
    run = interview(tmp_path)
    answer = said(run, "What is the latency budget?")
    assert answer.kind is TurnKind.CLARIFICATION and "100 ms" in answer.text
    again = said(run, "Sorry, can you repeat that?")
    assert answer.text in again.text and again.text.rstrip().endswith("?") and again.intent == "repeat"
    question = said(run, "Can you repeat the question?")  # asked for the question: the question alone
    assert answer.text not in question.text and question.text.rstrip().endswith("?")


def test_the_time_answer_gives_the_steps_time_even_in_the_first_minute(tmp_path: Path) -> None:
    """A new user who moved on fast asked in step 5 and heard only "We've only just started"."""
    run = interview(tmp_path)
    run.advance_to("evaluation")
    turn = said(run, "How much time is left?")
    assert "only just started" in turn.text and "For evaluation I'd plan about 7 more minutes." in turn.text


def test_thinking_aloud_and_small_talk_get_a_brief_answer_that_steers_back(tmp_path: Path) -> None:
    run = interview(tmp_path)
    assert said(run, "Hmm, let me think.").text.startswith(("Sure, take your time", "Take a moment"))
    turn = said(run, "Thanks!")
    assert turn.intent == "small_talk" and turn.text.endswith("?")


# -- complete fact answers -------------------------------------------------------------------------------------------


def test_a_question_in_several_parts_is_split() -> None:
    assert question_parts("posts per day, what share is violating, how many reviewers?") == [
        "posts per day",
        "what share is violating",
        "how many reviewers",
    ]
    assert question_parts("What is the business goal, and is there an existing system?") == [
        "What is the business goal",
        "is there an existing system",
    ]
    assert question_parts("What are the latency and throughput requirements?") == [
        "What are the latency and throughput requirements"
    ]


def test_every_covered_part_is_answered_and_none_is_called_unspecified() -> None:
    case = load_case(HARM)
    answer = answer_from_facts(case, ["posts per day, what share is violating, how many reviewers?"])
    for fact_topic in ("volume", "prevalence", "human review"):
        fact = next(f for f in case.facts if fact_topic in f.topic.lower())
        assert fact.answer.strip() in answer
    assert "isn't specified" not in answer


def test_only_the_uncovered_part_is_left_to_assumptions_by_name() -> None:
    case = load_case(HARM)
    answer = answer_from_facts(case, ["How many posts per day, and what is the office dress code?"])
    volume = next(f for f in case.facts if f.topic == "volume")
    assert volume.answer.strip() in answer
    assert '"what is the office dress code": that isn\'t specified' in answer


# -- pushback --------------------------------------------------------------------------------------------------------


def test_a_clearly_wrong_decision_is_challenged_once_a_step(tmp_path: Path) -> None:
    run = interview(tmp_path, HARM)
    run.advance_to("evaluation")
    turn = said(run, "We should ship if accuracy is above 95 percent, no A/B test needed.")
    assert turn.kind is TurnKind.PUSHBACK and turn.item_id and "You said" in turn.text
    later = said(run, "Also we would split at random across all days for validation.")
    assert later.kind is not TurnKind.PUSHBACK  # at most one pushback in a step


def test_a_mistake_named_to_avoid_is_not_challenged(tmp_path: Path) -> None:
    run = interview(tmp_path, HARM)
    turn = said(run, "A common mistake is to split at random across all days, which leaks the future; I never would.")
    assert turn.kind is not TurnKind.PUSHBACK


# -- flow and memory -------------------------------------------------------------------------------------------------


def test_next_right_after_the_interviewer_moved_on_does_not_skip_the_unseen_step(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.reply("I would first ask about the business goal and the latency budget.")
    run.next_step()  # answered requirements, so this moves on
    assert run.session.phase == "framing"
    (check,) = run.next_step()
    assert run.session.phase == "framing" and check.intent == "move_on" and "Frame it as an ML task" in check.text
    run.next_step()  # asked twice: skip it
    assert run.session.phase == "data"


def test_a_follow_up_is_never_asked_on_an_item_covered_in_an_earlier_step(tmp_path: Path) -> None:
    early = (
        "We retrain the model every day on the last 30 days of logs and refresh the counters every few minutes, "
        "because ads and budgets change within hours. At serving time, the ranking tier calls a feature store and "
        "scores 500 candidates within a 10 ms budget, falling back to a cached prior when it times out."
    )
    # What the rubric's signals find of serving in it (the paraphrase backstop reads a sentence against the items
    # of the step it was said in only, so it credits no serving item from an earlier step).
    covered = set(grade_step(load_case(ADS), "serving", [early], Level.SENIOR, paraphrase=False).ids(Coverage.COVERED))
    assert covered  # the earlier answer really covers serving items, so the test can fail
    run = interview(tmp_path)
    run.reply(early)
    run.advance_to("serving")
    asked = []
    while run.session.phase == "serving":
        turn = said(run, "I would keep it simple and reuse the existing ad server.")
        if turn.kind is TurnKind.FOLLOW_UP:
            asked.append(turn.item_id)
    assert asked and not covered & set(asked)


def test_a_step_already_answered_while_jumping_ahead_is_noted(tmp_path: Path) -> None:
    run = interview(tmp_path)
    turn = said(
        run,
        "For the data, I would train on impression logs joined with clicks within 30 minutes, with user, ad and "
        "context features, and negative downsampling of non-clicks with a weight correction to keep calibration.",
    )
    while run.session.phase != "data":
        turn = run.next_step()[-1]
    assert "earlier" in turn.text or "already" in turn.text


def test_acknowledgements_vary_and_name_the_next_step(tmp_path: Path) -> None:
    run = interview(tmp_path)
    openings = []
    for _ in range(4):
        run.reply("I would answer this part briefly and move on to the next part of the design.")
        openings.append(run.next_step()[-1].text)
    assert len({text.split("**")[0] for text in openings}) >= 2
    assert all("**" in text for text in openings)


def test_the_wrap_up_makes_no_false_claim_about_the_time(tmp_path: Path) -> None:
    run = interview(tmp_path)  # three minutes in, not "a couple of minutes left"
    run.advance_to("wrap_up")
    opening = run.transcript.turns[-1].text
    assert "minutes left" not in opening and opening.endswith("?")


def test_correcting_course_after_a_pushback_is_recorded_and_not_penalised(tmp_path: Path) -> None:
    run = interview(tmp_path, HARM)
    run.advance_to("evaluation")
    wrong = "We should ship if accuracy is above 95 percent, no A/B test needed."
    challenge = said(run, wrong)
    assert challenge.kind is TurnKind.PUSHBACK
    said(run, "You're right, I take that back: we do need an A/B test, because offline accuracy hides the rare harms.")
    grade = run.grade()
    flags = [flag for step in grade.steps.values() for flag in step.red_flags]
    challenged = next(flag for flag in flags if flag.id == challenge.item_id)
    assert challenged.corrected and challenged.penalty == 0
    item = next(i for step in grade.steps.values() for i in step.items if i.id == challenge.item_id.split(":")[-1])
    assert item.corrected and item.prompted and item.coverage == "covered"


def test_a_mistake_kept_after_a_pushback_still_costs(tmp_path: Path) -> None:
    run = interview(tmp_path, HARM)
    run.advance_to("evaluation")
    challenge = said(run, "We should ship if accuracy is above 95 percent, no A/B test needed.")
    said(run, "I would still ship on the offline number; it is good enough for this system.")
    flags = [flag for step in run.grade().steps.values() for flag in step.red_flags]
    challenged = next(flag for flag in flags if flag.id == challenge.item_id)
    assert not challenged.corrected and challenged.penalty > 0


def test_a_red_flag_taken_back_after_the_challenge_is_corrected(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("evaluation")
    challenge = said(run, "Offline, I would report accuracy as the headline metric.")
    assert challenge.kind is TurnKind.PUSHBACK and challenge.item_id == "accuracy-metric"
    flag = next(f for f in run.case.steps["evaluation"].red_flags if f.id == "accuracy-metric")
    assert flag.challenge and flag.challenge in challenge.text  # the case author's stress test
    said(run, "Fair point, I take it back: accuracy is useless with clicks this rare, so I would use log loss.")
    flag = next(f for f in run.grade().steps["evaluation"].red_flags if f.id == "accuracy-metric")
    assert flag.corrected and flag.penalty == 0


@pytest.mark.parametrize(
    ("answer", "corrected"),
    [
        (
            "Good point, a random split leaks future information. I'd split by time instead: train on days 1 to 28.",
            True,
        ),
        ("You're right, I would not split at random; I'd split by time instead.", True),
        ("Good point, but I'd still split at random: the logs cover only a month.", False),
        ("Fair point. Even so, a random split is what I'd keep for this.", False),
    ],
)
def test_a_concession_that_changes_course_corrects_the_challenged_flag(
    tmp_path: Path, answer: str, corrected: bool
) -> None:
    """A new user conceded and changed course in the words people use, which did not count as taking it back."""
    run = interview(tmp_path, VIDEO)
    run.advance_to("evaluation")
    challenge = said(run, "Offline I'd use NDCG and AUC for the ranker, with a random train/test split of the logs.")
    assert challenge.kind is TurnKind.PUSHBACK and challenge.item_id == "random-split"
    said(run, answer)
    flag = next(f for f in run.grade().steps["evaluation"].red_flags if f.id == "random-split")
    assert flag.corrected is corrected and (flag.penalty == 0) is corrected


# -- curveballs ------------------------------------------------------------------------------------------------------


def test_a_curveball_comes_after_the_first_answer_and_the_grade_records_the_adaptation(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("serving")
    ball = said(run, "I would serve the ranking model behind the ad server, scoring every candidate on CPUs.")
    assert ball.kind is TurnKind.CURVEBALL and ball.item_id == "ranking-budget-cut" and "10 ms" in ball.text
    said(
        run,
        "Then I would add a two-stage cascade: a light model prunes the 500 candidates to 50 in 2 ms, and the heavy "
        "ranker scores only those within the remaining 8 ms.",
    )
    (result,) = run.grade().curveballs
    assert result.id == "ranking-budget-cut" and result.adapted and result.item and "cascade" in result.evidence


def test_a_curveball_ignored_is_recorded_as_not_adapted(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("serving")
    said(run, "I would serve the ranking model behind the ad server, scoring every candidate on CPUs.")
    said(run, "I would keep the design as it is.")
    (result,) = run.grade().curveballs
    assert result.answered and not result.adapted


def test_a_mid_level_candidate_gets_no_senior_curveball(tmp_path: Path) -> None:
    run = Interview.create(load_case(ADS), Level.MID, Policy(), tmp_path / "t.json", clock=FakeClock())
    run.start()
    run.advance_to("serving")
    turn = said(run, "I would serve the ranking model behind the ad server, scoring every candidate on CPUs.")
    assert turn.kind is not TurnKind.CURVEBALL and not run.grade().curveballs


def test_a_curveball_with_an_unknown_target_is_a_case_error_with_its_place(tmp_path: Path) -> None:
    message = broken_case_error(tmp_path, "targets: [cold-start-modeling,", "targets: [no-such-item,")
    assert "curveballs" in message and "no-such-item" in message and f"{ADS}.yaml:" in message


def test_a_jump_to_a_named_step_skips_unanswered_steps_without_asking(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("evaluation")
    assert run.session.phase == "evaluation"
    assert not any(t.intent == "move_on" for t in run.transcript.turns)


def test_requests_in_a_row_end_the_step_but_an_answer_resets_the_count(tmp_path: Path) -> None:
    run = interview(tmp_path)
    for _ in range(3):
        said(run, "Sorry, can you repeat the question?")
    said(run, "I would ask about the business goal first, and how revenue and advertiser value trade off.")
    for _ in range(3):
        said(run, "Can you give me a hint?")
    assert run.session.phase == "requirements"
    said(run, "Could you say that again?")
    assert run.session.phase == "framing"


def test_a_greeting_is_returned(tmp_path: Path) -> None:
    run = interview(tmp_path)
    assert said(run, "Hi, nice to meet you!").text.startswith("Nice to meet you too.")


def test_grade_json_lists_curveballs_and_corrections(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("serving")
    said(run, "I would serve the ranking model behind the ad server, scoring every candidate on CPUs.")
    said(run, "Then a two-stage cascade: a light model prunes 500 candidates to 50 in 2 ms before the heavy ranker.")
    public = run.grade().public_json()
    assert public["curveballs"][0]["id"] == "ranking-budget-cut" and public["curveballs"][0]["adapted"]
    assert public["steps"]["serving"]["corrected"] == []


def test_a_challenge_that_is_not_a_question_is_a_case_error(tmp_path: Path) -> None:
    message = broken_case_error(
        tmp_path, "what accuracy does a model that never predicts a click get?", "accuracy is bad."
    )
    assert "challenge" in message and f"{ADS}.yaml:" in message


# -- what a new user tried (each was wrong once) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What is the advertiser churn rate in Brazil?",
        "What is the salary of an ad ops engineer in Manila?",
        "What is the train/test split?",
        "What is the positive to negative ratio?",
    ],
)
def test_a_question_the_fact_sheet_does_not_answer_gets_no_unrelated_fact(question: str) -> None:
    assert answer_from_facts(load_case(ADS), [question]) == NOT_IN_FACTS


@pytest.mark.parametrize(
    "question",
    [
        "What is the latency budget for the row, and what share of traffic is app versus web?",
        "Is this on the web, the app, or both?",
    ],
)
def test_words_that_only_compare_or_split_say_nothing_about_which_fact_is_asked(question: str) -> None:
    answer = answer_from_facts(load_case("similar-listings"), [question])
    assert "40% from the web" in answer and "isn't specified" not in answer


def test_a_lead_in_before_the_question_is_not_a_part_of_it() -> None:
    answer = answer_from_facts(load_case(ADS), ["Before designing, what is the business goal?"])
    assert "isn't specified" not in answer and "long-term ad revenue" in answer


def test_a_greeting_with_a_question_mark_is_small_talk_and_why_do_you_ask_is_a_request(tmp_path: Path) -> None:
    assert intent_of("hi, how are you doing today?") is Intent.SMALL_TALK
    assert intent_of("Why do you ask?") is Intent.MEANING
    run = interview(tmp_path)
    turn = said(run, "hi, how are you doing today?")
    assert turn.kind is not TurnKind.CLARIFICATION and "isn't specified" not in turn.text


def test_the_same_request_twice_in_a_row_gets_different_words(tmp_path: Path) -> None:
    run = interview(tmp_path)
    first = said(run, "Sorry, can you repeat the question?")
    second = said(run, "Sorry, can you repeat the question?")
    assert first.text != second.text
    assert said(run, "...").text != said(run, "...").text


def test_gibberish_is_not_taken_for_an_answer(tmp_path: Path) -> None:
    run = interview(tmp_path)
    turn = said(run, "asdf qwer zxcv lkjh")
    assert turn.kind is TurnKind.PROMPT and "didn't catch" in turn.text


def test_i_dont_know_before_any_answer_never_builds_on_an_answer_not_given(tmp_path: Path) -> None:
    run = interview(tmp_path)
    turn = said(run, "I don't know.")
    assert turn.kind is TurnKind.PROMPT and turn.intent == "dont_know" and "business goal" in turn.text.lower()


def test_an_answer_to_a_pushback_is_acknowledged(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("evaluation")
    said(run, "Offline, I would report accuracy as the headline metric.")
    turn = said(run, "On second thought, accuracy is useless at this click rate; I would use log loss instead.")
    assert turn.text.startswith("Thanks for reconsidering.")


@pytest.mark.parametrize(
    ("step", "text", "flag"),
    [
        ("model", "I'd split the data at random, 80/20.", "random-split"),
        ("serving", "I'd use accuracy to evaluate the ranker.", "accuracy-metric"),
    ],
)
def test_a_red_flag_said_in_another_step_is_challenged(tmp_path: Path, step: str, text: str, flag: str) -> None:
    run = interview(tmp_path, "video-recommendation")
    run.advance_to(step)
    turn = said(run, text)
    assert turn.kind is TurnKind.PUSHBACK and turn.item_id == flag
    assert any(f.id == flag for s in run.grade().steps.values() for f in s.red_flags)


def test_grade_json_marks_items_above_the_level_and_the_reason_names_the_bar(tmp_path: Path) -> None:
    run = Interview.create(load_case(ADS), Level.MID, Policy(), tmp_path / "t.json", clock=FakeClock())
    run.start()
    grade = run.grade()
    public = grade.public_json()
    staff_only = [i.id for i in run.case.steps["model"].items if i.level is not Level.MID]
    assert staff_only and set(staff_only) <= set(public["steps"]["model"]["above_level"])
    assert "against the mid bar (hire from 62)" in grade.hire_reasons[0]


def test_only_the_answer_right_after_a_pushback_can_correct_it(tmp_path: Path) -> None:
    run = interview(tmp_path)
    run.advance_to("evaluation")
    challenge = said(run, "Offline, I would report accuracy as the headline metric.")
    assert challenge.item_id == "accuracy-metric"
    said(run, "I would keep accuracy, it is easy to explain to the business.")
    said(run, "On second thought, I would also run an A/B test on revenue before launch.")
    flag = next(f for f in run.grade().steps["evaluation"].red_flags if f.id == "accuracy-metric")
    assert not flag.corrected and flag.penalty > 0


def test_answering_an_ordinary_follow_up_is_no_correction() -> None:
    case = load_case("video-recommendation")
    wrong = Reply("requirements", "Any video on the platform can be recommended.")
    answer = "Borderline videos must not be recommended, and kids get stricter rules, per the policy team."
    followed_up = grade_replies(
        case, Level.SENIOR, [wrong, Reply("requirements", answer, frozenset({"policy-constraints"}))]
    )
    challenged = grade_replies(
        case,
        Level.SENIOR,
        [wrong, Reply("requirements", answer, challenged=challenged_ids("opposite:policy-constraints"))],
    )

    def mistake(grade):
        return next(f for f in grade.steps["requirements"].red_flags if f.id == "opposite:policy-constraints")

    assert not mistake(followed_up).corrected and mistake(followed_up).penalty > 0
    assert mistake(challenged).corrected and mistake(challenged).penalty == 0
