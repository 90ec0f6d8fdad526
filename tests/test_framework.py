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


def test_every_phase_order_is_the_framework_one() -> None:
    from interviewer import answers, session
    from interviewer.framework import DONE, PHASES, REPLY_STEP_IDS
    from interviewer.tui import replay_screen

    assert (INTRO, *STEP_IDS, WRAP_UP.id, DONE) == PHASES and PHASES[1:-1] == REPLY_STEP_IDS
    walked = [INTRO]
    while (following := next_step_id(walked[-1])) is not None:
        walked.append(following)
    assert tuple(walked) == PHASES[:-1]
    assert session.PHASES is PHASES
    assert answers.ANSWER_KEYS is replay_screen.JUMP_PHASES is REPLY_STEP_IDS
