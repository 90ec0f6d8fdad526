"""The opening drawn before the case loads (issue 10): read cheaply from the case file, shown in the first frame, taken
over by the interview once it is ready: said once, saved once, nothing typed meanwhile lost, resume unchanged."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from textual.app import App, ComposeResult
from tui_helpers import new_interview, screen_text, wait_until

from interviewer.catalog import Opening, case_files, case_path, peek_case, peek_opening
from interviewer.commands import _early_opening, interview_screen_for
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.transcript import Role, TurnKind, load
from interviewer.tui.app import InterviewerApp
from interviewer.tui.bubbles import InterviewerMessage
from interviewer.tui.chatlog import ChatLog
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.opening import OpeningBubble, simple_markdown
from interviewer.tui.picker import CasePickerScreen
from interviewer.tui.widgets import ReplyBox

ADS = "ad-click-prediction"


def ads_opening() -> Opening:
    path = case_path(ADS)
    opening = peek_opening(path, peek_case(path).title)
    assert opening is not None
    return opening


# -- the cheap read ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", case_files(), ids=lambda path: path.stem)
def test_the_cheap_read_of_a_case_gives_the_offline_interviewers_opening(path: Path, tmp_path: Path) -> None:
    opening = peek_opening(path, peek_case(path).title)
    assert opening is not None and opening.question is not None
    assert OpeningBubble.of(opening.intro, "intro") and OpeningBubble.of(opening.question, "opening")
    interview = new_interview(tmp_path, path.stem)
    said = interview.start()
    assert [(turn.kind, turn.text) for turn in said] == [
        (TurnKind.INTRO, opening.intro),
        (TurnKind.OPENING, opening.question),
    ]


def write_case(tmp_path: Path, prompt: str, step: str = "") -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(f"id: tiny\ntitle: Tiny\nsummary: A tiny case.\n{prompt}\nfacts: []\n{step}")
    return path


@pytest.mark.parametrize(
    "prompt",
    [
        "prompt: |\n  First line\n  second line.\n\n  Another paragraph.\n",
        "prompt: |-\n  Kept as written.\n",
        "prompt: >\n  Folded\n  into one.\n\n  Then this.\n",
        "prompt: >-\n  Folded\n\n\n  twice.\n",
        "prompt: Plain words on one line.\n",
    ],
)
def test_block_and_plain_scalars_read_as_yaml_reads_them(tmp_path: Path, prompt: str) -> None:
    step = "steps:\n  requirements:\n    opening: >-\n      What do you\n      want to know?\n    items: []\n"
    path = write_case(tmp_path, prompt, step)
    opening = peek_opening(path, "Tiny")
    data = yaml.safe_load(path.read_text())
    assert opening is not None
    assert opening.intro.split("\n\n", 1)[1].rsplit("\n\n", 1)[0] == data["prompt"].strip()
    assert opening.question.endswith(data["steps"]["requirements"]["opening"])


@pytest.mark.parametrize(
    "prompt",
    [
        "prompt: 'Quoted words.'\n",
        'prompt: "Escaped\\tword."\n',
        "prompt: |\n  Kept\n    more indented\n",
        "prompt: |+\n  Kept with its newlines.\n",
        "prompt: plain words\n  going on a second line\n",
        "prompt: &anchor Anchored.\n",
        "prompt: |\n\tTabbed.\n",
    ],
)
def test_what_only_yaml_reads_right_gives_no_early_opening(tmp_path: Path, prompt: str) -> None:
    assert peek_opening(write_case(tmp_path, prompt), "Tiny") is None


def test_a_case_without_its_own_first_question_opens_with_the_frameworks(tmp_path: Path) -> None:
    from interviewer.framework import REPLY_STEPS

    opening = peek_opening(write_case(tmp_path, "prompt: Words.\n", "steps:\n  framing:\n    opening: No.\n"), "T")
    assert opening is not None
    assert opening.question.endswith(REPLY_STEPS[0].opening)


def test_only_the_offline_interviewer_has_its_first_question_drawn_early(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = case_path(ADS)
    stub, model = _early_opening(path, "Ad click prediction", "stub"), _early_opening(path, "Ad click", "gpt-x")
    assert stub is not None and stub.question is not None
    assert model is not None and model.question is None and model.intro  # a model phrases its own question
    (tmp_path / ".env").write_text("INTERVIEWER_MODEL=gpt-x\n")
    named = _early_opening(path, "Ad click prediction", "stub")
    assert named is not None and named.question is None  # a model named in .env is known only once it is read


# -- the bubble that looks like Markdown -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a *b*",
        "`code`",
        "- item",
        "1. item",
        "# Title",
        "[link](x)",
        "a <b>",
        "see https://x.test",
        "see example.com",
        "mail a@b",
        "a\\b",
        "x_y_z",
    ],
)
def test_anything_but_paragraphs_and_bold_is_left_to_markdown(text: str) -> None:
    assert simple_markdown(f"Words before. {text}" if not text.startswith(("-", "1", "#")) else text) is None


class Bubbles(App[None]):
    CSS_PATH = str(Path(__file__).parent.parent / "interviewer" / "tui" / "app.tcss")

    def __init__(self, bubble) -> None:
        super().__init__()
        self.bubble = bubble

    def compose(self) -> ComposeResult:
        yield ChatLog(self.bubble, id="chat")


async def test_the_early_bubble_looks_like_the_markdown_bubble_it_stands_for() -> None:
    opening = ads_opening()
    shown = []
    for text, kind in ((opening.intro, "intro"), (opening.question, "opening")):
        for bubble in (OpeningBubble.of(text, kind), InterviewerMessage(text)):
            app = Bubbles(bubble)
            async with app.run_test(size=(70, 40)) as pilot:
                styled = await settled_screen(pilot, app)
                lines = [line.rstrip() for line in screen_text(app).splitlines()]
                bold = re.findall(r"\x1b\[1;[\d;]*m([^\x1b]+)", styled)
                looks = (bubble.styles.color, bubble.styles.background, bubble.styles.border, bubble.styles.padding)
                shown.append((lines, bold, looks))
    assert shown[0] == shown[1]  # the same lines, broken at the same words, the same words bold, the same colours
    assert shown[2] == shown[3]
    assert "Ad click" in shown[0][1]  # the title, bold in both
    assert "Clarify requirements" in "".join(shown[2][1])


async def settled_screen(pilot, app: App) -> str:
    """The screen once drawn in full and no longer changing (Markdown parses off the event loop and mounts its blocks
    later; a loaded machine can take a while)."""
    before = ""
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        now = styled_screen(app)
        if now == before and "Interviewer" in now and "the " in now:
            return now
        before = now
    raise AssertionError("the screen never settled")


def styled_screen(app: App) -> str:
    """The screen as text with its styles (colours, bold) as escape sequences."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system="truecolor")
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=True)


