"""Rough edges a new user met in the app (issue 10), each driven headless through the real app with Pilot."""

from __future__ import annotations

import argparse
import asyncio
import shlex
from pathlib import Path

import pytest
import yaml
from test_tui import replay_app
from textual import events
from textual.screen import Screen
from textual.widgets import Input, Select
from textual.widgets._footer import FooterKey
from tui_helpers import SlowStub, new_interview, screen_text, wait_until

from conftest import ROOT
from interviewer import commands
from interviewer.catalog import case_files, peek_case
from interviewer.framework import STEP_IDS, Level
from interviewer.interview import Interview, case_for, grade_transcript
from interviewer.policy import Policy
from interviewer.transcript import Role, load
from interviewer.tui.app import InterviewerApp
from interviewer.tui.chatlog import ReplayLog
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.modals import ConfirmScreen
from interviewer.tui.picker import CasePickerScreen
from interviewer.tui.replay_screen import ReplayScreen
from interviewer.tui.scorecard_screen import ScorecardScreen
from interviewer.tui.widgets import ReplyBox

ADS = "ad-click-prediction"


async def idle(pilot, screen: InterviewScreen) -> None:
    await wait_until(pilot, lambda: not screen.speaking and not screen.workers)


def finished(tmp_path: Path) -> Path:
    interview = new_interview(tmp_path)
    interview.start()
    interview.reply("What is the latency budget and how many daily active users are there?")
    interview.end()
    return interview.path


def graded_screens(tmp_path: Path) -> list[Screen]:
    path = finished(tmp_path)
    transcript = load(path)
    case = case_for(transcript)
    grade = grade_transcript(transcript, case)
    return [ReplayScreen(transcript, case, grade, path), ScorecardScreen(transcript, case, grade, path)]


def footer_line(app: InterviewerApp) -> str:
    return screen_text(app).rstrip("\n").splitlines()[-1]


def shown_keys(app: InterviewerApp) -> list[str]:
    """Each key the footer offers, as it reads: `^s Send`, `esc Cancel`... and the command palette's."""
    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]


async def test_keys_typed_before_the_first_screen_is_built_reach_the_answer_box(tmp_path: Path) -> None:
    """Text typed right after the command (before the first frame) was read by Textual before the screen existed and
    given to a screen with nothing focused, which dropped it: the keys now wait for the answer box, in order."""
    screen = InterviewScreen(new_interview(tmp_path))
    app = InterviewerApp(screen)
    for character in "Hi":  # queued before the app runs: handled before the screen is mounted
        app.post_message(events.Key(character, character))
    app.post_message(events.Paste(" there"))  # a paste as the app starts waits with the keys, in its place
    async with app.run_test() as pilot:
        await idle(pilot, screen)
        await pilot.pause()
        assert screen.query_one(ReplyBox).text == "Hi there"
        await pilot.press("!")  # and keys after them go straight through, after them
        assert screen.query_one(ReplyBox).text == "Hi there!"


def burst(app: InterviewerApp, keys: list[str]) -> None:
    """Keys arriving faster than the app handles them, as from a fast typist or a terminal's input buffer."""
    for name in keys:
        character = " " if name == "space" else name if len(name) == 1 else None
        app.post_message(events.Key(name, character))


async def test_keys_typed_fast_keep_their_order_in_the_answer_box(tmp_path: Path) -> None:
    """Backspace and the arrows ran only after the characters typed after them: "teh", two backspaces and "he model"
    came out "tehhe mode" (a Textual text area runs its bound keys once they have gone up to the app and back)."""
    screen = InterviewScreen(new_interview(tmp_path))
    app = InterviewerApp(screen)
    async with app.run_test() as pilot:
        await idle(pilot, screen)
        keys = [*"we", "space", *"use", "space", *"teh", "backspace", "backspace", *"he", "space", *"model"]
        burst(app, [*keys, "left", "left", "X", "end", "delete", "ctrl+w", *"data"])
        await wait_until(pilot, lambda: screen.query_one(ReplyBox).text.endswith("data"))
        assert screen.query_one(ReplyBox).text == "we use the data"


async def test_ctrl_c_in_an_empty_answer_box_still_says_how_to_quit(tmp_path: Path) -> None:
    """The box runs its own keys in order; one whose action passes (copy, with nothing selected) goes on as before."""
    screen = InterviewScreen(new_interview(tmp_path))
    app = InterviewerApp(screen)
    async with app.run_test(notifications=True) as pilot:
        await idle(pilot, screen)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert any("to quit the app" in str(note.message) for note in app._notifications)


