"""Terminal safety: escape and control characters from replies, a model, case files and transcripts are kept as given
but reach no terminal raw (line mode, grade, export, cases, check, errors, the app), and a paste stays a paste."""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Markdown
from tui_helpers import SlowStub, new_interview, wait_until

from conftest import FakeClock, run_cli
from interviewer.errors import InterviewerError
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.plain import LineMode
from interviewer.policy import DraftVoice, Policy
from interviewer.rubric import load_case
from interviewer.terminal import json_printable, printable
from interviewer.transcript import Role, load
from interviewer.tui.app import InterviewerApp
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.modals import ConfirmScreen
from interviewer.tui.paste import PasteSafeParser
from interviewer.tui.replay_screen import ReplayScreen
from interviewer.tui.scorecard_screen import ScorecardScreen
from interviewer.tui.widgets import ReplyBox

ADS = "ad-click-prediction"
TITLE = "\x1b]0;pwned\x07"  # retitles the window
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"  # writes the clipboard
CLEAR = "\x1b[2J"  # clears the screen
EVIL = f"{TITLE} {CLIPBOARD} {CLEAR} \x07 \x9b31m \u202eevil"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
REPLY = f"What is the latency budget {EVIL} and how many daily active users are there?"


def assert_safe(shown: str) -> None:
    for raw in RAW:
        assert raw not in shown, f"{raw!r} reached the terminal"


# -- printable ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"a{TITLE}b", "a<OSC 0;pwned>b"),
        (f"x{CLIPBOARD}y", "x<OSC 52;c;cm0gLXJmIH4K>y"),
        ("x\x1b]52;c;" + "A" * 100 + "\x1b\\y", "x<OSC 52;c;" + "A" * 35 + "…>y"),  # ST-terminated, long payload cut
        (f"p{CLEAR}q", "p<CSI 2J>q"),
        ("\x9b31mred", "<CSI 31m>red"),
        ("ding\x07", "ding<BEL>"),
        ("\x1bc reset", "<ESC c> reset"),
        ("\x1b]0;never ends\nnext", "<ESC ]>0;never ends\nnext"),  # an unterminated OSC hides nothing
        ("del\x7f nul\x00 cr\rx", "del<DEL> nul<NUL> cr<CR>x"),
        ("windows\r\nline", "windows\nline"),
        ("\u202eevil\u2066", "<U+202E>evil<U+2066>"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ],
)
def test_escape_sequences_show_as_one_visible_token(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_no_unsafe_character_survives_and_printable_is_idempotent() -> None:
    everything = "".join(chr(code) for code in range(0xA0)) + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    for text in (everything, EVIL, "\x1b" * 3 + "[" * 3, "\x1b]0;\x08\x1b\\"):
        shown = printable(text)
        assert all(char in "\t\n" or 0x20 <= ord(char) < 0x7F or ord(char) > 0x9F for char in shown)
        assert not any(char in shown for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
        assert printable(shown) == shown


def test_ordinary_text_is_returned_untouched() -> None:
    text = "Ranking by bid ⋅ pCTR — 25 ms; naïve Bayes? <b>not html</b>\n\tindent"
    assert printable(text) is text


def test_markdown_tokens_are_escaped_for_a_markdown_renderer() -> None:
    assert printable(f"a{TITLE}b", markdown=True) == "a\\<OSC 0;pwned>b"


def test_json_stays_the_same_data_without_raw_c1_or_bidi() -> None:
    dumped = json.dumps({"quote": EVIL}, ensure_ascii=False)
    safe = json_printable(dumped)
    assert_safe(safe)
    assert json.loads(safe) == {"quote": EVIL}


# -- line mode ---------------------------------------------------------------------------------------------------------


@dataclass
class EvilModel(DraftVoice):
    """A model whose words hold escape sequences, one of them cut between two deltas."""

    async def phrase(self, utterance, view, on_usage=None) -> AsyncIterator[str]:
        yield utterance.text + " \x1b]0;pw"
        yield "ned\x07 " + EVIL


@dataclass
class FailingModel(DraftVoice):
    """A model whose every call fails with a message quoting the server's answer."""

    async def phrase(self, utterance, view, on_usage=None) -> AsyncIterator[str]:
        raise InterviewerError(f"the server said {EVIL}")
        yield ""  # pragma: no cover - makes this an async generator


def evil_case():
    case = load_case(ADS)
    return case.model_copy(update={"title": f"Ads {TITLE}"})


def test_line_mode_shows_model_output_replies_titles_and_grade_as_text(tmp_path: Path) -> None:
    interview = Interview.create(
        evil_case(), Level.SENIOR, Policy(voice=EvilModel()), tmp_path / "t.json", clock=FakeClock()
    )
    out = io.StringIO()
    assert LineMode(interview, stdin=io.StringIO(f"{REPLY}\n/end\n"), stdout=out).run() == 0
    printed = out.getvalue()
    assert_safe(printed)
    assert "<OSC 0;pwned>" in printed and "Ads <OSC 0;pwned>" in printed
    saved = load(tmp_path / "t.json")
    (reply,) = [turn for turn in saved.turns if turn.role is Role.CANDIDATE]
    assert reply.text == REPLY  # stored as given
    assert any(TITLE in turn.text and EVIL in turn.text for turn in saved.turns if turn.role is Role.INTERVIEWER)


def test_line_mode_shows_a_model_error_quoting_escapes_as_text(tmp_path: Path) -> None:
    interview = Interview.create(
        load_case(ADS), Level.SENIOR, Policy(voice=FailingModel()), tmp_path / "t.json", clock=FakeClock()
    )
    out = io.StringIO()
    assert LineMode(interview, stdin=io.StringIO(f"{REPLY}\n"), stdout=out).run() == 0
    printed = out.getvalue()
    assert_safe(printed)
    assert "the server said <OSC 0;pwned>" in printed


# -- grade, export, cases, check, errors (the real command line) -------------------------------------------------------


@pytest.fixture
def evil_transcript(tmp_path: Path) -> Path:
    path = tmp_path / "t.json"
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), path, clock=FakeClock())
    interview.start()
    interview.reply(REPLY)
    interview.advance_to("framing")
    interview.reply(f"I would frame it as binary classification of a click {EVIL}, trained with log loss.")
    interview.end()
    return path


