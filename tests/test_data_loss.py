"""Nothing typed or saved is lost: exports never overwrite a transcript, a failed save keeps the reply, stray bytes
and Ctrl-C do not end a run badly, and a crash in the app is one line with the transcript saved."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tui_helpers import new_interview, wait_until

from conftest import ROOT, FakeClock, run_cli, start_cli
from interviewer.errors import InterviewerError, SaveError
from interviewer.exportfile import export_to, looks_like_transcript
from interviewer.framework import STEP_IDS, Level
from interviewer.interview import Interview
from interviewer.plain import LineMode
from interviewer.policy import DraftVoice, Policy
from interviewer.rubric import load_case
from interviewer.transcript import Role, TurnKind, load
from interviewer.tui.app import InterviewerApp
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.scorecard_screen import ScorecardScreen
from interviewer.tui.widgets import ReplyBox

ADS = "ad-click-prediction"


def finished(tmp_path: Path, name: str = "t.json") -> Path:
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), tmp_path / name, clock=FakeClock())
    interview.start()
    for step_id in STEP_IDS:
        interview.advance_to(step_id)
        interview.reply(f"For {step_id} I would ask about the latency budget because it decides the design.")
    interview.end()
    return interview.path


def one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("interviewer: error: ") and fragment in line, line


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- export -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_export_never_overwrites_the_transcript_it_exports(tmp_path: Path, force: bool) -> None:
    path = finished(tmp_path)
    before = path.read_bytes()
    result = run_cli("export", str(path), "--out", str(path), *(["--force"] if force else []))
    one_line_error(result, "is the transcript being exported")
    assert path.read_bytes() == before
    alias = tmp_path / "alias.json"  # the same file by another name
    alias.symlink_to(path)
    one_line_error(run_cli("export", str(path), "--out", str(alias), "--force"), "is the transcript being exported")
    assert path.read_bytes() == before


def test_export_never_overwrites_another_transcript_even_with_force(tmp_path: Path) -> None:
    path = finished(tmp_path)
    other = finished(tmp_path, "other.md")  # a transcript saved under a .md name
    before = other.read_bytes()
    result = run_cli("export", str(path), "--out", str(other), "--force")
    one_line_error(result, "holds a transcript")
    assert other.read_bytes() == before


def test_a_journal_of_turns_is_recognised_as_a_transcript(tmp_path: Path) -> None:
    journal = tmp_path / "t.jsonl"
    journal.write_text('{"step": "requirements", "role": "candidate", "text": "hi"}\n')
    assert looks_like_transcript(journal)
    card = tmp_path / "card.json"
    card.write_text(json.dumps({"case": ADS, "overall": 50, "steps": {}}))
    assert not looks_like_transcript(card)


def test_export_replaces_an_existing_file_only_with_force_and_atomically(tmp_path: Path) -> None:
    path = finished(tmp_path)
    card = tmp_path / "card.md"
    card.write_text("my notes")
    one_line_error(run_cli("export", str(path), "--out", str(card)), "already exists; add --force")
    assert card.read_text() == "my notes"
    result = run_cli("export", str(path), "--out", str(card), "--force")
    assert result.returncode == 0, result.stderr
    assert card.read_text().startswith("# Ad click prediction")
    assert leftovers(tmp_path) == []


def test_export_into_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    path = finished(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(run_cli("export", str(path), "--out", str(blocker / "card.md")), "cannot write")
    one_line_error(run_cli("export", str(path), "--out", str(tmp_path)), "not a regular file")


def test_a_failed_export_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch) -> None:
    card = tmp_path / "card.md"
    card.write_text("old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InterviewerError, match="No space left on device"):
        export_to(card, "new", None, force=True)
    assert card.read_text() == "old"
    assert leftovers(tmp_path) == []


async def test_scorecard_export_of_a_transcript_saved_as_md_keeps_the_transcript(tmp_path: Path) -> None:
    from interviewer.interview import case_for, grade_transcript

    path = finished(tmp_path, "run.md")
    before = path.read_bytes()
    transcript = load(path)
    case = case_for(transcript)
    app = InterviewerApp(ScorecardScreen(transcript, case, grade_transcript(transcript, case), path))
    async with app.run_test() as pilot:
        await pilot.press("e")
        await pilot.pause()
    assert path.read_bytes() == before
    assert (tmp_path / "run.scorecard.md").read_text().startswith("# Ad click prediction")
    assert leftovers(tmp_path) == []


async def test_scorecard_export_asks_before_replacing_a_file(tmp_path: Path) -> None:
    from interviewer.interview import case_for, grade_transcript
    from interviewer.tui.modals import ConfirmScreen

    path = finished(tmp_path)
    notes = tmp_path / "t.md"
    notes.write_text("my notes")
    transcript = load(path)
    case = case_for(transcript)
    app = InterviewerApp(ScorecardScreen(transcript, case, grade_transcript(transcript, case), path))
    async with app.run_test() as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert notes.read_text() == "my notes"
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
    assert notes.read_text().startswith("# Ad click prediction")


# -- a save that fails ------------------------------------------------------------------------------------------------


class Disk:
    """Makes every save of an interview fail on demand with `SaveError`, as the store does when a write fails; the
    session then undoes the change itself. Install it before the interview is created."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        original = Interview._save
        disk = self

        def save(interview: Interview, transcript, *args, **kwargs) -> None:
            if disk.full:
                raise SaveError(f"cannot save {interview.path}: No space left on device")
            original(interview, transcript, *args, **kwargs)

        monkeypatch.setattr(Interview, "_save", save)