async def test_keys_typed_fast_keep_their_order_in_the_case_search(tmp_path: Path) -> None:
    picker = CasePickerScreen([peek_case(path) for path in case_files()], Level.SENIOR)
    app = InterviewerApp(picker)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.screen is picker)
        burst(app, [*"zzz", "backspace", "backspace", "backspace", *"click"])
        search = picker.query_one("#search", Input)
        await wait_until(pilot, lambda: search.value.endswith("k"))
        assert search.value == "click"


async def test_keys_reach_the_answer_box_after_the_terminal_was_too_small_and_restored(tmp_path: Path) -> None:
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        box = screen.query_one(ReplyBox)
        assert app.focused is box
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert app.has_class("-too-small")
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.has_class("-too-small")
        await pilot.press(*"hello")
        assert app.focused is box and box.text == "hello"


async def test_a_narrow_terminal_gives_the_sidebar_to_the_chat_and_keeps_the_clock_on_the_answer_box(
    tmp_path: Path,
) -> None:
    """At 60 columns the steps sidebar kept its 30 and left the chat 18 columns of text."""
    screen = InterviewScreen(new_interview(tmp_path))
    app = InterviewerApp(screen)
    async with app.run_test(size=(64, 24)) as pilot:
        await idle(pilot, screen)
        await pilot.pause(1.1)  # the clock's next tick
        sidebar, box = screen.query_one("#sidebar"), screen.query_one(ReplyBox)
        assert not sidebar.display and box.region.width >= 60
        assert box.border_title is not None and str(box.border_title).startswith("Requirements 0:")
        assert "total 0:" in str(box.border_title)
        await pilot.resize_terminal(100, 30)
        await wait_until(pilot, lambda: sidebar.display and not box.border_title)


async def test_an_empty_send_says_there_is_nothing_to_send(tmp_path: Path) -> None:
    screen = InterviewScreen(new_interview(tmp_path))
    app = InterviewerApp(screen)
    async with app.run_test(notifications=True) as pilot:
        await idle(pilot, screen)
        before = len(screen.interview.transcript.turns)
        await pilot.press("space", "enter", "ctrl+s")
        await pilot.pause()
        assert any("Nothing to send yet" in str(note.message) for note in app._notifications)
        assert len(screen.interview.transcript.turns) == before


def replies(interview: Interview) -> list[str]:
    return [turn.text for turn in interview.transcript.turns if turn.role is Role.CANDIDATE]


def slowly_opened(tmp_path: Path) -> tuple[Interview, InterviewScreen, InterviewerApp]:
    """An interview whose interviewer states the problem slowly enough for a send to come before it has."""
    interview = new_interview(tmp_path, policy=Policy(voice=SlowStub(delay=0.03)))
    screen = InterviewScreen(interview)
    return interview, screen, InterviewerApp(screen)


def opening_said(interview: Interview, screen: InterviewScreen) -> bool:
    return interview.session.phase == "requirements" and not screen.speaking


