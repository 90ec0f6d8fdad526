"""The real app, headless: a whole interview, cancel, bad input, replay, export, palette, minimum size."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events
from textual.message import Message
from textual.widgets import OptionList
from tui_helpers import SlowStub, new_interview, wait_until

from interviewer.catalog import case_files, peek_case
from interviewer.framework import INTRO, STEP_IDS, Level
from interviewer.interview import Interview
from interviewer.policy import DraftVoice, Policy
from interviewer.rubric import load_case
from interviewer.transcript import Role, TurnKind, load
from interviewer.tui.app import InterviewerApp
from interviewer.tui.bubbles import CandidateMessage, InterviewerMessage
from interviewer.tui.chatlog import ChatLog, ReplayLog
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.messages import InterviewEnded, ReplyCancelled, ReplyFinished, ReplyStarted
from interviewer.tui.picker import CasePickerScreen
from interviewer.tui.replay_screen import ReplayScreen
from interviewer.tui.scorecard_screen import ScorecardScreen
from interviewer.tui.widgets import ReplyBox, StepsSidebar

ADS = "ad-click-prediction"

ANSWERS = {
    "requirements": "What is the latency budget and how many daily active users are there?",
    "framing": "I would frame it as binary classification of a click on each impression, trained with log loss, "
    "and rank ads by bid times predicted CTR because that is the expected value.",
    "data": "I would join impression logs with click logs and wait for an attribution window before labelling "
    "negatives, because clicks arrive late.",
    "model": "I would start with a logistic regression baseline with hashed feature crosses and then move to a "
    "deep and cross network, because it learns feature interactions.",
    "evaluation": "I would evaluate offline with normalized cross entropy and calibration on a time based split, "
    "then run an online A/B test on revenue with guardrails.",
    "serving": "I would serve from a feature store and keep ranking within the 25 ms budget by caching embeddings.",
    "monitoring": "I would monitor calibration drift and feature drift, and retrain daily.",
    "wrap_up": "With more time I would look at privacy and consent.",
}


def choices():
    return [peek_case(path) for path in case_files()]


async def send(pilot, app: InterviewerApp, text: str) -> None:
    box = app.screen.query_one(ReplyBox)
    box.load_text(text)
    await pilot.press("ctrl+s")


async def idle(pilot, screen: InterviewScreen) -> None:
    await wait_until(pilot, lambda: not screen.speaking and not screen.workers)


async def test_a_complete_interview_from_case_picker_to_scorecard(tmp_path: Path) -> None:
    started: list[Interview] = []

    def start(case_id: str, level: Level) -> Interview:
        interview = new_interview(tmp_path, case_id)
        started.append(interview)
        return interview

    seen: list[type[Message]] = []
    app = InterviewerApp(CasePickerScreen(choices(), Level.SENIOR), start)
    async with app.run_test(size=(100, 32), message_hook=lambda m: seen.append(type(m))) as pilot:
        await pilot.press(*"click")
        options = app.screen.query_one("#cases", OptionList)
        assert options.option_count == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        screen = app.screen
        interview = started[0]
        assert interview.case.id == ADS
        await idle(pilot, screen)
        for step_id in (*STEP_IDS, "wrap_up"):
            if interview.done:
                break
            if interview.session.phase != step_id:
                continue
            await send(pilot, app, ANSWERS[step_id])
            await idle(pilot, screen)
            if not interview.done and interview.session.phase == step_id:
                await pilot.press("ctrl+n")
                await idle(pilot, screen)
        if not interview.done:
            await pilot.press("ctrl+g")
            await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        assert InterviewEnded in seen and ReplyStarted in seen and ReplyFinished in seen
        assert "Overall" in str(app.screen.query_one("#overall").render())
    transcript = load(tmp_path / "t.json")
    assert transcript.finished and transcript.grade is not None
    replies = [turn.text for turn in transcript.turns if turn.role is Role.CANDIDATE]
    assert replies[0] == ANSWERS["requirements"]
    assert {turn.step for turn in transcript.turns if turn.role is Role.CANDIDATE} >= {"requirements", "framing"}


async def test_the_stream_is_shown_then_saved_as_one_turn(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await idle(pilot, screen)
        shown = [w for w in screen.query(InterviewerMessage)]
        said = [t for t in interview.transcript.turns if t.role is Role.INTERVIEWER]
        assert len(shown) == len(said) == 2
        assert said[1].kind is TurnKind.OPENING
        assert shown[1].source == said[1].text  # the final full update, not a half-parsed stream


async def test_empty_send_does_nothing(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        await idle(pilot, app.screen)
        before = len(interview.transcript.turns)
        await send(pilot, app, "   \n  ")
        await pilot.pause()
        assert len(interview.transcript.turns) == before
        assert not app.screen.query(CandidateMessage)


async def test_a_paste_over_the_limit_is_refused_and_kept_in_the_box(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(notifications=True) as pilot:
        await idle(pilot, app.screen)
        before = len(interview.transcript.turns)
        pasted = "word " * 4001  # 20,005 characters
        await send(pilot, app, pasted)
        await pilot.pause()
        assert len(interview.transcript.turns) == before
        assert app.screen.query_one(ReplyBox).text == pasted
        assert any("over the 20,000 limit" in str(n.message) for n in app._notifications)


async def test_escape_cancels_the_reply_in_progress_and_saves_nothing_of_it(tmp_path: Path) -> None:
    slow = SlowStub(delay=0.01)
    interview = new_interview(tmp_path, policy=Policy(voice=slow))
    seen: list[Message] = []
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(message_hook=seen.append) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        # Slow enough that the escape lands mid-answer however loaded the machine (at 50 ms a word the answer could
        # end first; and the 150-word opening at that pace came close to the 10 s wait).
        slow.delay = 0.3
        await send(pilot, app, "I would start by asking about the business goal and the latency budget here.")
        await wait_until(pilot, lambda: screen.speaking and len(screen.query(InterviewerMessage)) == 3)
        await pilot.pause(0.1)
        turns_before_cancel = len(interview.transcript.turns)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.speaking)
        assert any(isinstance(m, ReplyCancelled) for m in seen)
        assert len(interview.transcript.turns) == turns_before_cancel  # the candidate's reply only
        assert interview.transcript.turns[-1].role is Role.CANDIDATE
        cancelled = screen.query(InterviewerMessage).last()
        assert cancelled.has_class("cancelled")
        # The interview carries on normally afterwards.
        slow.delay = 0.01
        await send(pilot, app, "What is the latency budget?")
        await idle(pilot, screen)
        assert interview.transcript.turns[-1].role is Role.INTERVIEWER
        assert interview.transcript.turns[-1].kind is TurnKind.CLARIFICATION


async def test_chat_follows_new_text_only_when_the_user_is_at_the_bottom(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        chat = screen.query_one(ChatLog)
        for _ in range(3):
            await send(pilot, app, "What is the latency budget?")
            await idle(pilot, screen)
        await pilot.pause(0.1)
        assert chat.max_scroll_y > 0 and chat.scroll_y == chat.max_scroll_y
        chat.focus()
        await pilot.press("home")  # the user scrolls back to read, as with the mouse wheel
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.1)
        assert chat.scroll_y == 0
        await send(pilot, app, "How many daily active users?")
        await idle(pilot, screen)
        await pilot.pause(0.1)
        assert chat.scroll_y < chat.max_scroll_y  # the user is reading history: left where they were


async def test_sidebar_shows_step_states(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await idle(pilot, screen)
        await pilot.press("ctrl+n")  # nothing answered yet: the interviewer asks to confirm first
        await idle(pilot, screen)
        sidebar = screen.query_one(StepsSidebar)
        assert sidebar.states["requirements"] == "current" and interview.transcript.turns[-1].intent == "move_on"
        await pilot.press("ctrl+n")
        await idle(pilot, screen)
        assert sidebar.states["requirements"] == "skipped"  # left without an answer: not a check mark
        assert sidebar.states["framing"] == "current"
        assert sidebar.states["data"] == "upcoming"
        lines = str(screen.query_one("#steps").render()).splitlines()
        assert lines[0].startswith("↷ Requirements") and lines[1].startswith("▶ Framing")
        interview.reply("I would frame it as predicting the probability of a click for each candidate ad.")
        await pilot.press("ctrl+n")
        await idle(pilot, screen)
        assert sidebar.states["framing"] == "done" and sidebar.states["data"] == "current"


async def test_a_step_over_its_budget_is_highlighted(tmp_path: Path) -> None:
    from conftest import FakeClock

    clock = FakeClock()
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), tmp_path / "t.json", clock=clock)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await idle(pilot, screen)
        clock.advance(6 * 60)
        screen.refresh_clock()
        sidebar = screen.query_one(StepsSidebar)
        assert sidebar.over == {"requirements"}
        assert "6:00/5:00" in str(screen.query_one("#steps").render())
        assert "$error" in sidebar._steps_markup(interview.session.step_seconds)


async def test_end_asks_for_confirmation(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        await idle(pilot, app.screen)
        await pilot.press("ctrl+g")
        await pilot.press("n")
        assert not interview.done
        await pilot.press("ctrl+g")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        assert interview.done and interview.transcript.ended_early


def finished_transcript(tmp_path: Path) -> Path:
    interview = new_interview(tmp_path)
    interview.start()
    for step_id in STEP_IDS:
        interview.advance_to(step_id)
        interview.reply(ANSWERS[step_id])
    interview.advance_to("wrap_up")
    interview.reply(ANSWERS["wrap_up"])
    assert interview.done
    return interview.path


def replay_app(path: Path) -> tuple[InterviewerApp, ReplayScreen]:
    from interviewer.interview import case_for, grade_transcript

    transcript = load(path)
    case = case_for(transcript)
    screen = ReplayScreen(transcript, case, grade_transcript(transcript, case), path)
    return InterviewerApp(screen), screen


async def test_replay_steps_through_turns_and_steps(tmp_path: Path) -> None:
    path = finished_transcript(tmp_path)
    app, screen = replay_app(path)
    turns = screen.transcript.turns
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert screen.cursor == 0
        await pilot.press("right")
        assert screen.cursor == 1
        await pilot.press("left")
        assert screen.cursor == 0
        await pilot.press("]")
        assert turns[screen.cursor].step == "requirements"  # intro -> first turn of requirements
        await pilot.press("]")
        assert turns[screen.cursor].step == "framing"
        await pilot.press("3")
        assert turns[screen.cursor].step == "data"
        assert turns[screen.cursor - 1].step != "data"
        await pilot.press("[")
        assert turns[screen.cursor].step == "framing"
        await pilot.pause()
        shown = screen.query_one(ReplayLog).mounted  # the turns up to the cursor, the cursor's marked
        assert len(shown) == screen.cursor + 1
        assert [w.has_class("current-turn") for w in shown] == [False] * screen.cursor + [True]
        await pilot.press("end")
        assert screen.cursor == len(turns) - 1
        await pilot.press("right")  # past the last turn: the scorecard
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.press("r")  # and back to the replay
        await wait_until(pilot, lambda: app.screen is screen)


async def test_replay_annotates_each_answer_with_the_items_it_covered(tmp_path: Path) -> None:
    path = finished_transcript(tmp_path)
    app, screen = replay_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "right")  # framing: the opening, then the candidate's answer
        await pilot.pause()
        answers = list(screen.query(CandidateMessage))
        framing = next(w for w in answers if "binary classification" in w.text)
        note = framing.note
        assert note is not None and note.covered
        shown = str(framing.render())
        assert shown.startswith(framing.text)
        assert all(item_id in shown for item_id in note.covered)


async def test_replay_of_an_interrupted_interview_grades_what_is_there(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    interview.start()
    interview.reply(ANSWERS["requirements"])
    app, screen = replay_app(interview.path)
    assert not screen.transcript.finished
    assert screen.grade.warnings
    async with app.run_test() as pilot:
        await pilot.press("end")
        status = str(app.screen.query_one("#replay-status").render())
        assert "unfinished" in status


async def test_scorecard_exports_markdown_next_to_the_transcript(tmp_path: Path) -> None:
    path = finished_transcript(tmp_path)
    app, _ = replay_app(path)
    async with app.run_test() as pilot:
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.press("e")
        await pilot.pause()
    exported = path.with_suffix(".md")
    text = exported.read_text()
    assert text.startswith("# Ad click prediction")
    assert "Overall" in text and "## Clarify requirements" in text


async def test_screen_actions_are_in_the_command_palette(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        await idle(pilot, app.screen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Send", "Next step", "End & grade", "Cancel", "Help", "Theme"):
            assert title in titles


@pytest.mark.parametrize(("size", "small"), [((50, 15), True), ((80, 24), False)])
async def test_too_small_a_terminal_shows_a_message_instead_of_the_layout(
    tmp_path: Path, size: tuple[int, int], small: bool
) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.has_class("-too-small") is small
        assert app.screen.query_one("#too-small").display is small
        assert app.screen.query_one("#interview").display is not small


async def test_every_binding_has_an_id_and_a_tooltip() -> None:
    from interviewer.tui.modals import ConfirmScreen, HelpScreen

    for screen in (InterviewerApp, InterviewScreen, ScorecardScreen, ReplayScreen, CasePickerScreen, HelpScreen):
        for binding in screen.BINDINGS:
            assert binding.id and binding.tooltip, (screen.__name__, binding.key)
    for binding in ConfirmScreen.BINDINGS:
        assert binding.id and binding.tooltip


async def test_a_case_that_fails_to_load_closes_the_app_with_the_error(tmp_path: Path) -> None:
    from interviewer.errors import RubricError

    def load() -> Interview:
        raise RubricError(["broken.yaml:3: steps: required field is missing"])

    app = InterviewerApp(InterviewScreen(load=load, title="Broken", level="senior"))
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.error is not None)
    assert app.return_code == 2
    assert "broken.yaml:3" in str(app.error)


async def test_text_sent_while_the_case_loads_is_kept_and_goes_once_it_has_loaded(tmp_path: Path) -> None:
    import threading

    release = threading.Event()

    def load() -> Interview:
        release.wait(5)
        return new_interview(tmp_path)

    app = InterviewerApp(InterviewScreen(load=load, title="Ad click prediction", level="senior"))
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "Ad click prediction" in str(screen.query_one("#case-title").render())
        await send(pilot, app, "What is the latency budget?")
        assert screen.query_one(ReplyBox).text == "What is the latency budget?"
        assert any("still loading" in str(n.message) for n in app._notifications)
        release.set()
        await wait_until(pilot, lambda: screen.interview is not None)
        await wait_until(pilot, lambda: len(screen.interview.transcript.turns) >= 4)
        await idle(pilot, screen)
        turns = screen.interview.transcript.turns
        assert [(t.role, t.text) for t in turns if t.role is Role.CANDIDATE] == [
            (Role.CANDIDATE, "What is the latency budget?")
        ]
        assert turns[-1].kind is TurnKind.CLARIFICATION
        assert screen.query_one(ReplyBox).text == ""


def test_peeking_at_a_case_agrees_with_loading_it() -> None:
    from interviewer.rubric import load_case_file

    for path in case_files():
        summary, case = peek_case(path), load_case_file(path)
        assert (summary.id, summary.title, summary.summary) == (case.id, case.title, case.summary)


async def test_keys_typed_just_before_send_all_go_into_the_answer(tmp_path: Path) -> None:
    """ctrl+s must not overtake the characters typed ahead of it (it once sent half an answer)."""
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await idle(pilot, screen)
        typed = "How many posts per day?"
        for key in typed:
            app.post_message(events.Key(key if key != " " else "space", key))
        app.post_message(events.Key("ctrl+s", None))
        # The keys are only posted: wait for the reply to be taken before waiting for the answer, or the test ends
        # (and the app closes) while the answer's bubble is still being drawn: a MountError in a loaded full run.
        await wait_until(
            pilot,
            lambda: (
                interview.transcript.turns[-1].role is Role.INTERVIEWER
                and any(t.role is Role.CANDIDATE for t in interview.transcript.turns)
            ),
        )
        await idle(pilot, screen)
        await pilot.pause(0.2)
        replies = [t.text for t in interview.transcript.turns if t.role is Role.CANDIDATE]
        assert replies == [typed]
        assert screen.query_one(ReplyBox).text == ""


async def test_the_app_streams_a_model_and_shows_when_the_stub_stands_in(tmp_path: Path) -> None:
    import json as _json

    import httpx
    import respx
    from llm_fakes import URL, Sleeps, completion, error, settings, stream

    from interviewer.llm.client import ModelClient
    from interviewer.llm.interviewer import model_policy
    from interviewer.tui.bubbles import NoticeMessage

    replies = [stream("Let's start. ", "What matters most here?"), error(503), error(503)]

    def respond(request: httpx.Request) -> httpx.Response:
        if _json.loads(request.content).get("stream"):
            return replies.pop(0) if replies else stream("Thanks for your time.")
        return completion('{"items": [{"id": "business-objective", "covered": false}], "comment": "ok"}')

    with respx.mock:
        respx.post(URL).mock(side_effect=respond)
        policy = model_policy(ModelClient(settings(max_retries=1), sleep=Sleeps()))
        interview = Interview.create(load_case(ADS), Level.SENIOR, policy, tmp_path / "t.json")
        app = InterviewerApp(InterviewScreen(interview))
        async with app.run_test() as pilot:
            screen = app.screen
            await idle(pilot, screen)
            bubbles = list(screen.query(InterviewerMessage))
            assert bubbles[-1].source == "Let's start. What matters most here?"
            await send(pilot, app, "What is the latency budget?")
            await idle(pilot, screen)
            notices = [str(w.render()) for w in screen.query(NoticeMessage)]
            assert any("offline interviewer answered" in text for text in notices)
            assert interview.transcript.turns[-1].fallback
            await pilot.press("ctrl+g")
            await pilot.press("y")
            await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
            assert "judge: test-model" in str(app.screen.query_one("#reasons").render())


def test_saved_interviewer_turns_show_their_tokens_cost_and_fallback() -> None:
    from interviewer.transcript import Turn
    from interviewer.tui.bubbles import footnote
    from interviewer.usage import Usage

    turn = Turn(
        step="data",
        role=Role.INTERVIEWER,
        text="Why?",
        usage=Usage(input_tokens=1200, output_tokens=30, calls=1, cost_usd=0.0021),
    )
    assert footnote(turn) == "1,200 in, 30 out, $0.0021"
    assert footnote(turn.model_copy(update={"usage": None, "fallback": True})) == "offline fallback"


async def test_a_step_with_only_a_request_in_it_shows_as_skipped(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await idle(pilot, screen)
        interview.reply("Sorry, what was the question?")
        await pilot.press("ctrl+n")
        await idle(pilot, screen)
        await pilot.press("ctrl+n")
        await idle(pilot, screen)
        assert screen.query_one(StepsSidebar).states["requirements"] == "skipped"


async def test_the_sidebar_names_the_interviewer_in_use_when_the_app_starts_from_the_picker(tmp_path: Path) -> None:
    """The picker cannot know which interviewer the settings will choose; the sidebar shows the one in use."""

    def start(case_id: str, level: Level) -> Interview:
        return new_interview(tmp_path, case_id, Policy(voice=DraftVoice(name="local-model")))

    app = InterviewerApp(CasePickerScreen(choices(), Level.SENIOR), start)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press(*"click")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        await idle(pilot, app.screen)
        meta = str(app.screen.query_one("#case-meta").render())
        assert "local-model" in meta and "stub" not in meta


async def test_a_send_before_the_opening_has_arrived_neither_cancels_nor_repeats_the_intro(tmp_path: Path) -> None:
    """Pressing send while the model was still stating the problem showed "Reply cancelled", restarted the opening
    and saved the intro again: the problem is now stated once, and the reply goes (once) when it has been."""
    interview = new_interview(tmp_path, policy=Policy(voice=SlowStub(delay=0.02)))
    seen: list[Message] = []
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(message_hook=seen.append) as pilot:
        screen = app.screen
        box = screen.query_one(ReplyBox)
        box.insert("What is the latency budget?")
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+s")
        assert interview.session.phase == INTRO and box.text == "What is the latency budget?"
        await wait_until(pilot, lambda: len(interview.transcript.turns) >= 4 and not screen.workers)
        assert not any(isinstance(m, ReplyCancelled) for m in seen)
        kinds = [t.kind for t in interview.transcript.turns]
        assert kinds[:2] == [TurnKind.INTRO, TurnKind.OPENING] and kinds.count(TurnKind.INTRO) == 1
        replies = [t.text for t in interview.transcript.turns if t.role is Role.CANDIDATE]
        assert replies == ["What is the latency budget?"]
        assert interview.transcript.turns[3].kind is TurnKind.CLARIFICATION
        assert box.text == ""


async def test_a_send_waiting_for_the_opening_is_dropped_when_the_opening_is_stopped(tmp_path: Path) -> None:
    """Escape stops the interviewer: the reply that was waiting for it stays in the box, unsent, until sent again."""
    slow = SlowStub(delay=0.3)
    interview = new_interview(tmp_path, policy=Policy(voice=slow))
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        box = screen.query_one(ReplyBox)
        box.insert("What is the latency budget?")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.speaking)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.workers and not screen.speaking)
        slow.delay = 0.0
        await pilot.press("ctrl+s")  # says the opening again; the reply goes after it
        await wait_until(pilot, lambda: len(interview.transcript.turns) >= 4 and not screen.workers)
        await pilot.pause()
        replies = [t.text for t in interview.transcript.turns if t.role is Role.CANDIDATE]
        assert replies == ["What is the latency budget?"]


@pytest.mark.parametrize("wait", [0.0, 0.02, 0.1])
async def test_escape_while_the_offline_interviewer_draws_its_answer_keeps_screen_and_file_in_agreement(
    tmp_path: Path, wait: float
) -> None:
    """Escape pressed while the stub's answer is being drawn: either it stops it (marked, and not saved) or the
    answer was already saved (and is not marked); never a bubble that says "not saved" over a saved turn."""
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: interview.session.phase == "requirements" and not screen.workers)
        before = len(interview.transcript.turns)
        box = screen.query_one(ReplyBox)
        box.insert("What is the latency budget?")
        await pilot.press("ctrl+s")
        await pilot.pause(wait)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.workers)
        last = screen.query(InterviewerMessage).last()
        saved = len(interview.transcript.turns) - before  # the reply, and the answer unless it was stopped
        if last.has_class("cancelled"):
            assert saved == 1 and interview.transcript.turns[-1].role is Role.CANDIDATE
        else:
            assert saved == 2 and interview.transcript.turns[-1].text == last.source
        assert [t.role for t in load(tmp_path / "t.json").turns][-saved:][0] is Role.CANDIDATE


class _ScriptedJudge:
    """A judge that finishes one step each time the test lets it, reporting each as the model judge does."""

    model = "scripted-judge"

    def __init__(self) -> None:
        self.go = asyncio.Semaphore(0)

    async def judge(self, case, grade, answers, on_step=None):
        from interviewer.grading.models import StepJudgement

        steps = ["requirements", "data", "modeling"]
        for done, step in enumerate(steps, start=1):
            await self.go.acquire()
            judgement = StepJudgement(step=step, error="timed out" if step == "data" else None, overall="ok")
            if on_step is not None:
                on_step(judgement, done, len(steps))
        return grade


async def test_the_app_shows_the_judges_progress_while_it_grades(tmp_path: Path) -> None:
    from textual.widgets import Label, ProgressBar

    judge = _ScriptedJudge()
    interview = new_interview(tmp_path, policy=Policy(judge=judge))
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        await pilot.press("ctrl+g")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(screen.query("#judging-bar")))
        bar = screen.query_one("#judging-bar", ProgressBar)
        assert bar.total is None and not screen.query_one(ReplyBox).display  # busy, no reply box to type in
        for done in (1, 2):
            judge.go.release()
            await wait_until(pilot, lambda done=done: bar.progress == done)
            assert bar.total == 3 and not isinstance(app.screen, ScorecardScreen)
        label = str(screen.query_one("#judging-label", Label).render())
        assert "scripted-judge: 2 of 3 steps" in label and "not judged" in label  # the data step timed out
        judge.go.release()
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        assert bar.progress == 3