def failing_saves(monkeypatch: pytest.MonkeyPatch) -> Disk:
    disk = Disk(monkeypatch)
    disk.full = True
    return disk


async def test_a_reply_that_cannot_be_saved_stays_in_the_box(tmp_path: Path, monkeypatch) -> None:
    disk = Disk(monkeypatch)
    interview = new_interview(tmp_path)
    app = InterviewerApp(InterviewScreen(interview))
    reply = "What is the latency budget?"
    async with app.run_test(notifications=True) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: not screen.speaking and not screen.workers)
        disk.full = True
        screen.query_one(ReplyBox).load_text(reply)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.query_one(ReplyBox).text == reply
        messages = [str(n.message) for n in app._notifications]
        assert any("not saved" in m and "No space left" in m and "ctrl+s" in m for m in messages)
        assert isinstance(app.error, SaveError) and "interviewer resume" in str(app.error)
        disk.full = False
        await pilot.press("ctrl+s")  # the disk has room again: the same text goes through
        await wait_until(pilot, lambda: not screen.speaking and not screen.workers)
        assert screen.query_one(ReplyBox).text == ""
        assert app.error is None
    replies = [t.text for t in load(interview.path).turns if t.role is Role.CANDIDATE]
    assert replies == [reply]


async def test_an_app_that_cannot_save_at_all_stops_with_one_line(tmp_path: Path, monkeypatch) -> None:
    failing_saves(monkeypatch)
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.error is not None)
    # The store wrote the (empty) transcript when the interview was created, so it can be resumed.
    assert app.return_code == 2 and "could not be saved" in str(app.error) and "interviewer resume" in str(app.error)


def test_line_mode_reports_an_unsaved_reply_and_how_to_continue(tmp_path: Path, monkeypatch) -> None:
    disk = Disk(monkeypatch)
    interview = new_interview(tmp_path)
    interview.start()
    disk.full = True
    out = io.StringIO()
    with pytest.raises(SaveError) as caught:
        LineMode(interview, stdin=io.StringIO("What is the latency budget?\nmore\n"), stdout=out).run()
    message = str(caught.value)
    assert "your reply 'What is the latency budget?' was not saved" in message
    assert "No space left on device" in message and f"interviewer resume {interview.path}" in message
    assert "\n" not in message


def test_line_mode_that_cannot_save_exits_non_zero_with_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from interviewer import cli

    failing_saves(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\n"))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    code = cli.main(["chat", "--plain", "--case", ADS, "--out", str(tmp_path / "t.json")])
    assert code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("interviewer: error: the interviewer's turn was not saved (cannot save ")
    # The store wrote the transcript (no turn yet) when the interview was created: it can be resumed.
    assert line.endswith(f"continue with `interviewer resume {tmp_path / 't.json'}`")


# -- stdin ------------------------------------------------------------------------------------------------------------


def test_a_non_utf8_byte_on_stdin_is_replaced_and_the_run_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    script = b"What is the latency budget \xff\xfe for ranking?\nHow many daily users are there?\n/end\n"
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "chat", "--plain", "--case", ADS, "--out", str(out)],
        input=script,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    transcript = load(out)
    assert transcript.finished
    replies = [t.text for t in transcript.turns if t.role is Role.CANDIDATE]
    assert replies == ["What is the latency budget \ufffd\ufffd for ranking?", "How many daily users are there?"]


async def test_the_stdin_reader_joins_split_characters_and_keeps_a_last_line_without_newline() -> None:
    from interviewer.plain import LineReader

    read_end, write_end = os.pipe()
    with os.fdopen(read_end, encoding="utf-8") as stream:
        reader = LineReader(stream)
        os.write(write_end, "caf\u00e9 one\n".encode()[:4])  # "é" is cut in two by the pipe
        os.write(write_end, "caf\u00e9 one\n".encode()[4:] + b"two \x80 three\nlast")
        os.close(write_end)
        lines = [await reader.readline() for _ in range(4)]
    assert lines == ["caf\u00e9 one\n", "two \ufffd three\n", "last\n", ""]


