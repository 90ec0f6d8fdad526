"""The paraphrase backstop proposes claims for ideas said in other words; the stance rules and guards decide."""

from __future__ import annotations

import pytest

from interviewer.grading import paraphrase
from interviewer.grading.claims import ClaimCollector, Reply
from interviewer.grading.deterministic import compiled, grade_answers
from interviewer.grading.models import Coverage, Grade
from interviewer.grading.stance import Stance
from interviewer.rubric import load_case

pytestmark = pytest.mark.skipif(not paraphrase.installed(), reason="the paraphrase extra is not installed")

CASE = "ad-click-prediction"
# A live experiment described without one of its signals' words ("A/B", "experiment", "test", "control"...).
LIVE_TRIAL = (
    "Before anything goes live I'd give a small random group of people the new model for two weeks and compare "
    "their ad income and how often they hide ads with everyone else."
)


def grade(text: str, step: str = "evaluation", on: bool = True) -> Grade:
    return grade_answers(load_case(CASE), "senior", {step: [text]}, paraphrase=on)


def credited(result: Grade, source: str = paraphrase.SOURCE) -> dict[str, Coverage]:
    return {
        item.id: item.coverage
        for step in result.steps.values()
        for item in step.items
        if source in item.graded_by and item.coverage is not Coverage.MISSED
    }


def test_an_idea_in_other_words_is_credited_and_says_which_grader_found_it() -> None:
    assert "online-ab-test" not in credited(grade(LIVE_TRIAL, on=False), "signals")
    found = credited(grade(LIVE_TRIAL))
    assert found == {"online-ab-test": Coverage.COVERED}  # a number ("two weeks") of its own: explained


def test_a_short_paraphrase_without_a_number_is_only_a_mention_and_a_long_one_explains() -> None:
    short = "I'd give a random group of people the new model and compare their ad income."
    assert credited(grade(short)) == {"online-ab-test": Coverage.PARTIAL}
    long = LIVE_TRIAL.replace(" for two weeks", "")  # no number, but the words of a reason
    assert credited(grade(long))["online-ab-test"] is Coverage.COVERED


def test_switched_off_it_adds_nothing() -> None:
    assert credited(grade(LIVE_TRIAL, on=False)) == {}


@pytest.mark.parametrize(
    "text",
    [
        # dismissed, wherever the dismissal falls in the sentence
        "Giving a small random group of people the new model for two weeks is not worth it here, since the offline "
        "number is enough.",
        "I would never give a small random group of people the new model for two weeks and compare their ad income.",
        # asked, not said
        "Should we give a small random group of people the new model for two weeks and compare their ad income?",
    ],
)
def test_dismissals_and_questions_earn_nothing(text: str) -> None:
    assert credited(grade(text)) == {}


def test_a_sentence_that_states_a_wrong_decision_earns_no_paraphrase_credit() -> None:
    case = load_case(CASE)
    text = (
        "We would split the logged impressions at random into train and test, and compare their ad income and how "
        "often they hide ads over two weeks."
    )
    collector = ClaimCollector(compiled(case))
    collector.add(Reply("evaluation", text))
    signals = collector.claims()
    assert any(claim.kind == "red_flag" and claim.stance is Stance.ENDORSES for claim in signals)
    assert paraphrase.paraphrase_claims(case, collector, [])  # close enough to an item to be proposed...
    assert paraphrase.paraphrase_claims(case, collector, signals) == []  # ...but it is a wrong decision


def test_an_item_a_signal_already_matched_in_the_sentence_is_not_claimed_twice() -> None:
    text = "I'd run an A/B test on 1% of traffic for two weeks, comparing revenue and ad hide rate per user."
    result = grade(text)
    assert credited(result, "signals").get("online-ab-test") is Coverage.COVERED
    assert "online-ab-test" not in credited(result)


def test_without_the_extra_the_grade_is_the_signals_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paraphrase, "installed", lambda: False)
    assert not paraphrase.enabled()
    assert grade_answers(load_case(CASE), "senior", {"evaluation": [LIVE_TRIAL]}) == grade(LIVE_TRIAL, on=False)


def test_the_setting_switches_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_PARAPHRASE", "false")
    assert not paraphrase.enabled()
    monkeypatch.setenv("INTERVIEWER_PARAPHRASE", "true")
    assert paraphrase.enabled()
    monkeypatch.setenv("INTERVIEWER_PARAPHRASE", "disabled")  # not a yes or no: never read as on
    assert not paraphrase.enabled()


@pytest.mark.parametrize(
    ("case_id", "step", "text"),
    [
        ("ad-click-prediction", "evaluation", "I'd check accuracy and maybe F1 on a test set."),
        ("ad-click-prediction", "serving", "We'd put the model behind an API so the ad server can call it."),
        ("harmful-content-detection", "serving", "We can cache results to make it fast and add more servers."),
        ("harmful-content-detection", "monitoring", "Set up dashboards and alerts for the main metrics."),
    ],
)
def test_what_anyone_says_of_any_system_names_no_item(
    case_id: str, step: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(case_id)

    def found() -> dict[str, Coverage]:
        return credited(grade_answers(case, "senior", {step: [text]}, paraphrase=True))

    assert found() == {}
    monkeypatch.setattr(paraphrase, "GENERIC_MARGIN", -1.0)
    assert found(), "without the generic guard this sentence is proposed (else the test proves nothing)"


def test_the_scorecard_says_an_item_was_recognised_in_other_words() -> None:
    from interviewer.scorecard import build_scorecard

    card = build_scorecard(grade(LIVE_TRIAL), "ad click prediction")
    lines = {item.id: item.notes for step in card.steps for item in (*step.covered, *step.partial)}
    assert "in other words" in lines["online-ab-test"]
    assert all("in other words" not in notes for item_id, notes in lines.items() if item_id != "online-ab-test")


def test_an_interview_prepares_the_backstop_in_the_background_so_its_grade_waits_for_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paraphrase, "PREPARE_DELAY", 0.0)
    case = load_case(CASE)
    thread = paraphrase.prepare(case)
    assert thread is not None and thread.daemon
    thread.join(timeout=30)
    assert paraphrase._BY_OBJECT[id(case)][0] is case  # the grade at the end finds it embedded


