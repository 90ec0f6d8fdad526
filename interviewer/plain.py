"""Line mode: the interview on stdin/stdout. Each input line is one reply, so a whole interview can be scripted."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from interviewer.errors import InterviewerError
from interviewer.framework import STEP_BY_ID, TOTAL_MINUTES, mmss, next_step_id
from interviewer.interview import Interview, Reset
from interviewer.policy.base import Utterance
from interviewer.report import render_grade
from interviewer.session import ReplyRejected
from interviewer.transcript import Role, Turn

HELP = """Commands:
  /next   move on to the next step
  /step ID  move forward to step ID (requirements, framing, data, model, evaluation, serving, monitoring, wrap_up)
  /end    end the interview now and see the grade
  /time   time spent in this step and in total
  /quit   stop here; the transcript is saved and `interviewer resume PATH` continues it
  /help   this list
Anything else is your reply. Each line is one reply."""


class LineMode:
    def __init__(self, interview: Interview, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout):
        if stdin is None:  # started with `<&-`: Python has no stdin at all, and replies come from nowhere
            raise InterviewerError("standard input is closed; line mode reads your replies from it (pipe or type them)")
        self.interview = interview
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = stdin.isatty()

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def show(self, turns: list[Turn]) -> None:
        for turn in turns:
            if turn.role is Role.SYSTEM:
                self.out(f"[{turn.text}]")
            elif turn.role is Role.INTERVIEWER:
                self.out(f"Interviewer ({turn.step}): {turn.text}")
                self.out()

    async def say(self, plan: list[Utterance]) -> None:
        """Realise and commit the plan, printing a model's words as they come (the stub's arrive at once)."""
        interview = self.interview
        for utterance in plan:
            step = interview.session.phase
            if utterance.advance_first:
                step = next_step_id(step) or step
            mark = len(interview.transcript.turns)
            print(f"Interviewer ({step}): ", end="", file=self.stdout, flush=True)
            parts: list[str] = []
            async for piece in interview.realise(utterance):
                if isinstance(piece, Reset):  # a broken stream: what follows replaces it
                    parts.clear()
                    print(
                        "\n[the stream broke; the offline interviewer answers]\nInterviewer: ", end="", file=self.stdout
                    )
                    continue
                parts.append(piece)
                print(piece, end="", file=self.stdout, flush=True)
            self.out()
            self.show([turn for turn in interview.transcript.turns[mark:] if turn.role is Role.SYSTEM])
            interview.commit(utterance, "".join(parts))
            self.out()

    def run(self) -> int:
        return asyncio.run(self.run_async())

    async def run_async(self) -> int:
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
        await self.say(plan)
        while not interview.done:
            if self.interactive:
                print("you> ", end="", file=self.stdout, flush=True)
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:  # end of input: everything said so far is already saved
                self.out(f"Input ended. Transcript saved; continue with: interviewer resume {interview.path}")
                return 0
            line = line.rstrip("\r\n")
            command = line.strip().lower()
            if command.startswith("/"):
                if await self.command(command):
                    return 0
                continue
            mark = len(interview.transcript.turns)
            try:
                plan = interview.plan_reply(line)
            except ReplyRejected as exc:
                if line.strip():  # an empty line is silently ignored; a refusal is explained
                    self.out(f"[{exc}]")
                continue
            self.show([t for t in interview.transcript.turns[mark:] if t.role is Role.SYSTEM])
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
                skipped = interview.advance_to(target, say=False)
            except InterviewerError as exc:
                self.out(f"[{exc}]")
            else:
                await self.say(skipped)
        elif command == "/end":
            await self.say(interview.plan_end())
        elif command == "/help":
            self.out(HELP)
        elif command == "/time":
            session = interview.session
            budget = STEP_BY_ID[session.phase].budget_minutes * 60 if session.in_step else None
            self.out(
                f"[{session.phase}: {mmss(session.step_seconds())} of {mmss(budget)}; "
                f"total {mmss(session.total_seconds())} of {mmss(TOTAL_MINUTES * 60)}]"
            )
        elif command == "/quit":
            self.out(f"Saved. Continue with: interviewer resume {interview.path}")
            return True
        else:
            self.out(f"[unknown command {command}; type /help]")
        return False
