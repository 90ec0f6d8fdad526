from __future__ import annotations

from interviewer.framework import INTRO, STEP_IDS, STEPS, TOTAL_MINUTES, WRAP_UP, next_step_id


def test_the_seven_steps_are_fixed_and_in_order() -> None:
    assert STEP_IDS == ("requirements", "framing", "data", "model", "evaluation", "serving", "monitoring")
    assert len(STEPS) == 7


def test_budgets_sum_to_45_minutes() -> None:
    assert TOTAL_MINUTES == 45


def test_next_step_runs_from_the_intro_to_the_wrap_up() -> None:
    order = [INTRO]
    while (following := next_step_id(order[-1])) is not None:
        order.append(following)
    assert order == [INTRO, *STEP_IDS, WRAP_UP.id]
