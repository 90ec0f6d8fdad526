"""The chat log at any length (issue 10): 2,000 turns open, navigate, resume and take a reply with only a window of
bubbles mounted, and the log keeps its rules (follow the end only when the user is there, cancelled bubbles marked)."""

from __future__ import annotations

from pathlib import Path

from test_tui import replay_app
from tui_helpers import new_interview, wait_until

from conftest import FakeClock
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.transcript import Role, TurnKind, load, save
from interviewer.tui.app import InterviewerApp
from interviewer.tui.bubbles import CandidateMessage, InterviewerMessage, NoticeMessage
from interviewer.tui.chatlog import BATCH, WINDOW, ChatLog, EarlierTurns, ReplayLog
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.widgets import ReplyBox

LONG = 2000


def long_transcript(tmp_path: Path, size: int = LONG) -> Path:
    """A real stub exchange (the opening, then clarifying questions and answers), its questions and answers repeated
    with a number each until the transcript has `size` turns; left open, to resume or replay."""
    interview = new_interview(tmp_path)
    interview.start()
    interview.reply("What is the latency budget?")
    interview.reply("How many daily active users?")
    interview.close()
    transcript = load(interview.path)
    head, exchange = transcript.turns[:-4], transcript.turns[-4:]
    turns = list(head)
    while len(turns) < size:
        turn = exchange[(len(turns) - len(head)) % 4]
        turns.append(turn.model_copy(update={"text": f"{turn.text} (turn {len(turns) + 1})"}))
    transcript.turns = turns
    save(transcript, interview.path)
    return interview.path


def text_of(widget) -> str:
    return widget.text if isinstance(widget, CandidateMessage | NoticeMessage) else widget.source


async def idle(pilot, screen: InterviewScreen) -> None:
    await wait_until(pilot, lambda: not screen.speaking and not screen.workers)


async def test_a_replay_of_2000_turns_opens_on_one_turn_and_navigates(tmp_path: Path) -> None:
    app, screen = replay_app(long_transcript(tmp_path))
    turns = screen.transcript.turns
    async with app.run_test(size=(100, 30)) as pilot:
        log = screen.query_one(ReplayLog)
        await wait_until(pilot, lambda: len(log.mounted) == 1)
        assert "Turn 1/2000 " in str(screen.query_one("#replay-status").render())
        await pilot.press("end")
        await wait_until(pilot, lambda: text_of(log.mounted[-1]) == turns[-1].text)
        assert len(log.mounted) == WINDOW  # the window, not 2,000 bubbles
        assert log.mounted[-1].has_class("current-turn")
        assert log.query_one(EarlierTurns)  # standing for the turns above
        for _ in range(3):
            await pilot.press("left")
        assert screen.cursor == LONG - 4
        await wait_until(pilot, lambda: text_of(log.mounted[-1]) == turns[LONG - 4].text)
        assert log.mounted[-1].has_class("current-turn")
        await pilot.press("home")
        await wait_until(pilot, lambda: len(log.mounted) == 1)
        assert text_of(log.mounted[0]) == turns[0].text
        assert not log.query(EarlierTurns)
        await pilot.press("]")  # intro -> the first turn of requirements
        assert turns[screen.cursor].step == "requirements"
        await wait_until(pilot, lambda: text_of(log.mounted[-1]) == turns[screen.cursor].text)