# -- the hand-over -----------------------------------------------------------------------------------------------------


def slow_loader(tmp_path: Path) -> tuple[threading.Event, list[Interview], object]:
    release = threading.Event()
    made: list[Interview] = []

    def load() -> Interview:
        release.wait(10)
        made.append(new_interview(tmp_path))
        return made[-1]

    return release, made, load


async def test_the_opening_is_on_screen_before_the_case_loads_and_said_once(tmp_path: Path) -> None:
    release, made, loader = slow_loader(tmp_path)
    opening = ads_opening()
    screen = InterviewScreen(load=loader, title="Ad click prediction", level="senior", opening=opening)
    app = InterviewerApp(screen)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert screen.interview is None
        assert "constraints?" in screen_text(app)  # the first question's last words, with nothing loaded
        # Typed and sent before the interviewer is ready: kept in the box, and sent once it is.
        screen.query_one(ReplyBox).load_text("What is the latency budget?")
        await pilot.press("ctrl+s")
        assert screen.query_one(ReplyBox).text == "What is the latency budget?"
        assert "goes as soon as it is ready" in screen_text(app)
        release.set()
        await wait_until(pilot, lambda: screen.interview is not None and len(made[0].transcript.turns) > 3)
        await wait_until(pilot, lambda: not screen.speaking and not screen.workers)
        chat = screen.query_one(ChatLog)
        bubbles = [widget for widget in chat.mounted if isinstance(widget, OpeningBubble | InterviewerMessage)]
        assert [type(widget) for widget in bubbles][:2] == [OpeningBubble, OpeningBubble]  # kept, not drawn twice
        turns = made[0].transcript.turns
        assert [(turn.kind, turn.text) for turn in turns[:2]] == [
            (TurnKind.INTRO, opening.intro),
            (TurnKind.OPENING, opening.question),
        ]
        assert turns[2].role is Role.CANDIDATE and turns[2].text == "What is the latency budget?"
        assert turns[3].kind is TurnKind.CLARIFICATION
        assert screen.query_one(ReplyBox).text == ""
    saved = load(made[0].path)
    assert [turn.kind for turn in saved.turns].count(TurnKind.INTRO) == 1
    assert [turn.kind for turn in saved.turns].count(TurnKind.OPENING) == 1


