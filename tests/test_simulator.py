"""Every scripted persona gets a sensible interview from the offline interviewer (see tests/simulator.py)."""

from __future__ import annotations

import pytest
import respx
from llm_fakes import URL, Sleeps, phrasing, settings
from simulator import decisions, personas, simulate, simulate_async, table

from conftest import CASE_IDS
from interviewer.framework import STEP_IDS
from interviewer.llm.client import ModelClient
from interviewer.llm.interviewer import model_policy
from interviewer.rubric import load_case


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_persona_gets_a_sensible_interview(case_id: str) -> None:
    case = load_case(case_id)
    runs = [simulate(case, name, persona) for name, persona in personas(case_id).items()]
    print("\n" + table(runs))
    assert all(not run.problems for run in runs), table(runs)
    by_name = {run.persona: run for run in runs}
    assert by_name["wrong"].pushbacks >= 1  # the fluent but wrong candidate is challenged
    # The interviewer listens: a strong candidate is asked about as many follow-ups as a weak one (who asks to move on
    # early; one more, for an idea the strong one only named in passing in an earlier step), and at most half of what
    # an interviewer that heard nothing would ask (two a step).
    assert by_name["strong"].follow_ups <= by_name["weak"].follow_ups + 1
    assert by_name["strong"].follow_ups <= len(STEP_IDS)
    assert by_name["repeater"].intents >= 7 and by_name["silent"].intents >= 7


@respx.mock
async def test_the_llm_interviewer_on_a_fake_model_makes_the_same_decisions() -> None:
    """Through the LLM policy, every persona gets the stub's decisions turn for turn, and no prompt holds what a
    rubric item covers."""
    route = respx.post(URL).mock(side_effect=phrasing)
    case = load_case("harmful-content-detection")
    covers = [item.covers for _, rubric in case.steps.items() for item in rubric.items]
    again = personas(case.id)  # a persona may keep state (gibberish draws from its own random stream)
    for name, persona in personas(case.id).items():
        offline = simulate(case, name, persona)
        policy = model_policy(ModelClient(settings(), sleep=Sleeps()))
        online = await simulate_async(case, name, again[name], policy)
        assert not online.problems, (name, online.problems)
        assert decisions(online.transcript) == decisions(offline.transcript), name
        assert not any(t.fallback for t in online.transcript.turns)
    for call in route.calls:
        prompt = call.request.content.decode()
        assert not any(text in prompt for text in covers)