async def test_scrolling_above_the_window_brings_earlier_turns_back(tmp_path: Path) -> None:
    app, screen = replay_app(long_transcript(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        log = screen.query_one(ReplayLog)
        await pilot.press("end")
        await wait_until(pilot, lambda: len(log.mounted) == WINDOW and log.start == LONG - WINDOW)
        await pilot.pause(0.1)
        log.scroll_home(animate=False)  # the mouse wheel, all the way up
        await wait_until(pilot, lambda: log.start == LONG - WINDOW - BATCH)
        assert len(log.mounted) == WINDOW + BATCH
        assert text_of(log.mounted[0]) == screen.transcript.turns[LONG - WINDOW - BATCH].text


async def test_a_resumed_long_interview_shows_the_last_turn_and_takes_a_reply(tmp_path: Path) -> None:
    path = long_transcript(tmp_path)
    interview = Interview.resume(path, Policy(), clock=FakeClock())
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        chat = screen.query_one(ChatLog)
        assert len(chat.mounted) == WINDOW
        last = chat.mounted[-1]
        assert text_of(last) == interview.transcript.turns[-1].text
        await pilot.pause(0.1)
        assert chat.scroll_y == chat.max_scroll_y  # at the end, the last turn on screen
        assert last.region.overlaps(chat.region)
        await pilot.press(*"What is the budget?")
        assert screen.query_one(ReplyBox).text == "What is the budget?"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(interview.transcript.turns) == LONG + 2)
        await idle(pilot, screen)
        assert interview.transcript.turns[-1].kind is TurnKind.CLARIFICATION
        assert text_of(chat.mounted[-1]) == interview.transcript.turns[-1].text
        assert len(chat.mounted) <= WINDOW + BATCH
    interview.close()


async def test_a_long_chat_follows_new_text_only_when_the_user_is_at_the_bottom(tmp_path: Path) -> None:
    interview = Interview.resume(long_transcript(tmp_path, 200), Policy(), clock=FakeClock())
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        chat = screen.query_one(ChatLog)
        chat.focus()
        await pilot.press("home")  # reading back: the batch above the window comes in
        await wait_until(pilot, lambda: chat.start == 200 - WINDOW - BATCH)
        await pilot.pause(0.1)
        reading = chat.scroll_y
        mounted = len(chat.mounted)
        screen.query_one(ReplyBox).focus()
        await pilot.press(*"How many daily active users?")
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        await pilot.pause(0.1)
        assert chat.scroll_y == reading < chat.max_scroll_y  # left where they were reading
        assert len(chat.mounted) == mounted + 2  # and nothing trimmed under them
        chat.scroll_end(animate=False)  # back at the end: it follows again, and trims
        await pilot.pause(0.1)
        await pilot.press(*"What is the latency budget?")
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        await pilot.pause(0.1)
        assert chat.scroll_y == chat.max_scroll_y
        assert chat.start > 200 - WINDOW - BATCH and len(chat.mounted) <= WINDOW + 1  # trimmed while following
    interview.close()


def test_a_bubble_that_leaves_the_window_comes_back_as_it_was() -> None:
    cancelled = InterviewerMessage("Half of an **answer**")
    cancelled.add_class("cancelled")
    cancelled.border_subtitle = "cancelled: not saved"
    twin = cancelled.copy()
    assert twin.has_class("cancelled")
    assert twin.footnote == "cancelled: not saved"
    assert twin.source == cancelled.source  # shown as it was, not escaped a second time
    escaped = InterviewerMessage("bell \x07 and <b>")
    assert escaped.copy().source == escaped.source
    answer = CandidateMessage("my answer")
    assert answer.copy().text == "my answer"
    assert NoticeMessage("the model failed").copy().text == "the model failed"


async def test_a_cancelled_reply_is_marked_and_not_saved_in_a_long_interview(tmp_path: Path) -> None:
    from tui_helpers import SlowStub

    interview = Interview.resume(long_transcript(tmp_path, 200), Policy(voice=SlowStub(delay=0.2)), clock=FakeClock())
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        chat = screen.query_one(ChatLog)
        screen.query_one(ReplyBox).load_text("I would start with the business goal and the latency budget here.")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                screen.speaking
                and isinstance(chat.mounted[-2], CandidateMessage)
                and isinstance(chat.mounted[-1], InterviewerMessage)
            ),
        )
        await pilot.pause(0.3)
        saved = len(interview.transcript.turns)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.speaking)
        assert len(interview.transcript.turns) == saved
        assert interview.transcript.turns[-1].role is Role.CANDIDATE
        assert chat.mounted[-1].has_class("cancelled")
    interview.close()


async def test_a_bubble_the_closing_app_never_mounted_takes_its_text_without_error(tmp_path: Path) -> None:
    """As the app closes (ctrl+q while the interviewer speaks) the chat log, being removed, mounts nothing: the new
    bubble stays unmounted and the words streamed into it have nowhere to go. That raised MountError in the
    speaking worker, and failed a test that quit then, in loaded full runs."""
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test() as pilot:
        await idle(pilot, app.screen)
        bubble = InterviewerMessage()  # as `ChatLog.add_interviewer` leaves it when the log is closing
        await bubble.update("Words that **arrived** with nowhere to go.")
        assert not bubble.children
