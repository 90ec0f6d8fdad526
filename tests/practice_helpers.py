"""Finished interviews for the practice tests: the stub interviewer answered with a labelled answers file."""

from __future__ import annotations

from pathlib import Path

from conftest import ANSWERS, FakeClock
from interviewer.answers import load_answers
from interviewer.framework import STEP_IDS, Level
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.rubric import load_case

ADS = "ad-click-prediction"


def finished_interview(path: Path, quality: str, case_id: str = ADS, steps: tuple[str, ...] = STEP_IDS) -> Interview:
    """A whole interview on the stub, answering each of `steps` with the labelled answers file's text."""
    answers = load_answers(ANSWERS / f"{case_id}-{quality}.yaml").by_step()
    interview = Interview.create(load_case(case_id), Level.SENIOR, Policy(), path, clock=FakeClock())
    interview.start()
    for step in steps:
        interview.advance_to(step)
        for text in answers.get(step, []):
            interview.reply(text)
    if not interview.done:
        interview.end()
    interview.close()
    return interview