def test_switched_off_nothing_is_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_PARAPHRASE", "false")
    assert paraphrase.prepare(load_case(CASE)) is None


def test_the_running_grade_the_interviewer_follows_up_from_reads_it_too() -> None:
    from interviewer.grading.deterministic import InterviewGrader

    def running(on: bool) -> dict[str, Coverage]:
        grader = InterviewGrader(load_case(CASE), "senior", paraphrase=on)
        grader.add(Reply("evaluation", "We would compare the new model against the current one."))
        grader.add(Reply("evaluation", LIVE_TRIAL))
        return {item.id: item.coverage for item in grader.grade("evaluation").items}

    assert running(False)["online-ab-test"] is Coverage.MISSED  # the interviewer would ask about it...
    assert running(True)["online-ab-test"] is Coverage.COVERED  # ...though the candidate said it in other words
    assert running(True)["online-ab-test"] == credited(grade(LIVE_TRIAL))["online-ab-test"]  # as the final grade


def test_a_damaged_install_grades_with_the_signals_alone_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    import wordllama

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("weights file truncated")

    monkeypatch.setattr(wordllama.WordLlama, "load", broken)
    monkeypatch.setattr(paraphrase, "PREPARE_DELAY", 0.0)
    monkeypatch.setattr(paraphrase, "_LOADED", [])  # as in a new process
    assert grade(LIVE_TRIAL) == grade(LIVE_TRIAL, on=False)
    thread = paraphrase.prepare(load_case("news-feed"))  # the warm-up thread ends quietly too
    assert thread is not None
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_a_step_grader_reads_a_reply_said_in_another_step_without_failing() -> None:
    from interviewer.grading.deterministic import StepGrader

    grader = StepGrader(load_case(CASE), "model", "senior", paraphrase=True)
    grader.add(LIVE_TRIAL, step="evaluation")  # proposes an evaluation item: not this grader's, and no crash
    assert all(item.coverage is Coverage.MISSED for item in grader.grade().items)


def test_the_running_grade_marks_a_sentence_that_became_a_template_as_the_final_grade_does() -> None:
    from interviewer.grading.deterministic import InterviewGrader, grade_replies

    replies = [Reply("evaluation", LIVE_TRIAL), Reply("evaluation", LIVE_TRIAL.replace("two weeks", "three weeks"))]
    grader = InterviewGrader(load_case(CASE), "senior", paraphrase=True)
    for reply in replies:
        grader.add(reply)
    final = grade_replies(load_case(CASE), "senior", replies, paraphrase=True).steps["evaluation"]
    assert grader.grade("evaluation") == final
    assert {item.id: item.coverage for item in final.items}["online-ab-test"] is Coverage.PARTIAL  # a template


def test_the_scorecard_marks_a_quote_from_the_backstop_even_when_a_signal_also_credited_the_item() -> None:
    from interviewer.scorecard import build_scorecard

    result = grade_answers(load_case(CASE), "senior", {"evaluation": ["We'd do an A/B test.", LIVE_TRIAL]})
    item = next(i for i in result.steps["evaluation"].items if i.id == "online-ab-test")
    assert item.graded_by == ["paraphrase", "signals"] and item.evidence == LIVE_TRIAL
    card = build_scorecard(result, "ad click prediction")
    notes = {line.id: line.notes for step in card.steps for line in (*step.covered, *step.partial)}
    assert "in other words" in notes["online-ab-test"]


def test_a_replay_note_told_whether_the_backstop_runs_does_not_read_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from interviewer.annotate import note_for
    from interviewer.framework import Level
    from interviewer.grading import deterministic
    from interviewer.transcript import Role, Turn

    def unread() -> bool:
        raise AssertionError("the settings were read for one note")

    monkeypatch.setattr(deterministic, "paraphrase_enabled", unread)
    turn = Turn(role=Role.CANDIDATE, text="I'd split by time and calibrate the scores.", step="evaluation")
    note = note_for(load_case("ad-click-prediction"), turn, Level.SENIOR, paraphrase=False)
    assert note is not None and not note.empty


def test_a_long_sentence_is_read_clause_by_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "Before anything goes live I would give a small random group of people the new model for two weeks and "
        "compare their ad income with everyone else, and I would also look at whether the predicted chance of a "
        "click matches how often people really click, per placement."
    )
    assert paraphrase.clauses(text) == [
        "Before anything goes live I would give a small random group of people the new model for two weeks and "
        "compare their ad income with everyone else",
        "and I would also look at whether the predicted chance of a click matches how often people really click "
        "per placement.",
    ]
    # Two ideas in other words, one in each clause: both are proposed; the whole sentence alone is close to one.
    found = credited(grade(text))
    assert {"online-ab-test", "calibration-metrics"} <= set(found), found
    monkeypatch.setattr(paraphrase, "CLAUSE_SPLIT_TOKENS", 1000)
    assert len({"online-ab-test", "calibration-metrics"} & set(credited(grade(text)))) == 1