async def test_a_case_picked_in_the_app_opens_as_early_as_one_named_on_the_command_line(tmp_path: Path) -> None:
    """From the picker, the first question was drawn only once the case and engine had loaded, and the header said
    "stub" whatever the model: the picked case now opens like `--case`, with the model's name."""
    release, made, loader = slow_loader(tmp_path)

    def start(case_id: str, level: Level) -> Interview:
        assert case_id == ADS
        return loader()

    picker = CasePickerScreen([peek_case(case_path(ADS))], Level.SENIOR)
    app = InterviewerApp(picker, start, interview_screen=interview_screen_for(start, "local-model"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        await pilot.pause()
        assert app.screen.interview is None  # still loading
        assert "local-model" in str(app.screen.query_one("#case-meta").render())
        assert len(app.screen.query(OpeningBubble)) == 1  # the problem, before the case loaded (a model asks its own)
        release.set()
        await wait_until(pilot, lambda: app.screen.interview is not None and not app.screen.workers)
    assert [turn.kind for turn in made[0].transcript.turns] == [TurnKind.INTRO, TurnKind.OPENING]


async def test_an_early_opening_that_differs_from_the_case_gives_way_to_what_is_said(tmp_path: Path) -> None:
    release, made, loader = slow_loader(tmp_path)
    release.set()
    stale = Opening("Hi, these are **stale** words.", "And a stale question?")
    screen = InterviewScreen(load=loader, title="Ad click prediction", level="senior", opening=stale)
    app = InterviewerApp(screen)
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_until(pilot, lambda: screen.interview is not None and not screen.workers and not screen.speaking)
        await pilot.pause()
        shown = screen_text(app)
        chat = screen.query_one(ChatLog)
        assert not [widget for widget in chat.mounted if isinstance(widget, OpeningBubble)]
        assert len([widget for widget in chat.mounted if isinstance(widget, InterviewerMessage)]) == 2
    assert "stale" not in shown
    assert "Hi, thanks for joining" in shown and "constraints?" in shown
    assert [turn.kind for turn in made[0].transcript.turns] == [TurnKind.INTRO, TurnKind.OPENING]


async def test_an_interview_opened_early_resumes_with_its_opening_once(tmp_path: Path) -> None:
    release, made, loader = slow_loader(tmp_path)
    release.set()
    screen = InterviewScreen(load=loader, title="Ad click prediction", level="senior", opening=ads_opening())
    async with InterviewerApp(screen).run_test() as pilot:
        await wait_until(pilot, lambda: screen.interview is not None and not screen.workers and not screen.speaking)
    made[0].close()

    resumed = Interview.resume(made[0].path, Policy())
    with resumed:
        again = InterviewScreen(resumed)
        async with InterviewerApp(again).run_test(size=(100, 60)) as pilot:
            await wait_until(pilot, lambda: not again.workers and not again.speaking)
            await pilot.pause()
            chat = again.query_one(ChatLog)
            assert len([widget for widget in chat.mounted if isinstance(widget, InterviewerMessage)]) == 2
            assert not [widget for widget in chat.mounted if isinstance(widget, OpeningBubble)]
            assert screen_text(app=again.app).count("Hi, thanks for joining") == 1
        assert [turn.kind for turn in resumed.transcript.turns] == [TurnKind.INTRO, TurnKind.OPENING]


async def test_the_first_frame_shows_the_first_question(tmp_path: Path) -> None:
    """The chat log follows its end from its first layout (Textual anchored that one against no size at all, which
    scrolled the log empty for a frame)."""
    release, _made, loader = slow_loader(tmp_path)
    screen = InterviewScreen(load=loader, title="Ad click prediction", level="senior", opening=ads_opening())
    app = InterviewerApp(screen)
    frames: list[str] = []
    display = app._display

    def capture(on: object, update: object) -> None:
        if update is not None and not frames:
            console = Console(width=80, height=24, file=io.StringIO(), record=True)
            console.print(update)
            frames.append(console.export_text())
        display(on, update)  # type: ignore[arg-type]

    app._display = capture  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(frames))
        release.set()
    assert "Ad click prediction" in frames[0]
    assert "constraints?" in frames[0]