def test_line_mode_never_saves_a_surrogate(tmp_path: Path) -> None:
    interview = new_interview(tmp_path)
    LineMode(interview, stdin=io.StringIO("bad \udcff byte\n/quit\n"), stdout=io.StringIO()).run()
    json.loads(interview.path.read_text())  # valid UTF-8 JSON
    assert [t.text for t in load(interview.path).turns if t.role is Role.CANDIDATE] == ["bad ? byte"]


# -- Ctrl-C -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGHUP, 128 + signal.SIGHUP)],
)
def test_ctrl_c_at_the_prompt_ends_at_once_with_a_pipe_that_stays_open(tmp_path: Path, sent: int, code: int) -> None:
    """Ctrl-C, a `kill` and a closed terminal all end line mode at once, saved, with the way to resume."""
    out = tmp_path / "t.json"
    process = start_cli("chat", "--plain", "--case", ADS, "--out", str(out), text=False)
    assert process.stdin is not None
    process.stdin.write(b"What is the latency budget?\n")
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait for the reply and its answer to be saved: the prompt is waiting
        try:
            turns = load(out).turns
        except Exception:
            turns = []
        if turns and turns[-1].role is Role.INTERVIEWER and any(t.role is Role.CANDIDATE for t in turns):
            break
        time.sleep(0.05)
    started = time.monotonic()
    process.send_signal(sent)
    try:
        stdout, stderr = process.communicate(timeout=10)  # stdin stays open: a blocked reader must not hold it up
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("line mode hung after the signal")
    assert time.monotonic() - started < 6  # at once: the interpreter starts and stops in well under that
    assert process.returncode == code, stderr.decode()
    assert f"interviewer resume {out}".encode() in stdout
    assert b"Traceback" not in stderr and b"Fatal Python error" not in stderr
    transcript = load(out)
    assert [t.text for t in transcript.turns if t.role is Role.CANDIDATE] == ["What is the latency budget?"]


# -- crashes in the app -----------------------------------------------------------------------------------------------


class BreaksMidway(DraftVoice):
    """The stub's voice, but its stream of the first follow-up answer breaks after a few words (connection lost)."""

    async def phrase(self, utterance, view, on_usage=None) -> AsyncIterator[str]:
        if utterance.kind is TurnKind.INTRO or utterance.kind is TurnKind.OPENING:
            yield utterance.text
            return
        yield "Half an ans"
        raise InterviewerError("the stream broke")


async def test_a_model_stream_that_breaks_midway_shows_the_fallback_in_the_app(tmp_path: Path) -> None:
    from interviewer.tui.bubbles import InterviewerMessage

    interview = new_interview(tmp_path, policy=Policy(voice=BreaksMidway()))
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test() as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: not screen.speaking and not screen.workers)
        screen.query_one(ReplyBox).load_text("What is the latency budget?")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.speaking and not screen.workers)
        assert app.crash is None
        last = list(screen.query(InterviewerMessage))[-1]
        assert "Half an ans" not in last.source
    answer = load(interview.path).turns[-1]
    assert answer.fallback and "Half an ans" not in answer.text


async def test_an_unexpected_exception_ends_the_app_with_one_line_and_a_non_zero_code(
    tmp_path: Path, monkeypatch
) -> None:
    interview = new_interview(tmp_path)

    def boom(self) -> None:
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(InterviewScreen, "action_next_step", boom)
    app = InterviewerApp(InterviewScreen(interview))
    with pytest.raises(RuntimeError):  # Pilot re-raises what ended the app
        async with app.run_test() as pilot:
            await wait_until(pilot, lambda: not app.screen.speaking and not app.screen.workers)
            await pilot.press("ctrl+n")
            await pilot.pause()
    assert app.return_code == 1
    assert app._exit_renderables == []  # no traceback with locals on the screen
    report = app.crash_report()
    assert report == (
        f"unexpected error in the app: RuntimeError: boom with a second line; every turn is saved in "
        f"{interview.path}; continue with `interviewer resume {interview.path}`"
    )
    assert load(interview.path).turns  # what was said is there


def test_the_command_line_prints_one_line_and_exits_1_after_a_crash(capsys) -> None:
    from interviewer import commands

    def load_fails() -> Interview:
        raise RuntimeError("boom")

    app = InterviewerApp(InterviewScreen(load=load_fails, title="Ad click prediction", level="senior"))
    app.run = lambda: InterviewerApp.run(app, headless=True)  # type: ignore[method-assign]
    assert commands._run_app(app) == 1
    err = capsys.readouterr().err
    assert err == "interviewer: error: unexpected error in the app: RuntimeError: boom; nothing was saved\n"