def test_grade_and_export_show_evidence_as_text(evil_transcript: Path, tmp_path: Path) -> None:
    graded = run_cli("grade", str(evil_transcript))
    assert graded.returncode == 0, graded.stderr
    assert_safe(graded.stdout + graded.stderr)
    assert "<OSC 0;pwned>" in graded.stdout  # the evidence quote is there, as text

    exported = run_cli("export", str(evil_transcript))
    assert exported.returncode == 0, exported.stderr
    assert_safe(exported.stdout)
    assert "\\<OSC 0;pwned>" in exported.stdout  # Markdown: shown as `<OSC 0;pwned>`, not taken for a tag

    target = tmp_path / "card.md"
    written = run_cli("export", str(evil_transcript), "--out", str(target))
    assert written.returncode == 0, written.stderr
    assert_safe(target.read_text(encoding="utf-8"))  # the file is read with `cat` too
    assert any(EVIL in turn.text for turn in load(evil_transcript).turns)  # the transcript keeps the text as given


def test_json_outputs_are_safe_and_lossless(evil_transcript: Path) -> None:
    for args in (("export", str(evil_transcript), "--format", "json"), ("grade", str(evil_transcript), "--json")):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert_safe(result.stdout)
        steps = json.loads(result.stdout)["steps"].values()
        assert any(EVIL in quote for step in steps for quote in step["evidence"].values())  # the same data


