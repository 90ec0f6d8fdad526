"""One model of what a scorecard shows, rendered as text (terminal) and as Markdown (export, app): both say the same."""

from __future__ import annotations

import pytest

from conftest import ANSWERS
from interviewer.answers import load_answers
from interviewer.framework import STEP_IDS, Level
from interviewer.grading.deterministic import grade_answers
from interviewer.grading.models import Coverage, CurveballResult, Grade, JudgeSummary, StepJudgement
from interviewer.report import render_text
from interviewer.rubric import load_case
from interviewer.scorecard import Scorecard, build_scorecard
from interviewer.scorecard_markdown import scorecard_markdown
from interviewer.usage import Usage


def graded() -> tuple[Grade, str]:
    answers = load_answers(ANSWERS / "ad-click-prediction-partial.yaml")
    case = load_case(answers.case)
    return grade_answers(case, answers.level, answers.by_step()), case.title


def renderings(card: Scorecard) -> list[str]:
    return [render_text(card), scorecard_markdown(card)]


def line_of(shown: str, item_id: str) -> str:
    """The line that lists an item: `+ id (...)` in the text report, `- `id` (...)` in Markdown."""
    return next(line for line in shown.splitlines() if f" {item_id} " in line or f"`{item_id}` " in line)


def test_the_steps_follow_the_framework_order_whatever_the_grade_holds() -> None:
    grade, title = graded()
    grade.steps = dict(reversed(grade.steps.items()))
    card = build_scorecard(grade, title)
    assert [row.step_id for row in card.rows] == list(STEP_IDS)
    assert [step.step_id for step in card.steps] == list(STEP_IDS)
    for shown in renderings(card):
        titles = [shown.index(step.title) for step in card.steps]
        assert titles == sorted(titles)


def test_both_renderings_show_a_mistake_taken_back_a_prompted_item_and_where_it_was_said() -> None:
    grade, title = graded()
    step = grade.steps["data"]
    # One the signals alone credited: an item the backstop also found carries its own note ("in other words").
    item = next(item for item in step.items if item.coverage is Coverage.COVERED and item.graded_by == ["signals"])
    item.corrected, item.prompted, item.said_in = True, True, "model"
    card = build_scorecard(grade, title)
    assert next(i for i in card.steps[2].covered if i.id == item.id).notes == (
        "said in model",
        "after a follow-up",
        "corrected after a challenge",
    )
    for shown in renderings(card):
        assert "(said in model, after a follow-up, corrected after a challenge)" in line_of(shown, item.id)


def test_a_requirement_settled_while_designing_says_why_it_is_partial() -> None:
    grade, title = graded()
    item = next(item for item in grade.steps["requirements"].items if item.coverage is not Coverage.MISSED)
    item.said_in, item.coverage = "evaluation", Coverage.PARTIAL
    card = build_scorecard(grade, title)
    note = "settled in evaluation, after requirements"
    assert note in next(i for i in card.steps[0].partial if i.id == item.id).notes
    for shown in renderings(card):
        assert note in line_of(shown, item.id)
    # Its words may explain it: the text report does not call it a bare mention.
    assert "partial, settled late" in line_of(render_text(card), item.id)
    assert "without a decision or reason" not in line_of(render_text(card), item.id)


def test_both_renderings_mark_items_above_the_level_as_a_bonus_naming_the_level() -> None:
    grade, title = graded()
    above = [i for s in grade.steps.values() for i in s.items if not i.counted and i.coverage is not Coverage.MISSED]
    assert above
    card = build_scorecard(grade, title)
    for shown in renderings(card):
        for item in above:
            assert f"({item.level.value}-level bonus" in line_of(shown, item.id)


def test_missed_items_above_the_level_are_not_listed_as_gaps() -> None:
    grade, title = graded()
    missed_above = {i.id for s in grade.steps.values() for i in s.items if not i.counted and i.coverage == "missed"}
    assert missed_above
    card = build_scorecard(grade, title)
    assert not missed_above & {item.id for step in card.steps for item in step.missed}


@pytest.mark.parametrize("adapted", [True, False])
def test_both_renderings_show_the_curveball_outcome_and_the_judge_line(adapted: bool) -> None:
    grade, title = graded()
    grade.curveballs = [
        CurveballResult(
            id="ranking-budget-cut",
            step="serving",
            says="The budget is now 10 ms.",
            answered=True,
            adapted=adapted,
            evidence="I would add a cascade with a light ranker first." if adapted else None,
            item="cascade" if adapted else None,
        )
    ]
    grade.judge = JudgeSummary(
        model="judge-model",
        status="ok",
        usage=Usage(input_tokens=1200, output_tokens=30, calls=2),
        steps={"data": StepJudgement(step="data", overall="Solid on labels.")},
    )
    card = build_scorecard(grade, title)
    judge = "judge: judge-model, 1 of 1 steps; 0 unverified claim(s) dropped; 1,200 tokens in, 30 out in 2 calls"
    assert card.accounting == (judge,)
    outcome = "adapted the design (cascade)" if adapted else "answered, but the design did not change"
    for shown in renderings(card):
        assert judge in shown
        assert "Solid on labels." in shown
        assert "ranking-budget-cut (serving)" in shown.replace("`", "") and outcome in shown
        assert ("light ranker first" in shown) is adapted


def test_the_hire_reason_and_the_time_over_budget_are_shown_by_both() -> None:
    grade, title = graded()
    grade.steps["model"].seconds = 600.0
    card = build_scorecard(grade, title)
    row = next(row for row in card.rows if row.step_id == "model")
    assert row.over and row.time == "10:00 / 8:00 (over)"
    for shown in renderings(card):
        assert "10:00 / 8:00 (over)" in shown
        assert all(reason in shown for reason in grade.hire_reasons) and "bar (hire from" in shown


def test_a_long_quote_in_the_terminal_report_is_cut_between_words() -> None:
    """ "calibrated pr…" read as a typo: a quote too long for the report ends at the last whole word."""
    from interviewer.report import _quote

    text = "I would calibrate the predicted probabilities with isotonic regression on a recent window of traffic"
    for limit in range(30, 90):
        shown = _quote(text, limit)[1:-2]  # without the quotes and the ellipsis
        assert len(shown) < limit and text.startswith(shown)
        assert text[len(shown)] == " "  # the next character is a space: no word was cut
    assert _quote("short") == '"short"'
    assert _quote("x" * 50, 20) == '"' + "x" * 19 + '…"'  # one long word is cut where it must be


def test_the_scorecard_names_the_grader_in_words() -> None:
    from interviewer.scorecard import build_scorecard

    graded = grade_answers(load_case("ad-click-prediction"), Level.SENIOR, {"requirements": ["What is the QPS?"]})
    assert build_scorecard(graded, "Ad click prediction").grader == "the offline grader"
    assert graded.grader == "deterministic"  # the grade, and `grade --json`, keep the id
