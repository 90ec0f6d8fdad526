"""Secrets: a key a server echoes and credentials inside OPENAI_BASE_URL are never printed, saved or shown."""

from __future__ import annotations

import argparse
import base64
import io
from pathlib import Path

import httpx
import pytest
import respx
from llm_fakes import SECRET, URL, Sleeps, error, settings, stream

from conftest import FakeClock
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.llm.client import ModelClient
from interviewer.llm.interviewer import model_policy
from interviewer.plain import LineMode
from interviewer.redact import StreamRedactor, redact, redact_url, register_secret, register_url_secrets
from interviewer.rubric import load_case
from interviewer.settings import Settings

ECHO = f"Incorrect API key provided: {SECRET[:7]}{'*' * 30}{SECRET[-4:]}. You can find your API key at example."


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:secret@host.test/v1", "https://***@host.test/v1"),
        ("https://sk-token-as-user@host.test/v1", "https://***@host.test/v1"),
        (
            "https://host.test/v1?api-key=abc123&api-version=2024-06-01",
            "https://host.test/v1?api-key=***&api-version=2024-06-01",
        ),
        ("http://localhost:11434/v1", "http://localhost:11434/v1"),
    ],
)
def test_urls_lose_their_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_finds_keys_and_credentials_in_any_text() -> None:
    register_secret("zz-custom-provider-key-9876543210")
    text = (
        "bad key sk-abc123def456ghi, or sk-ab...wxyz; Authorization: Bearer tok.en-1; "
        "at https://me:pw123@h.test/v1 with zz-custom-provider-key-9876543210 and zz-c****3210"
    )
    shown = redact(text)
    for secret in ("sk-abc123def456ghi", "sk-ab...wxyz", "tok.en-1", "pw123", "9876543210", "zz-c****"):
        assert secret not in shown
    assert redact("a plain sentence... with *** stars and sk") == "a plain sentence... with *** stars and sk"


def test_settings_show_the_base_url_without_credentials() -> None:
    configured = Settings(base_url="https://user:secret@host.test/v1", api_key="sk-abcdefgh12345678")
    assert configured.shown_base_url == "https://***@host.test/v1"
    assert "secret" not in repr(configured) and "secret" not in str(configured) and "***@host.test" in repr(configured)
    assert "sk-abcdefgh" not in repr(configured)
    assert configured.base_url == "https://user:secret@host.test/v1"  # what the client connects with


@respx.mock
def test_a_model_error_notice_saved_and_printed_has_no_key(tmp_path: Path) -> None:
    respx.post(URL).mock(return_value=error(401, ECHO))
    client = ModelClient(settings(base_url="http://bob:hunter2-password@llm.test/v1", max_retries=0), sleep=Sleeps())
    path = tmp_path / "t.json"
    interview = Interview.create(
        load_case("ad-click-prediction"), Level.SENIOR, model_policy(client), path, clock=FakeClock()
    )
    out = io.StringIO()
    assert LineMode(interview, stdin=io.StringIO("What is the latency budget?\n"), stdout=out).run() == 0
    saved = path.read_text(encoding="utf-8")
    for shown in (saved, out.getvalue()):
        assert SECRET not in shown and SECRET[-4:] not in shown and "hunter2" not in shown
        assert "Incorrect API key provided: ***" in shown  # the server's reason is kept, the key is not


@respx.mock
def test_a_key_the_model_says_in_its_own_words_is_never_saved(tmp_path: Path) -> None:
    respx.post(URL).mock(
        side_effect=lambda request: stream(
            "Sure: about 100 ms at p99, 25 ms for ranking. Your key is ", SECRET[:10], SECRET[10:], ". Anything else?"
        )
    )
    client = ModelClient(settings(max_retries=0), sleep=Sleeps())
    path = tmp_path / "t.json"
    interview = Interview.create(
        load_case("ad-click-prediction"), Level.SENIOR, model_policy(client), path, clock=FakeClock()
    )
    assert LineMode(interview, stdin=io.StringIO("What is the latency budget?\n"), stdout=io.StringIO()).run() == 0
    saved = path.read_text(encoding="utf-8")
    assert "Your key is ***" in saved and SECRET not in saved and SECRET[-4:] not in saved


def _says_the_key(request) -> object:
    # The key cut where its last piece is too short to be recognised alone: shown as it came, it would leak.
    return stream(
        "Sure: about 100 ms at p99, 25 ms for ranking. Your key is ", SECRET[:-4], SECRET[-4:], ". Anything else?"
    )


def _leaks(shown: str) -> bool:
    return SECRET in shown or SECRET[:8] in shown or SECRET[-4:] in shown


def test_a_stream_redactor_holds_back_a_word_until_it_is_whole() -> None:
    redactor = StreamRedactor()
    pieces = [redactor.feed(delta) for delta in ("Your key is ", SECRET[:-4], SECRET[-4:], ". Go on.")]
    assert pieces[:3] == ["Your key is ", "", ""]  # nothing of the key before it is whole
    shown = "".join(pieces) + redactor.flush()
    assert shown == "Your key is ***. Go on."


@respx.mock
def test_a_key_the_model_says_is_redacted_on_the_screen_in_line_mode(tmp_path: Path) -> None:
    respx.post(URL).mock(side_effect=_says_the_key)
    client = ModelClient(settings(max_retries=0), sleep=Sleeps())
    interview = Interview.create(
        load_case("ad-click-prediction"), Level.SENIOR, model_policy(client), tmp_path / "t.json", clock=FakeClock()
    )
    out = io.StringIO()
    assert LineMode(interview, stdin=io.StringIO("What is the latency budget?\n"), stdout=out).run() == 0
    printed = out.getvalue()
    assert "Your key is ***. Anything else?" in printed and not _leaks(printed)