def test_cases_and_check_show_titles_from_files_as_text(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    source = (Path(__file__).resolve().parent.parent / "rubrics" / f"{ADS}.yaml").read_text(encoding="utf-8")
    evil = source.replace("title: Ad click prediction", 'title: "Ads \\e]0;pwned\\a \\e[2J"', 1)
    assert evil != source
    (cases / f"{ADS}.yaml").write_text(evil, encoding="utf-8")
    listed = run_cli("cases", env={"INTERVIEWER_RUBRICS_DIR": str(cases)})
    assert listed.returncode == 0, listed.stderr
    assert_safe(listed.stdout)
    assert "Ads <OSC 0;pwned> <CSI 2J>" in listed.stdout

    named = tmp_path / f"cases{TITLE}" / f"{ADS}.yaml"  # `check` names each file it read
    named.parent.mkdir()
    named.write_text(source, encoding="utf-8")
    checked = run_cli("check", str(named))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert_safe(checked.stdout + checked.stderr)
    assert f"cases<OSC 0;pwned>/{ADS}.yaml" in checked.stdout


def test_an_error_naming_a_file_is_one_safe_line(tmp_path: Path) -> None:
    result = run_cli("grade", str(tmp_path / f"answers{TITLE}.yaml"))
    assert result.returncode == 2
    assert result.stderr.startswith("interviewer: error:") and "answers<OSC 0;pwned>.yaml" in result.stderr
    assert_safe(result.stderr + result.stdout)


# -- the app -----------------------------------------------------------------------------------------------------------


def on_screen(app: InterviewerApp) -> str:
    """What the app writes to the terminal for a full repaint of the current screen, less its own escape sequences
    (cursor moves and colours): whatever ESC is left came from the text shown."""
    written = app.screen._compositor.render_update(full=True).render_segments(app.console)
    assert "\x1b[2J" not in written and "\x1b]" not in written
    return re.sub(r"\x1b\[[0-9;]*[mH]", "", written)


async def idle(pilot, screen: InterviewScreen) -> None:
    await wait_until(pilot, lambda: not screen.speaking and not screen.workers)


async def test_the_app_shows_escapes_as_text_and_stores_them_as_given(tmp_path: Path) -> None:
    interview = Interview.create(
        evil_case(), Level.SENIOR, Policy(voice=EvilModel()), tmp_path / "t.json", clock=FakeClock()
    )
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(150, 70)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        screen.query_one(ReplyBox).load_text(REPLY)
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        await pilot.pause()
        shown = on_screen(app)
        assert_safe(shown)
        assert "Ads <OSC 0;pwned>" in shown  # the sidebar title
        assert "<CSI 2J>" in shown  # a Markdown bubble shows the token instead of hiding it as an HTML tag
        for bubble in screen.query(Markdown):
            assert_safe(bubble.source)
    turns = load(tmp_path / "t.json").turns
    assert [turn.text for turn in turns if turn.role is Role.CANDIDATE] == [REPLY]
    assert any(EVIL in turn.text for turn in turns if turn.role is Role.INTERVIEWER)


async def test_the_app_shows_a_model_error_notice_as_text(tmp_path: Path) -> None:
    interview = Interview.create(
        load_case(ADS), Level.SENIOR, Policy(voice=FailingModel()), tmp_path / "t.json", clock=FakeClock()
    )
    app = InterviewerApp(InterviewScreen(interview))
    async with app.run_test(size=(150, 50)) as pilot:
        await idle(pilot, app.screen)
        await pilot.pause()
        shown = on_screen(app)
        assert_safe(shown)
        assert "the server said <OSC 0;pwned>" in shown
    assert any(EVIL in turn.text for turn in load(tmp_path / "t.json").turns if turn.role is Role.SYSTEM)


async def test_replay_and_scorecard_show_escapes_as_text(evil_transcript: Path) -> None:
    transcript = load(evil_transcript)
    transcript.case_title = f"Ads {TITLE}"
    case = evil_case()
    from interviewer.interview import grade_transcript

    grade = grade_transcript(transcript, case)
    app = InterviewerApp(ReplayScreen(transcript, case, grade, evil_transcript))
    async with app.run_test(size=(150, 70)) as pilot:
        await pilot.press("end")
        await pilot.pause()
        shown = on_screen(app)
        assert_safe(shown)
        assert "<OSC 0;pwned>" in shown
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.pause()
        shown = on_screen(app)
        assert_safe(shown)
        assert "Ads <OSC 0;pwned>" in shown  # the scorecard's title
        details = app.screen.query_one("#details", Markdown).source
        assert_safe(details)
        assert "\\<OSC 0;pwned>" in details  # the evidence quote, as text


async def test_the_case_picker_shows_titles_from_files_as_text() -> None:
    from interviewer.catalog import CaseSummary
    from interviewer.tui.picker import CasePickerScreen

    cases = [CaseSummary(id=ADS, title=f"Ads [b]{TITLE}", summary=f"Summary {CLEAR}\x9b")]
    app = InterviewerApp(CasePickerScreen(cases, Level.SENIOR), lambda case_id, level: None)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CasePickerScreen))
        await pilot.pause()
        shown = on_screen(app)
        assert_safe(shown)
        assert "Ads [b]<OSC 0;pwned>" in shown and "Summary <CSI 2J><CSI>" in shown  # text, not markup
        for message in PasteSafeParser().feed(f"\x1b[200~ad{TITLE}\x1b[201~"):  # a paste into the search box
            app.post_message(message)
        await pilot.pause()
        assert app.screen.query_one("#search").value == "ad<OSC 0;pwned>"
        assert_safe(on_screen(app))


# -- pastes --------------------------------------------------------------------------------------------------------

PASTED = f"my notes {TITLE} and \x1b\x1b then \x1b\x13 and {CLIPBOARD}\x07 end"
RAW_PASTE = f"\x1b[200~{PASTED}\x1b[201~"


def parsed(parser: XTermParser, chunks: list[str]) -> list:
    messages = []
    for chunk in chunks:
        if chunk:  # an empty read is the end of input
            messages += list(parser.feed(chunk))
    return messages


def test_textual_parser_still_needs_the_guard() -> None:
    """Textual 8 turns what follows an ESC in a paste into keys (BEL: ctrl+g, ESC ESC: escape, ctrl+s) and pastes only
    the text before it. If this fails, Textual has fixed it and `interviewer.tui.paste` can go."""
    keys = [m.key for m in parsed(XTermParser(), [RAW_PASTE]) if isinstance(m, events.Key)]
    assert {"ctrl+g", "escape", "ctrl+s"} <= set(keys)