async def test_a_send_waiting_for_the_opening_waits_for_a_terminal_big_enough_to_see_it(tmp_path: Path) -> None:
    interview, screen, app = slowly_opened(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one(ReplyBox).insert("What is the latency budget?")
        await pilot.press("ctrl+s")  # while the problem is being stated: it waits
        await pilot.resize_terminal(50, 15)
        await wait_until(pilot, lambda: opening_said(interview, screen))
        await pilot.pause(0.2)
        assert replies(interview) == []  # not sent unseen
        await pilot.resize_terminal(100, 30)
        await wait_until(pilot, lambda: replies(interview) == ["What is the latency budget?"])


async def test_a_send_waiting_for_the_opening_does_not_go_behind_a_dialog(tmp_path: Path) -> None:
    interview, screen, app = slowly_opened(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen.query_one(ReplyBox).insert("What is the latency budget?")
        await pilot.press("ctrl+s", "ctrl+g")  # then the "end the interview?" dialog opens over it
        await wait_until(pilot, lambda: opening_said(interview, screen))
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmScreen) and replies(interview) == []
        await pilot.press("n")
        await wait_until(pilot, lambda: replies(interview) == ["What is the latency budget?"])


async def test_an_answer_edited_after_a_waiting_send_is_not_sent_without_its_own_ctrl_s(tmp_path: Path) -> None:
    interview, screen, app = slowly_opened(tmp_path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        box = screen.query_one(ReplyBox)
        box.insert("What is the latency")
        await pilot.press("ctrl+s")
        await pilot.press(*" budget?")  # typed on after ctrl+s, while the problem is still being stated
        await wait_until(pilot, lambda: opening_said(interview, screen))
        await pilot.pause(0.2)
        assert replies(interview) == [] and box.text == "What is the latency budget?"
        assert any("changed after ctrl+s" in str(note.message) for note in app._notifications)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: replies(interview) == ["What is the latency budget?"])


async def test_the_too_small_notice_says_keys_wait(tmp_path: Path) -> None:
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert "Keys do nothing until then" in screen_text(app)


async def test_nothing_is_sent_unseen_while_the_terminal_is_too_small(tmp_path: Path) -> None:
    """ctrl+s sent a draft the candidate could not see while the layout was hidden; ctrl+n and ctrl+g acted too."""
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        screen.query_one(ReplyBox).insert("abc")
        before = [turn.text for turn in interview.transcript.turns]
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert app.has_class("-too-small")
        for key in ("ctrl+s", "ctrl+n", "ctrl+g"):
            await pilot.press(key)
        await pilot.pause()
        assert [
            turn.text for turn in interview.transcript.turns
        ] == before and interview.session.phase == "requirements"
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        assert any(turn.text == "abc" for turn in interview.transcript.turns)  # the draft is sent once it can be seen


def chat_then_quit(monkeypatch: pytest.MonkeyPatch, out: Path, *keys: str) -> None:
    """`interviewer start --case ADS --out OUT` in the app: once the interview is up, `keys`, then ctrl+q."""

    async def quit_once_started(app: InterviewerApp) -> int:
        async with app.run_test() as pilot:
            await wait_until(pilot, lambda: getattr(app.screen, "interview", None) is not None)
            await idle(pilot, app.screen)
            await pilot.press(*keys, "ctrl+q")
        return 0

    monkeypatch.setattr(commands, "_need_terminal", lambda: None)
    monkeypatch.setattr(commands, "_run_app", lambda app: asyncio.run(quit_once_started(app)))
    args = argparse.Namespace(case=ADS, level="senior", out=str(out), plain=False, model="stub", base_url=None)
    assert commands.cmd_chat(args) == 0


def test_quitting_the_app_prints_the_command_that_resumes_the_interview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "my run.json"  # a space: the command must be quoted for the shell
    chat_then_quit(monkeypatch, out)
    printed = capsys.readouterr().out
    assert f"interviewer resume {shlex.quote(str(out))}" in printed
    assert not load(out).finished


def test_an_answer_typed_and_not_sent_is_kept_on_quit_and_back_in_the_box_on_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Help says quitting never loses anything, yet the answer in the box was gone after ctrl+q and resume."""

    out = tmp_path / "run.json"
    chat_then_quit(monkeypatch, out, *"Half an answer", "f1")  # quit from the help over the interview
    assert "and the answer you had not sent" in capsys.readouterr().out
    assert load(out).draft == "Half an answer"

    async def resume() -> None:
        with Interview.resume(out, Policy()) as interview:
            screen = InterviewScreen(interview)
            async with InterviewerApp(screen).run_test(notifications=True) as pilot:
                await idle(pilot, screen)
                box = screen.query_one(ReplyBox)
                assert box.text == "Half an answer"
                assert any("back in the box" in str(note.message) for note in screen.app._notifications)
                await pilot.press(*", and the rest.", "ctrl+s")
                await idle(pilot, screen)
                replies = [turn.text for turn in interview.transcript.turns if turn.role is Role.CANDIDATE]
                assert replies == ["Half an answer, and the rest."]
        assert load(out).draft is None  # sent, so nothing is kept any more

    asyncio.run(resume())


async def test_ending_with_an_answer_not_sent_says_it_will_not_be_graded(tmp_path: Path) -> None:
    screen = InterviewScreen(new_interview(tmp_path))
    app = InterviewerApp(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot, screen)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "not been sent" not in app.screen.question
        await pilot.press("n")
        await pilot.press(*"unsent", "ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.endswith("The answer in the box has not been sent: it will not be graded.")


def long_transcript(tmp_path: Path, tall: str | None = None) -> Path:
    """A whole interview with the strong fixture's answers (several lines each); `tall` replaces the first one."""
    answers = yaml.safe_load((ROOT / "tests/fixtures/answers/video-recommendation-strong.yaml").read_text())["answers"]
    interview = new_interview(tmp_path, "video-recommendation")
    interview.start()
    for step in STEP_IDS:
        interview.advance_to(step)
        text = answers[step]
        interview.reply(tall if tall and step == STEP_IDS[0] else " ".join(text) if isinstance(text, list) else text)
    interview.end()
    return interview.path


async def test_a_jump_in_the_replay_shows_the_whole_current_turn(tmp_path: Path) -> None:
    """After a jump the current turn was cut off at the bottom (the log scrolled to it before its Markdown had its
    height): only its top border showed."""
    app, screen = replay_app(long_transcript(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in ("2", "5", "3", "end", "1", "right"):
            await pilot.press(key)
            await pilot.pause(0.3)
            log = screen.query_one(ReplayLog)
            current = log.mounted[-1]
            assert current.has_class("current-turn")
            assert log.region.y <= current.region.y and current.region.bottom <= log.region.bottom, key


async def test_a_turn_taller_than_the_replay_shows_from_its_top(tmp_path: Path) -> None:
    tall = " ".join(f"Point {n}: a long answer line that goes on for a while." for n in range(80))
    app, screen = replay_app(long_transcript(tmp_path, tall))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        while screen.transcript.turns[screen.cursor].text != tall:
            await pilot.press("right")
        await pilot.pause(0.3)
        log = screen.query_one(ReplayLog)
        current = log.mounted[-1]
        assert current.region.height > log.region.height  # taller than the log...
        assert current.region.y == log.region.y  # ...so its first line is at the top


@pytest.mark.parametrize("screen_kind", ["interview", "replay", "scorecard", "picker"])
async def test_every_footer_key_is_readable_at_70_columns(tmp_path: Path, screen_kind: str) -> None:
    if screen_kind == "interview":
        first: Screen = InterviewScreen(new_interview(tmp_path))
    elif screen_kind == "picker":
        first = CasePickerScreen([peek_case(path) for path in case_files()], Level.SENIOR)
    else:
        replay, scorecard = graded_screens(tmp_path)
        first = replay if screen_kind == "replay" else scorecard
    app = InterviewerApp(first, start_interview=lambda case_id, level: new_interview(tmp_path, case_id))
    async with app.run_test(size=(70, 24)) as pilot:
        await pilot.pause(0.3)
        if isinstance(app.screen, InterviewScreen):
            await idle(pilot, app.screen)
        await pilot.pause(0.3)
        keys = shown_keys(app)
        assert len(keys) >= 2 and any(key.endswith(" Quit") for key in keys)
        footer = "\n".join(screen_text(app).rstrip("\n").splitlines()[-2:])
        for key in keys:
            assert key in footer, (key, footer)


async def test_the_open_level_select_leaves_the_footer_visible(tmp_path: Path) -> None:
    app = InterviewerApp(CasePickerScreen([peek_case(path) for path in case_files()], Level.SENIOR))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = footer_line(app)
        assert "Quit" in before
        select = app.screen.query_one("#level", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert select.expanded
        line = footer_line(app)
        assert all(key in line for key in shown_keys(app)), line


async def test_the_help_hides_the_chat_behind_it(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot, app.screen)
        behind = screen_text(app)
        assert interview.case.title in behind  # the sidebar's first line
        await pilot.press("f1")
        await pilot.pause()
        shown = screen_text(app)
        assert "How the interview works" in shown
        assert interview.case.title not in shown


async def test_ending_the_interview_says_it_is_grading(tmp_path: Path) -> None:
    """After ctrl+g the scorecard took seconds on a busy machine, with nothing said meanwhile."""
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await idle(pilot, app.screen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert any("Grading the interview" in str(note.message) for note in app._notifications)


async def test_a_long_confirmation_wraps_inside_the_screen(tmp_path: Path) -> None:
    """The export's "PATH exists. Replace it?" ran off the right edge at 100 columns, its end and border cut."""
    from interviewer.tui.modals import ConfirmScreen

    path = "/tmp/" + "a-rather-long-folder-name/" * 4 + "20261130-013705-video-recommendation.md"
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot, app.screen)
        app.push_screen(ConfirmScreen(f"{path} exists. Replace it with this scorecard?"))
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "Replace it with this scorecard?" in shown.replace("│ ", "").replace(" │", "")
        assert all(len(line) <= 100 for line in screen_text(app).splitlines())