@respx.mock
async def test_a_key_the_model_says_is_redacted_on_the_screen_in_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_helpers import screen_text, wait_until

    from interviewer.tui import interview_screen
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.bubbles import InterviewerMessage

    respx.post(URL).mock(side_effect=_says_the_key)
    client = ModelClient(settings(max_retries=0), sleep=Sleeps())
    interview = Interview.create(
        load_case("ad-click-prediction"), Level.SENIOR, model_policy(client), tmp_path / "t.json", clock=FakeClock()
    )
    # Every piece the app is given to show, streamed: a key shown for one frame is shown.
    streamed: list[str] = []
    show = interview_screen._ChatSpeech.text

    async def recorded(self, delta: str) -> None:
        streamed.append(delta)
        await show(self, delta)

    monkeypatch.setattr(interview_screen._ChatSpeech, "text", recorded)
    app = InterviewerApp(interview_screen.InterviewScreen(interview))
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.query(InterviewerMessage)) >= 2 and not app.screen.speaking)
        await pilot.pause(0.1)
        opening = list(app.screen.query(InterviewerMessage))[-1]  # the model's first turn
        assert "Your key is ***. Anything else?" in opening.source
        assert "Your key is ***." in "".join(streamed) and not _leaks("".join(streamed))
        assert not _leaks(screen_text(app))


@respx.mock
def test_grade_with_a_model_prints_the_endpoint_without_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import ANSWERS
    from interviewer.commands import cmd_grade

    respx.post(URL).mock(return_value=error(401, ECHO))
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("OPENAI_BASE_URL", "http://bob:hunter2-password@llm.test/v1")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
    args = argparse.Namespace(
        path=str(ANSWERS / "ad-click-prediction-weak.yaml"), json=False, level=None, model="test-model", base_url=None
    )
    assert cmd_grade(args) == 0
    printed = capsys.readouterr()
    for shown in (printed.out, printed.err):
        assert SECRET not in shown and SECRET[-4:] not in shown and "hunter2" not in shown
    assert "grading with test-model at http://***@llm.test/v1" in printed.err


# -- a short password in the base URL (issue 7): httpx sends it as `Authorization: Basic base64(user:password)`


def echo_credentials(request: httpx.Request) -> httpx.Response:
    """A server that echoes what it was sent, in every form a real one might."""
    auth = request.headers.get("authorization", "")
    decoded = base64.b64decode(auth.split()[-1]).decode() if auth.lower().startswith("basic ") else ""
    unpadded = auth.rstrip("=")
    return error(401, f"Incorrect API key provided: {auth} ({unpadded}); basic={decoded} {decoded[:-1]}... pw=s3cr3t")


@respx.mock
def test_a_short_password_in_the_base_url_is_never_printed_or_saved(tmp_path: Path) -> None:
    route = respx.route(host="llm.test").mock(side_effect=echo_credentials)
    client = ModelClient(settings(base_url="http://user:s3cr3t@llm.test/v1", max_retries=0), sleep=Sleeps())
    path = tmp_path / "t.json"
    interview = Interview.create(
        load_case("ad-click-prediction"), Level.SENIOR, model_policy(client), path, clock=FakeClock()
    )
    out = io.StringIO()
    assert LineMode(interview, stdin=io.StringIO("What is the latency budget?\n"), stdout=out).run() == 0
    assert route.called and route.calls[0].request.headers["authorization"].startswith("Basic ")
    basic = base64.b64encode(b"user:s3cr3t").decode()
    saved = path.read_text(encoding="utf-8")
    for shown in (saved, out.getvalue()):
        assert "Incorrect API key provided: Basic ***" in shown  # the server's message is there, the secret is not
        for secret in ("s3cr3t", "s3cr3", basic, basic.rstrip("="), "user:s3"):
            assert secret not in shown


def test_a_one_to_three_character_password_is_redacted_only_where_it_is_a_credential() -> None:
    register_url_secrets("http://bob:ab@llm.test/v1")
    basic = base64.b64encode(b"bob:ab").decode()
    shown = redact(f"sent bob:ab as Basic {basic} or {basic.rstrip('=')}, then http://bob:ab@llm.test/v1")
    assert "bob:ab" not in shown and basic.rstrip("=") not in shown
    assert redact("about a tab: ab") == "about a tab: ab"  # the password alone is too common to mask everywhere


def test_a_user_name_without_password_masks_its_basic_form_not_every_user_word() -> None:
    register_url_secrets("http://someuser@llm.test/v1")
    basic = base64.b64encode(b"someuser:").decode()
    assert basic.rstrip("=") not in redact(f"Authorization: Basic {basic}")
    assert redact("someuser: hello") == "***: hello"  # an 8+ character user name is a token
    register_url_secrets("http://ann@llm.test/v1")
    assert redact("ann: the user: field") == "ann: the user: field"


def test_a_percent_encoded_password_is_redacted_as_sent() -> None:
    register_url_secrets("http://user:p%40ss@llm.test/v1")
    basic = base64.b64encode(b"user:p@ss").decode()
    shown = redact(f"basic=user:p@ss {basic} user:p%40ss")
    assert "p@ss" not in shown and "p%40ss" not in shown and basic.rstrip("=") not in shown
