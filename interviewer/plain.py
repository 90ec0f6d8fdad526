"""Line mode: the interview on stdin/stdout. Each input line is one reply, so a whole interview can be scripted."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import os
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from interviewer.errors import InterviewerError, SaveError
from interviewer.framework import STEP_BY_ID, TOTAL_MINUTES, mmss
from interviewer.interview import Interview, Plan, Utterance
from interviewer.report import render_grade
from interviewer.session import ReplyRejected
from interviewer.terminal import printable
from interviewer.transcript import Role, Turn

HELP = """Commands:
  /next   move on to the next step
  /step ID  move forward to step ID (requirements, framing, data, model, evaluation, serving, monitoring, wrap_up)
  /end    end the interview now and see the grade
  /time   time spent in this step and in total
  /quit   stop here; the transcript is saved and `interviewer resume PATH` continues it
  /help   this list
Anything else is your reply. Each line is one reply."""


def _no_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes smuggled through `surrogateescape`) cannot be saved as JSON: replace them."""
    return text.encode("utf-8", errors="replace").decode("utf-8")


class LineReader:
    """The lines of stdin for the event loop, never blocking it and never holding up the exit.

    A real descriptor is read by a daemon thread with `os.read` (no Python-level buffer lock, so neither Ctrl-C nor
    the interpreter's shutdown waits for it, as they did for `asyncio.to_thread(stdin.readline)`), and decoded with
    replacement: a stray non-UTF-8 byte becomes U+FFFD instead of ending the run. A stream without a descriptor (a
    test's StringIO) is read directly.
    """

    def __init__(self, stream: TextIO):
        self.stream = stream
        try:
            self.fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None
        encoding = getattr(stream, "encoding", None) or "utf-8"
        if codecs.lookup(encoding).name == "ascii":
            # LANG=C names ASCII, yet terminals and pipes send UTF-8: an answer with "é" or "—" must not be mangled.
            encoding = "utf-8"
        try:
            self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        except LookupError:
            self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.queue: asyncio.Queue[str] | None = None

    async def readline(self) -> str:
        """The next line with its newline, or "" at the end of input."""
        if self.fd is None:
            return _no_surrogates(self.stream.readline())
        if self.queue is None:
            self.queue = asyncio.Queue()
            loop = asyncio.get_running_loop()
            threading.Thread(target=self._pump, args=(loop, self.queue), name="stdin", daemon=True).start()
        return await self.queue.get()

    def _pump(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]) -> None:
        assert self.fd is not None
        pieces: list[str] = []  # of the line not yet ended (a list: a very long line stays linear to build)
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # stdin closed under us: the same as the end of input
                chunk = b""
            *ended, rest = _no_surrogates(self.decoder.decode(chunk, final=not chunk)).split("\n")
            lines = []
            for part in ended:
                lines.append("".join([*pieces, part]))
                pieces = []
            if rest:
                pieces.append(rest)
            if not chunk and pieces:
                lines.append("".join(pieces))
            try:
                for line in lines:
                    loop.call_soon_threadsafe(queue.put_nowait, line + "\n")
                if not chunk:
                    loop.call_soon_threadsafe(queue.put_nowait, "")
            except RuntimeError:  # the loop has closed: line mode is over
                return
            if not chunk:
                return


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is: the run ends at once, saved, with the way to resume."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_end_the_run() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `_Stopped` in the main thread while line mode runs (elsewhere: left as they are)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _Stopped(signum)

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class LineMode:
    def __init__(self, interview: Interview, stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.interview = interview
        # Looked up now, not at import: `sys.stdin` is None when the process started with stdin closed (read as
        # an empty input), and tests swap the streams.
        self.stdin: TextIO = stdin or sys.stdin or io.StringIO()
        self.stdout: TextIO = stdout or sys.stdout
        self.interactive = self.stdin.isatty()
        self.lines = LineReader(self.stdin)
        self._unsaved: str | None = None  # the reply being recorded, to name it if its save fails

    def out(self, text: str = "") -> None:
        # Replies, model output, case titles and errors reach the terminal as text, never as escape sequences.
        print(printable(text), file=self.stdout, flush=True)

    def show(self, turns: list[Turn]) -> None:
        for turn in turns:
            if turn.role is Role.SYSTEM:
                self.out(f"[{turn.text}]")
            elif turn.role is Role.INTERVIEWER:
                self.out(f"Interviewer ({turn.step}): {turn.text}")
                self.out()

    async def say(self, plan: Plan) -> None:
        """Say the plan, printing each turn once the interview has passed all of it (`_LineSpeech`)."""
        await self.interview.speak(plan, _LineSpeech(self))

    def run(self) -> int:
        """Run to the end; Ctrl-C, SIGTERM or a closed terminal (SIGHUP) stop at once (every committed turn is saved)
        with the way to resume, exit 128 + the signal's number."""
        try:
            with _signals_end_the_run():
                return asyncio.run(self.run_async())
        except KeyboardInterrupt as stop:
            path = self.interview.path
            with contextlib.suppress(OSError, ValueError):  # after SIGHUP the terminal may be gone
                if path is not None and path.exists():
                    resume = f"interviewer resume {shlex.quote(str(path))}"
                    self.out(f"\nInterrupted. Transcript saved; continue with: {resume}")
                else:
                    self.out("\nInterrupted before anything was saved.")
            return 128 + getattr(stop, "signum", signal.SIGINT)
        finally:
            self.interview.close()  # compact the transcript and release its lock

    async def run_async(self) -> int:
        try:
            return await self._run()
        except SaveError as exc:
            raise self._explain(exc) from None

    def _explain(self, error: SaveError) -> SaveError:
        """One line: what was not saved, why, and how to go on."""
        path = self.interview.path
        if self._unsaved is not None:
            reply = " ".join(self._unsaved.split())
            what = f"your reply {printable(repr(reply[:60] + ('...' if len(reply) > 60 else '')))} was not saved"
        else:
            what = "the interviewer's turn was not saved"
        if path is not None and path.exists():
            again = f"interviewer resume {shlex.quote(str(path))}"
            how = f"every turn before it is saved in {path}; fix that and continue with `{again}`"
        else:
            how = "nothing was saved"
        return SaveError(f"{what} ({error}); {how}")

    async def _run(self) -> int:
        interview = self.interview
        title = interview.case.title
        self.out(f"{title} · level {interview.transcript.level.value} · {interview.policy.name} interviewer")
        self.out(f"Transcript: {interview.path}   (type /help for commands)")
        self.out()
        plan = interview.plan_start()
        if not plan:  # resumed: remind the candidate where they were
            said = [turn for turn in interview.transcript.turns if turn.role is Role.INTERVIEWER]
            self.out(f"Resuming at {STEP_BY_ID[interview.session.phase].title.lower()}.")
            self.show(said[-1:])
            if interview.transcript.draft:  # typed in the app and not sent; line mode has no box to put it back in
                self.out(f"[You had typed, and not sent: {interview.transcript.draft}]")
                self.out()
        await self.say(plan)
        while not interview.done:
            if self.interactive:
                print("you> ", end="", file=self.stdout, flush=True)
            line = await self.lines.readline()
            if not line:  # end of input: everything said so far is already saved
                again = f"interviewer resume {shlex.quote(str(interview.path))}"
                self.out(f"Input ended. Transcript saved; continue with: {again}")
                return 0
            line = line.rstrip("\r\n")
            command = line.strip().lower()
            if command.startswith("/"):
                if await self.command(command):
                    return 0
                continue
            self._unsaved = line
            try:
                plan = interview.plan_reply(line)
            except ReplyRejected as exc:
                self._unsaved = None
                if line.strip():  # an empty line is silently ignored; a refusal is explained
                    self.out(f"[{exc}]")
                continue
            self._unsaved = None  # saved (a SaveError leaves it set, for `_explain`)
            await self.say(plan)
        if interview.judge_model:
            self.out(f"[grading with {interview.judge_model}...]")
            await interview.ajudge()
        self.out(render_grade(interview.grade(), interview.case.title))
        self.out()
        self.out(f"Transcript: {interview.path}")
        return 0

    async def command(self, command: str) -> bool:
        """Run a slash command; True when line mode should stop."""
        interview = self.interview
        if command == "/next":
            await self.say(interview.plan_next_step())
        elif command.startswith("/step"):
            target = command.removeprefix("/step").strip()
            try:
                opening = interview.advance_to(target, say=False)
            except InterviewerError as exc:
                self.out(f"[{exc}]")
            else:
                assert isinstance(opening, Plan)
                await self.say(opening)
        elif command == "/end":
            await self.say(interview.plan_end())
        elif command == "/help":
            self.out(HELP)
        elif command == "/time":
            session = interview.session
            budget = STEP_BY_ID[session.phase].budget_seconds if session.in_step else None
            self.out(
                f"[{session.phase}: {mmss(session.step_seconds())} of {mmss(budget)}; "
                f"total {mmss(session.total_seconds())} of {mmss(TOTAL_MINUTES * 60)}]"
            )
        elif command == "/quit":
            self.out(f"Saved. Continue with: interviewer resume {shlex.quote(str(interview.path))}")
            return True
        else:
            self.out(f"[unknown command {command}; type /help]")
        return False


class _LineSpeech:
    """The interviewer's words on stdout, each turn printed once it is whole; a notice recorded mid-utterance follows
    its line.

    A terminal in line mode cannot take printed words back, and the guard can withdraw a model's turn up to its last
    word (a later sentence loops, the turn ends mid-sentence, the planned question is never asked), so nothing of a
    turn is printed before the interview has passed all of it: withdrawn words are never seen, and what is printed
    is what is saved."""

    def __init__(self, lines: LineMode):
        self.lines = lines
        self.later: list[Turn] = []
        self.speaking = False
        self.held: list[str] = []

    def _print(self, text: str) -> None:
        print(printable(text), end="", file=self.lines.stdout, flush=True)

    async def notice(self, turn: Turn) -> None:
        if self.speaking:
            self.later.append(turn)
        else:
            self.lines.show([turn])

    async def begin(self, utterance: Utterance) -> None:
        self.speaking = True
        self.held.clear()
        self._print(f"Interviewer ({utterance.phase}): ")

    async def text(self, delta: str) -> None:
        self.held.append(delta)

    async def reset(self) -> None:  # a broken stream, or words off the plan: never printed, the draft follows
        self.held.clear()

    async def end(self) -> None:
        self._print("".join(self.held))
        self.held.clear()
        self.lines.out()

    async def said(self, turn: Turn) -> None:
        self.speaking = False
        self.lines.show(self.later)
        self.later.clear()
        self.lines.out()
