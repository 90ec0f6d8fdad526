"""Every scripted persona gets a sensible interview from the offline interviewer (see tests/simulator.py)."""

from __future__ import annotations

import pytest
from simulator import personas, simulate, table

from conftest import CASE_IDS
from interviewer.rubric import load_case


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_persona_gets_a_sensible_interview(case_id: str) -> None:
    case = load_case(case_id)
    runs = [simulate(case, name, persona) for name, persona in personas(case_id).items()]
    print("\n" + table(runs))
    assert all(not run.problems for run in runs), table(runs)
    by_name = {run.persona: run for run in runs}
    assert by_name["wrong"].pushbacks >= 1  # the fluent but wrong candidate is challenged
    assert by_name["repeater"].intents >= 7 and by_name["silent"].intents >= 7
