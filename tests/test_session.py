"""The session state machine: phases in order, clocks per step, illegal events refused."""

from __future__ import annotations

import pytest

from conftest import FakeClock
from interviewer.errors import SaveError, SessionError
from interviewer.framework import STEP_IDS
from interviewer.session import DONE, INTRO, MAX_REPLY_CHARS, PHASES, ReplyRejected, Session, clean_reply
from interviewer.transcript import Role, Transcript, TurnKind


def new_session(clock: FakeClock | None = None, saved: list | None = None) -> Session:
    transcript = Transcript(case_id="ad-click-prediction", case_title="Ads", level="senior")
    on_change = (lambda t: saved.append(len(t.turns))) if saved is not None else None
    return Session(transcript, clock=clock or FakeClock(), on_change=on_change)


def test_phases_run_intro_steps_wrap_up_done() -> None:
    session = new_session()
    seen = [session.phase]
    while not session.done:
        seen.append(session.advance())
    assert seen == list(PHASES)
    assert seen[1:8] == list(STEP_IDS)


def test_every_turn_records_step_role_text_and_time() -> None:
    session = new_session()
    session.say("Welcome.", TurnKind.INTRO)
    session.advance()
    turn = session.reply("  I would ask about scale.  ")
    assert (turn.step, turn.role, turn.text) == ("requirements", Role.CANDIDATE, "I would ask about scale.")
    assert turn.at.tzinfo is not None
    assert [t.step for t in session.transcript.turns] == [INTRO, "requirements"]


def test_reply_is_illegal_in_the_intro_and_after_the_end() -> None:
    session = new_session()
    with pytest.raises(SessionError, match="not expected in phase 'intro'"):
        session.reply("hello")
    session.end()
    with pytest.raises(SessionError):
        session.reply("hello")
    with pytest.raises(SessionError, match="over"):
        session.advance()
    with pytest.raises(SessionError, match="already ended"):
        session.end()
    with pytest.raises(SessionError):
        session.say("anything", TurnKind.PROMPT)


def test_end_early_is_recorded() -> None:
    session = new_session()
    session.advance()
    session.advance()
    session.end()
    assert session.done and session.transcript.ended_early
    assert session.phase == DONE


def test_ending_from_the_wrap_up_is_not_early() -> None:
    session = new_session()
    while session.phase != "wrap_up":
        session.advance()
    session.end()
    assert not session.transcript.ended_early


def test_clock_counts_time_per_step() -> None:
    clock = FakeClock()
    session = new_session(clock)
    clock.advance(30)  # the intro is not charged to any step
    session.advance()
    clock.advance(100)
    session.reply("An answer about requirements.")
    clock.advance(20)
    session.advance()
    clock.advance(45)
    assert session.step_seconds("requirements") == pytest.approx(120)
    assert session.step_seconds("framing") == pytest.approx(45)
    assert session.total_seconds() == pytest.approx(165)


def test_time_up_only_when_over_budget_and_moves_on() -> None:
    clock = FakeClock()
    session = new_session(clock)
    session.advance()
    clock.advance(60)
    assert not session.over_budget()
    with pytest.raises(SessionError, match="within its budget"):
        session.time_up()
    clock.advance(5 * 60)
    assert session.over_budget()
    assert session.time_up() == "framing"
    notice = session.transcript.turns[-1]
    assert notice.role is Role.SYSTEM and notice.kind is TurnKind.NOTICE and "6:00 of 5:00" in notice.text


def test_time_up_outside_a_step_is_illegal() -> None:
    with pytest.raises(SessionError):
        new_session().time_up()


def test_every_change_is_reported_for_saving() -> None:
    saved: list[int] = []
    session = new_session(saved=saved)
    session.say("Welcome.", TurnKind.INTRO)
    session.advance()
    session.reply("First answer.")
    assert saved == [1, 1, 2]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_reply_is_rejected(text: str) -> None:
    with pytest.raises(ReplyRejected, match="empty"):
        clean_reply(text)


def test_reply_over_the_limit_is_refused_with_its_size() -> None:
    with pytest.raises(ReplyRejected, match="20,001 characters is over the 20,000 limit"):
        clean_reply("x" * (MAX_REPLY_CHARS + 1))
    assert clean_reply("x" * MAX_REPLY_CHARS) == "x" * MAX_REPLY_CHARS


def test_rejected_reply_is_not_recorded() -> None:
    session = new_session()
    session.advance()
    with pytest.raises(ReplyRejected):
        session.reply("   ")
    assert session.transcript.turns == []


def test_unknown_phase_in_a_transcript_is_refused() -> None:
    transcript = Transcript(case_id="x", case_title="X", level="mid", phase="lunch")
    with pytest.raises(SessionError, match="lunch"):
        Session(transcript)


def test_changes_made_as_one_are_reported_once() -> None:
    saved: list[int] = []
    session = new_session(saved=saved)
    with session.one_change():
        session.advance()
        session.say("Opening of requirements.", TurnKind.OPENING)
    assert saved == [1]
    session.reply("An answer.")
    assert saved == [1, 2]


class FailingSave:
    """An `on_change` that fails while `failing` is set, as a full disk would."""

    def __init__(self) -> None:
        self.failing = False
        self.saved: list[int] = []

    def __call__(self, transcript: Transcript) -> None:
        if self.failing:
            raise SaveError("t.json: could not save the transcript (No space left on device)")
        self.saved.append(len(transcript.turns))


def test_a_change_that_cannot_be_saved_is_undone_entirely() -> None:

    clock, save = FakeClock(), FailingSave()
    session = Session(Transcript(case_id="x", case_title="X", level="senior"), clock=clock, on_change=save)
    session.say("Welcome.", TurnKind.INTRO)
    session.advance()
    clock.advance(400)  # over the requirements budget
    session.reply("An answer.")
    before = session.transcript.model_dump()
    save.failing = True
    for change in (
        lambda: session.reply("Another answer."),
        session.advance,
        session.time_up,
        session.end,
        lambda: session.say("A question.", TurnKind.PROMPT),
    ):
        with pytest.raises(SaveError, match="No space left"):
            change()
        assert session.transcript.model_dump() == before
        assert session.phase == "requirements" and session.step_seconds() == pytest.approx(400)
    with pytest.raises(SaveError), session.one_change():
        session.advance()
        session.say("Opening of framing.", TurnKind.OPENING)
    assert session.transcript.model_dump() == before and all(t.step != "framing" for t in session.transcript.turns)
    save.failing = False  # room again: the same change goes through, once
    session.reply("Another answer.")
    assert [t.text for t in session.transcript.turns if t.step == session.phase] == ["An answer.", "Another answer."]
    assert save.saved[-1] == 3  # the welcome and the two answers
