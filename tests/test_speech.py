"""`Interview.speak`: the one loop that realises a plan, shows it through a `Speech`, and commits it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import FakeClock, Recorder
from interviewer.errors import InterviewerError
from interviewer.framework import STEP_BY_ID, Level
from interviewer.interview import Interview, Plan
from interviewer.policy import DraftVoice, Policy
from interviewer.rubric import load_case
from interviewer.transcript import Role, TurnKind, load

ADS = "ad-click-prediction"


class FailingModel(DraftVoice):
    """A model that never answers: every utterance falls back to the draft, after a notice."""

    asked: int = 0

    async def phrase(self, utterance, view, on_usage=None) -> AsyncIterator[str]:
        self.asked += 1
        raise InterviewerError("the server said 503")
        yield ""  # pragma: no cover - makes this an async generator


class Stops(Recorder):
    """A front end whose user cancels as the first words of the `cancel_at`-th utterance appear."""

    def __init__(self, cancel_at: int) -> None:
        super().__init__()
        self.cancel_at = cancel_at

    async def text(self, delta: str) -> None:
        await super().text(delta)
        if sum(kind == "begin" for kind, _ in self.events) == self.cancel_at:
            raise asyncio.CancelledError


def interview_on(tmp_path: Path, voice: DraftVoice | None = None, clock: FakeClock | None = None) -> Interview:
    policy = Policy(voice=voice or DraftVoice())
    return Interview.create(load_case(ADS), Level.SENIOR, policy, tmp_path / "t.json", clock=clock or FakeClock())


async def test_each_utterance_is_begun_streamed_ended_then_committed_in_its_phase(tmp_path: Path) -> None:
    interview = interview_on(tmp_path)
    recorder = Recorder()
    spoken = await interview.speak(interview.plan_start(), recorder)
    kinds = [kind for kind, _ in recorder.events]
    assert kinds[0] == "begin" and kinds.count("begin") == 2 and kinds.count("said") == 2
    assert kinds.index("end") < kinds.index("said")  # shown in full before it is saved
    intro, opening = (value for kind, value in recorder.events if kind == "begin")
    assert intro.phase == "intro" and opening.phase == "requirements"  # planned while still in the intro
    assert [turn.step for turn in spoken.turns] == ["intro", "requirements"]
    assert list(spoken.turns) == interview.transcript.turns  # what was said is exactly what was saved
    assert "".join(v for k, v in recorder.events if k == "text") == "".join(t.text for t in spoken.turns)
    assert spoken.notices == ()


async def test_a_time_up_notice_comes_with_the_plan_and_is_shown_first(tmp_path: Path) -> None:
    clock = FakeClock()
    interview = interview_on(tmp_path, clock=clock)
    await interview.speak(interview.plan_start())
    clock.now += STEP_BY_ID["requirements"].budget_seconds + 1
    plan = interview.plan_reply("How many daily active users are there?")
    assert [turn.kind for turn in plan.notices] == [TurnKind.NOTICE] and "Time budget" in plan.notices[0].text
    recorder = Recorder()
    spoken = await interview.speak(plan, recorder)
    assert recorder.events[0] == ("notice", plan.notices[0])
    assert spoken.notices == plan.notices and spoken.turns[0].step == "framing"


async def test_a_model_that_fails_is_replaced_by_the_draft_after_a_notice(tmp_path: Path) -> None:
    interview = interview_on(tmp_path, voice=FailingModel())
    recorder = Recorder()
    spoken = await interview.speak(interview.plan_start(), recorder)
    assert len(spoken.notices) == 2 and all(n.role is Role.SYSTEM and "503" in n.text for n in spoken.notices)
    assert all(turn.fallback for turn in spoken.turns)
    assert [kind for kind, _ in recorder.events][:4] == ["begin", "notice", "text", "end"]


@pytest.mark.parametrize("cancel_at", [1, 2])
async def test_a_cancel_keeps_what_was_committed_and_nothing_of_the_utterance_being_shown(
    tmp_path: Path, cancel_at: int
) -> None:
    interview = interview_on(tmp_path)
    with pytest.raises(asyncio.CancelledError):
        await interview.speak(interview.plan_start(), Stops(cancel_at))
    said = [turn.kind for turn in interview.transcript.turns]
    assert said == [TurnKind.INTRO] * (cancel_at - 1)
    assert [turn.kind for turn in load(tmp_path / "t.json").turns] == said
    assert interview.session.phase == "intro"  # the opening that moves the session on was never committed
    spoken = await interview.speak(interview.plan_start())  # and the interview carries on from there
    assert [turn.kind for turn in spoken.turns][-1] is TurnKind.OPENING


async def test_drafts_are_said_without_the_model(tmp_path: Path) -> None:
    interview = interview_on(tmp_path, voice=FailingModel())
    spoken = await interview.speak(interview.plan_start(), drafts=True)
    assert spoken.notices == () and not any(turn.fallback for turn in spoken.turns)
    assert interview.transcript.model_failures == 0


async def test_the_synchronous_helpers_run_inside_a_running_event_loop(tmp_path: Path) -> None:
    interview = interview_on(tmp_path)
    assert [turn.kind for turn in interview.start()] == [TurnKind.INTRO, TurnKind.OPENING]
    said = interview.reply("What is the latency budget?")
    assert [turn.role for turn in said] == [Role.INTERVIEWER]


def test_an_empty_plan_says_nothing(tmp_path: Path) -> None:
    interview = interview_on(tmp_path)
    interview.start()
    assert interview.plan_start() == Plan() and not interview.plan_start()
    assert asyncio.run(interview.speak(Plan())).turns == ()


async def test_a_model_that_keeps_failing_is_benched_with_one_notice(tmp_path: Path) -> None:
    policy = FailingModel()
    interview = interview_on(tmp_path, voice=policy)
    await interview.speak(interview.plan_start())  # two failures: the intro and the opening
    assert not interview.benched and policy.asked == 2
    spoken = await interview.speak(interview.plan_reply("What is the latency budget?"))
    assert interview.benched and "for the rest of the interview" in spoken.notices[0].text
    spoken = await interview.speak(interview.plan_reply("How many daily active users are there?"))
    assert policy.asked == 3 and spoken.notices == ()  # not asked again, and no notice each turn
    assert spoken.turns[0].fallback
    assert interview.transcript.model_spoke() == (0, 4)


async def test_a_model_that_recovers_is_not_benched(tmp_path: Path) -> None:
    class Flaky(DraftVoice):
        calls: int = 0

        async def phrase(self, utterance, view, on_usage=None) -> AsyncIterator[str]:
            self.calls += 1
            if self.calls % 2:
                raise InterviewerError("the server said 503")
            yield utterance.text

    interview = interview_on(tmp_path, voice=Flaky())
    await interview.speak(interview.plan_start())
    for _ in range(4):
        await interview.speak(interview.plan_reply("What is the latency budget?"))
    assert not interview.benched and interview.transcript.model_failures == 3