@pytest.mark.parametrize("split", range(0, len(RAW_PASTE) + 1, 3))
def test_a_paste_holding_esc_and_bel_is_one_paste_event_and_no_key(split: int) -> None:
    """However the terminal's reads cut the paste (markers included), it is one `Paste` with the text as pasted,
    escapes shown as text: a paste can land in any input (the case search, Textual's command palette)."""
    messages = parsed(PasteSafeParser(), ["a", RAW_PASTE[:split], RAW_PASTE[split:], "z"])
    assert [m.key for m in messages if isinstance(m, events.Key)] == ["a", "z"]
    assert [m.text for m in messages if isinstance(m, events.Paste)] == [printable(PASTED)]


@pytest.mark.parametrize("reads", [["\x1b[A", "q"], ["\x1bOP", "é\x1b[1;5C"], ["\x1b[", "200~x"], ["\x1b[2", "0"]])
def test_keys_outside_a_paste_are_what_textual_makes_of_them(reads: list[str]) -> None:
    def keys(parser: XTermParser) -> list[str]:
        return [m.key for m in parsed(parser, reads) + list(parser.feed("")) if isinstance(m, events.Key)]

    assert keys(PasteSafeParser()) == keys(XTermParser())


def test_a_lone_escape_is_still_the_escape_key(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = PasteSafeParser()
    # A lone ESC at the end of a read may begin a paste: it is held, then reported as escape once nothing follows.
    assert list(parser.feed("\x1b")) == []
    monkeypatch.setattr("interviewer.tui.paste.get_time", lambda: 10**9)
    assert [m.key for m in parser.tick() if isinstance(m, events.Key)] == ["escape"]


async def test_a_raw_paste_in_the_app_stays_text_and_opens_no_dialog(tmp_path: Path) -> None:
    """The bytes a terminal sends for the paste, through the parser the app installs, while the interviewer talks."""
    interview = new_interview(tmp_path, policy=Policy(voice=SlowStub(delay=0.05)))
    app = InterviewerApp(InterviewScreen(interview))
    import textual.drivers.linux_driver as linux_driver

    assert linux_driver.XTermParser is PasteSafeParser  # what the real terminal driver will read input with
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.speaking)
        for message in linux_driver.XTermParser().feed(RAW_PASTE):
            app.post_message(message)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)  # no ctrl+g from the BEL
        assert screen.speaking  # no escape: the interviewer's answer was not cancelled
        box = screen.query_one(ReplyBox)
        assert box.text == printable(PASTED)
        assert_safe(box.text)
        assert_safe(on_screen(app))
        await idle(pilot, screen)


async def test_a_paste_event_with_escapes_goes_into_the_box_as_visible_text(tmp_path: Path) -> None:
    app = InterviewerApp(InterviewScreen(new_interview(tmp_path)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await idle(pilot, screen)
        app.post_message(events.Paste(PASTED + "\rsecond line\r\nthird"))  # as the driver does: to the focused box
        await pilot.pause()
        assert screen.query_one(ReplyBox).text == printable(PASTED) + "\nsecond line\nthird"
        assert_safe(on_screen(app))


def test_keys_typed_before_the_app_starts_are_read_as_typed() -> None:
    """ctrl+s, ctrl+q and Enter reach the app as keys, nothing is echoed, ctrl+c still interrupts; the previous mode
    is put back."""
    import os
    import pty
    import termios

    from interviewer.keyboard import give_back, keys_as_typed

    main, terminal = pty.openpty()
    try:
        before = termios.tcgetattr(terminal)
        restore = keys_as_typed(terminal)
        assert restore is not None
        iflag, _oflag, _cflag, lflag = termios.tcgetattr(terminal)[:4]
        assert not iflag & (termios.IXON | termios.ICRNL)
        assert not lflag & (termios.ICANON | termios.ECHO)
        assert lflag & termios.ISIG
        os.write(main, b"ab\x13\r")
        assert os.read(terminal, 100) == b"ab\x13\r"  # at once (not a line), ctrl+s and Enter as they were typed
        restore()
        assert termios.tcgetattr(terminal) == before
        keys_as_typed(terminal)
        give_back()  # as the app closes: the mode is the terminal's own again before the command prints more
        assert termios.tcgetattr(terminal) == before
    finally:
        os.close(main)
        os.close(terminal)


def test_no_terminal_is_no_change() -> None:
    import os

    from interviewer.keyboard import keys_as_typed

    read, write = os.pipe()
    try:
        assert keys_as_typed(read) is None
    finally:
        os.close(read)
        os.close(write)
