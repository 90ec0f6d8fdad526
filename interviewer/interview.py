"""An interview in progress: the session, the interviewer policy, the transcript file and the grader, wired together.

Every front end (line mode, TUI) drives this one object, so saving after each turn, clocks and grading behave the
same everywhere. An interview with a path holds its transcript file (`interviewer.store`) from `create`/`resume`
to `close` (or the end of a `with` block): no other process can write it meanwhile.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import stat
import time
from collections.abc import AsyncGenerator, Callable
from pathlib import Path

from interviewer.answers import unknown_step_warnings
from interviewer.errors import InterviewerError, SaveError, TranscriptError, UnknownCaseError
from interviewer.framework import STEP_IDS, WRAP_UP, Level, next_step_id
from interviewer.grading import paraphrase
from interviewer.grading.claims import Reply
from interviewer.grading.deterministic import grade_replies
from interviewer.grading.models import CurveballResult, Grade, JudgeSummary, StepJudgement
from interviewer.grading.replies import replies_of
from interviewer.intents import Intent, intent_of
from interviewer.policy import Action, AdvanceReason, Policy, Utterance, View
from interviewer.rubric import Case, load_case, load_case_file
from interviewer.session import DONE, INTRO, PHASES, Session
from interviewer.speech import RESET, Notice, Plan, Reset, Silent, Speech, Spoken
from interviewer.store import Store
from interviewer.transcript import Role, Transcript, Turn, TurnKind
from interviewer.usage import Usage

__all__ = [
    "RESET",
    "Interview",
    "Notice",
    "Plan",
    "Reset",
    "Speech",
    "Spoken",
    "Utterance",
    "case_for",
    "checked_grade",
    "grade_transcript",
]


def grade_transcript(transcript: Transcript, case: Case, level: Level | None = None) -> Grade:
    """Grade what the candidate said, step by step; an interrupted interview is graded on what is there."""
    warnings = [] if transcript.finished else ["the interview did not finish; graded on what was said"]
    warnings += unknown_step_warnings(transcript.candidate_answers())
    replies = transcript_replies(transcript)
    grade = grade_replies(case, level or transcript.level, replies, transcript.step_seconds, warnings)
    grade.curveballs = curveball_results(transcript, case)
    if transcript.drill is not None:  # one step was practised: the others are not gaps
        from interviewer.grading.drill import drill_view

        return drill_view(grade, transcript.drill.step)
    return grade


def curveball_results(transcript: Transcript, case: Case) -> list[CurveballResult]:
    """Each curveball the interviewer brought in, with the candidate's replies after it in its step."""
    from interviewer.grading.curveballs import adapted

    balls = {ball.id: ball for ball in case.curveballs}
    results = []
    for index, turn in enumerate(transcript.turns):
        if turn.kind is TurnKind.CURVEBALL and turn.item_id in balls:
            after = []
            for later in transcript.turns[index + 1 :]:
                if later.step != turn.step:
                    break
                if later.role is Role.CANDIDATE and not later.intent:
                    after.append(later.text)
            results.append(adapted(case, balls[turn.item_id], after))
    return results


def transcript_replies(transcript: Transcript) -> list[Reply]:
    """The candidate's replies in order, each with the item the interviewer's latest follow-up in its step asked
    about (an item first raised there was prompted, not volunteered) and the pushback it answers."""
    return replies_of(transcript.turns)


def checked_grade(
    transcript: Transcript, case: Case, level: Level | None = None, path: Path | None = None
) -> tuple[Grade, str | None]:
    """The transcript's grade recomputed from its turns, and a warning when the saved grade says otherwise.

    A saved grade is only a cache: anyone can edit the file. The deterministic grade is recomputed. A saved judge
    grade cannot be asked again offline, so it is kept only when it carries this installation's seal over the
    candidate's turns (see `interviewer.grading.seal`): quoting a real sentence of the candidate for every item is
    not enough. A sealed grade's credited items are still checked by the judge's own rule (each quote in the
    candidate's words of that step) and the grade is rebuilt from the fresh one plus those credits; if any credit
    fails, the judge's part is dropped. Quotes that are not in the transcript are never kept for display. `path`
    (the transcript's file) only goes into the advice of a warning.
    """
    from interviewer.grading import seal
    from interviewer.grading.judge import combine, unavailable

    fresh = grade_transcript(transcript, case, level)
    saved = transcript.grade
    if saved is None or level not in (None, saved.level):
        return fresh, None  # nothing saved, or a grade for another level was asked for
    rebuilt = fresh
    judge = saved.judge
    if judge is not None:
        if not seal.verify(transcript, judge):
            warning = _unsealed_warning(judge, path)
            return _warned(fresh, warning), warning
        problem = _unverified_credit(transcript, case, judge)
        if problem:
            warning = f"the saved judge grade does not match the transcript ({problem}); showing the regraded one"
            return _warned(fresh, warning), warning
        if judge.status == "unavailable":
            rebuilt = unavailable(fresh, judge.model, judge.error or "no answer", judge.usage)
        else:
            rebuilt = combine(fresh, judge.model_copy(update={"steps": _without_dropped_quotes(judge)}))
    if _verdict(saved) != _verdict(rebuilt):
        warning = (
            f"the saved grade does not match the transcript's turns (saved overall {saved.overall}, "
            f"regraded {rebuilt.overall}); showing the regraded one"
        )
        return _warned(rebuilt, warning), warning
    return rebuilt, None


def _unsealed_warning(judge: JudgeSummary, path: Path | None) -> str:
    again = f"interviewer grade {shlex.quote(str(path)) if path else 'PATH'} --model {shlex.quote(judge.model or 'M')}"
    return (
        "the saved judge grade could not be verified (made on another machine or edited); showing the "
        f"deterministic grade; run `{again}` to judge it again"
    )


def _verdict(grade: Grade) -> tuple:
    """What a grade claims: scores, signal, and per item its coverage and evidence."""
    steps = {
        step_id: (
            step.score,
            [(item.id, item.coverage, item.evidence) for item in step.items],
            [(flag.id, flag.evidence) for flag in step.red_flags],
        )
        for step_id, step in grade.steps.items()
    }
    points = [(point.id, point.mentioned, point.evidence) for point in grade.talking_points]
    return grade.overall, grade.hire_signal, grade.grader, steps, points


def _without_dropped_quotes(judge: JudgeSummary) -> dict:
    """A rejected claim's quote is by definition not in the transcript, so it is not kept to be shown."""
    return {
        step_id: step.model_copy(update={"dropped": [claim.model_copy(update={"quote": ""}) for claim in step.dropped]})
        for step_id, step in judge.steps.items()
    }


def _warned(grade: Grade, warning: str) -> Grade:
    return grade.model_copy(update={"warnings": [*grade.warnings, warning]})


def _unverified_credit(transcript: Transcript, case: Case, judge: JudgeSummary) -> str | None:
    """Why a saved judge credit cannot stand (the first such reason), or None when every one is verified."""
    from interviewer.grading.judge import verify
    from interviewer.grading.models import JudgeClaim, JudgeFlag, JudgeReply

    answers = transcript.candidate_answers()
    for step_id, judged in judge.steps.items():
        if not (judged.credited or judged.rejected or judged.flagged):
            continue
        if step_id not in STEP_IDS:
            return f"credit in an unknown step {step_id!r}"
        claims = [JudgeClaim(id=item_id, covered=True, quote=quote) for item_id, quote in judged.credited.items()]
        claims += [
            JudgeClaim(id=item_id, covered=True, stance="rejects", quote=quote)
            for item_id, quote in judged.rejected.items()
        ]
        flags = [JudgeFlag(id=flag_id, quote=quote) for flag_id, quote in judged.flagged.items()]
        dropped = verify(case, step_id, answers.get(step_id, []), JudgeReply(items=claims, red_flags=flags)).dropped
        if dropped:
            return f"{step_id}/{dropped[0].item_id}: {dropped[0].reason}"
    return None


CASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def case_for(transcript: Transcript) -> Case:
    """The case a transcript was made with: a built-in case by its plain id, or the case file whose absolute path it
    names. A transcript is a file anyone can edit, so it never gets to make us read an arbitrary path: no `/` or `..`
    in an id, and a source must be a regular `.yaml`/`.yml` file (checked before opening, so never a FIFO or a
    device)."""
    source = transcript.case_source
    if source is None:
        if not CASE_ID.fullmatch(transcript.case_id):
            raise TranscriptError(f"the transcript's case_id {_shown(transcript.case_id)} is not a case id")
        try:
            case = load_case(transcript.case_id)
        except UnknownCaseError:
            # A case of the user's own, practised from a folder not given this time: say which file to point at.
            from interviewer.catalog import where_cases_are

            raise TranscriptError(
                f"the transcript is of case {_shown(transcript.case_id)}, which is not among {where_cases_are()}; "
                f"if it is a case of your own, pass the folder that holds {transcript.case_id}.yaml: --rubrics DIR"
            ) from None
    else:
        path = Path(source)
        if not path.is_absolute() or path.suffix.lower() not in (".yaml", ".yml"):
            raise TranscriptError(
                f"the transcript's case_source {_shown(source)} is not the absolute path of a .yaml case file"
            )
        try:
            info = path.stat()
        except OSError as exc:
            raise TranscriptError(
                f"the transcript's case file {_shown(source)} cannot be read: {exc.strerror or exc}"
            ) from None
        if not stat.S_ISREG(info.st_mode):
            raise TranscriptError(f"the transcript's case_source {_shown(source)} is not a regular file")
        case = load_case_file(path)
    if case.id != transcript.case_id:
        raise TranscriptError(
            f"the transcript is of case {_shown(transcript.case_id)} but its case file is of {_shown(case.id)}"
        )
    return case


def _shown(text: str) -> str:
    from interviewer.terminal import printable

    return printable(repr(text if len(text) <= 200 else text[:200] + "..."))


MODEL_STRIKES = 3


class Interview:
    def __init__(
        self,
        case: Case,
        transcript: Transcript,
        policy: Policy,
        path: Path | None,
        clock: Callable[[], float] = time.monotonic,
        store: Store | None = None,
        model_strikes: int = MODEL_STRIKES,
    ):
        self.case = case
        self.policy = policy
        self.path = path
        self.model_strikes = model_strikes  # failed model turns in a row before the model is benched
        self._failed_in_a_row = 0
        self.session = Session(transcript, clock=clock, on_change=self._save)
        self._pending_usage: Usage | None = None
        self._pending_fallback = False
        self._store = store  # created at the first save when not given
        if not transcript.finished:
            paraphrase.prepare(case)  # ready by the end, when the grade needs it

    @classmethod
    def create(
        cls,
        case: Case,
        level: Level,
        policy: Policy,
        path: Path,
        case_source: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        model_strikes: int = MODEL_STRIKES,
    ) -> Interview:
        """A new interview; its transcript file is written and locked at once (`SaveError` if it cannot be)."""
        transcript = Transcript(
            case_id=case.id, case_title=case.title, case_source=case_source, level=level, model=policy.name
        )
        store = Store.create(transcript, path) if path is not None else None
        return cls(case, transcript, policy, path, clock, store=store, model_strikes=model_strikes)

    @classmethod
    def resume(
        cls,
        path: Path,
        policy: Policy,
        clock: Callable[[], float] = time.monotonic,
        model_strikes: int = MODEL_STRIKES,
    ) -> Interview:
        """Continue an interview from its file, which this process then holds (`TranscriptInUseError` if another
        process does)."""
        store, transcript = Store.open(path)
        try:
            if transcript.finished:
                if store.is_journal:  # killed between its last words and the compaction: finish that now
                    store.close(transcript)
                raise InterviewerError(
                    f"{path}: this interview has finished; see it with `interviewer grade {shlex.quote(str(path))}`"
                )
            return cls(case_for(transcript), transcript, policy, path, clock, store=store, model_strikes=model_strikes)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Compact the transcript into plain JSON and release its file; safe to call more than once."""
        if self._store is not None and not self._store.closed:
            self._store.close(self.transcript)

    def __enter__(self) -> Interview:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- state -----------------------------------------------------------------------------------------------------

    @property
    def transcript(self) -> Transcript:
        return self.session.transcript

    @property
    def done(self) -> bool:
        return self.session.done

    def view(self) -> View:
        phase = self.session.phase
        return View(
            self.case,
            self.transcript.level,
            phase,
            self.transcript.turns,
            self.session.step_start(phase),
            elapsed=self.session.total_seconds(),
            step_elapsed=self.session.step_seconds(phase),
        )

    # -- planning and committing ----------------------------------------------------------------------------------
    #
    # What the interviewer says next is planned first (a list of utterances) and each utterance becomes a turn only
    # when it is committed, after a front end has shown it in full. A front end that streams text and lets the user
    # cancel simply stops committing: the transcript never holds half an utterance, and the step only changes when
    # the opening of the next one is committed, so a cancelled reply leaves the interview where it was.

    def plan_start(self) -> Plan:
        """The problem statement and the first question; nothing on a resumed interview, and only the question when
        the problem was stated before the interview stopped."""
        if self.session.phase != INTRO:
            return Plan()
        # Phases only move forward, so while in the intro every turn is one of the intro's (a handful at most).
        stated = any(turn.kind is TurnKind.INTRO for turn in self.transcript.turns)
        intro = () if stated else (self._utterance(self.policy.introduce(self.view()), TurnKind.INTRO),)
        return Plan((*intro, self._opening(AdvanceReason.START)))

    def plan_reply(self, text: str) -> Plan:
        """Record the candidate's reply (at once) and plan the interviewer's answer.

        Raises `SaveError` when the reply cannot be saved; the transcript is then as it was, so the reply can be
        offered again."""
        notice: Turn | None = None
        with self.session.one_change():  # the reply and a time-up notice are saved together, or neither
            self.session.reply(text, intent=intent_of(text))
            over = self.session.over_budget()
            timed_out = over and not self._in_wrap_up
            if timed_out:
                self.session.time_up()  # a system event: noted and applied now, not cancellable
                notice = self.transcript.turns[-1]  # its notice: moving on adds no turn
        if notice is not None:
            return Plan((self._opening(AdvanceReason.TIME, advance=False),), (notice,))
        if over:  # the wrap-up's last minutes are up: nothing follows but the close
            return self.plan_end()
        decision = self.policy.respond(self.view())
        if decision.action is Action.CLOSE or (decision.action is Action.ADVANCE and self._in_wrap_up):
            return self.plan_end()
        if decision.action is Action.ADVANCE:
            return Plan((self._opening(decision.reason or AdvanceReason.COVERED),))
        return Plan((self._utterance(decision.text, decision.kind, decision.item_id, intent=decision.intent),))

    def keep_draft(self, text: str) -> None:
        """Keep what the candidate has typed and not sent (the interview is being left): saved with the transcript,
        it is back in the answer box when the interview is resumed. Blank text keeps nothing. Raises `SaveError`."""
        if not self.done:
            self.session.keep_draft(text if text.strip() else None)

    def plan_next_step(self, confirm: bool = True) -> Plan:
        """The candidate asked to move on. Before anything was answered in a step (the interviewer may just have
        moved on by itself), the interviewer first says where we are; asked again, it moves on. `confirm=False`
        moves on at once (a jump to a named step)."""
        if self.session.done:
            raise InterviewerError("the interview is over")
        if self._in_wrap_up:
            return self.plan_end()
        view = self.view()
        if confirm and self.session.phase in STEP_IDS and not view.answered and not self._skip_offered(view):
            return Plan((self._utterance(self.policy.confirm_skip(view), TurnKind.PROMPT, intent=Intent.MOVE_ON),))
        return Plan((self._opening(AdvanceReason.CANDIDATE),))

    @staticmethod
    def _skip_offered(view: View) -> bool:
        return any(turn.role is Role.INTERVIEWER and turn.intent == Intent.MOVE_ON for turn in view.step_turns)

    def plan_end(self) -> Plan:
        """Close the interview now; committing the closing words grades it."""
        if self.session.done:
            raise InterviewerError("the interview is over")
        return Plan((self._utterance(self.policy.close(self.view()), TurnKind.CLOSING, ends_interview=True),))

    def commit(self, utterance: Utterance, text: str | None = None) -> Turn:
        """Record the utterance as said: `text` is what was shown (a model's words), or else the draft."""
        said = text.strip() if text and text.strip() else utterance.text
        if said is not utterance.text:  # a model's words: a key it echoes (or was fed) is never saved
            from interviewer.redact import redact

            said = redact(said)
        usage, fallback = self._pending_usage, self._pending_fallback
        # Moving to the next step and its opening question, or the closing words, the end and the grade: one save.
        # If it fails nothing of it is recorded (`SaveError`) and the same utterance can be committed again.
        with self.session.one_change():
            if utterance.advance_first:
                self.session.advance()
            turn = self.session.say(
                said, utterance.kind, utterance.item_id, usage=usage, fallback=fallback, intent=utterance.intent
            )
            if utterance.ends_interview:
                self.session.end()
                self.transcript.grade = grade_transcript(self.transcript, self.case)
        self._pending_usage, self._pending_fallback = None, False
        if utterance.ends_interview:
            self._compact()
        return turn

    async def realise(self, utterance: Utterance) -> AsyncGenerator[str | Reset | Notice, None]:
        """The words of a planned utterance as they arrive, for a front end to show and then `commit`.

        If the model cannot answer, the draft is said instead, after a system notice in the transcript (sent as a
        `Notice`); if its stream breaks midway, `RESET` first tells the front end to wipe what it showed, so no half
        text is ever kept. `speak` is the loop that does all of this; use it rather than this.
        """
        self._pending_usage, self._pending_fallback = None, False
        if self.benched:  # the model failed too often: the offline interviewer says the rest
            self._pending_fallback = True
            yield utterance.text
            return
        shown = False
        try:
            words = self.policy.phrase(utterance, self.view(), self._note_usage)
            async with contextlib.aclosing(words):  # a model's request is closed when this stops early
                async for delta in words:
                    shown = True
                    yield delta
            self._failed_in_a_row = 0
            return
        except InterviewerError as exc:  # a model's errors are InterviewerErrors, explained in one line
            from interviewer.redact import redact

            reason = redact(str(exc))  # saved in the transcript: no key or URL password a server echoed
        if shown:
            yield RESET
        self._failed_in_a_row += 1
        text = f"The model could not answer ({reason}); the offline interviewer answered this turn."
        if self.benched:
            text = (
                f"The model could not answer ({reason}). It failed {self._failed_in_a_row} turns in a row, so the "
                "offline interviewer speaks for the rest of the interview."
            )
        with self.session.one_change():
            notice = self.session.say(text, TurnKind.NOTICE, role=Role.SYSTEM)
            self.transcript.model_failures += 1
        yield Notice(notice)
        self._pending_fallback = True
        yield utterance.text

    @property
    def benched(self) -> bool:
        """The model failed `model_strikes` turns in a row: it is not asked again in this session."""
        return self._failed_in_a_row >= self.model_strikes

    async def speak(self, plan: Plan, speech: Speech | None = None, *, drafts: bool = False) -> Spoken:
        """Say a plan: the plan's notices, then each utterance streamed to `speech` and committed once shown in full.

        This is the one loop every front end uses. A broken stream is wiped (`Speech.reset`) and replaced by the
        draft; a cancel (the caller's task cancelled while a `speech` method or the model is awaited) stops before
        the current utterance is committed, so the transcript never holds half of one. `drafts=True` says the
        drafts as they are, without the model (scripts, and steps skipped on the way to a named one).
        Returns what was added: the interviewer's turns and the system notices.
        """
        speech = speech or Silent()
        turns: list[Turn] = []
        notices: list[Turn] = list(plan.notices)
        for turn in plan.notices:
            await speech.notice(turn)
        for utterance in plan:
            await speech.begin(utterance)
            parts: list[str] = []
            async with contextlib.aclosing(self._words(utterance, drafts)) as pieces:
                async for piece in pieces:
                    if isinstance(piece, Reset):
                        parts.clear()
                        await speech.reset()
                    elif isinstance(piece, Notice):
                        notices.append(piece.turn)
                        await speech.notice(piece.turn)
                    else:
                        parts.append(piece)
                        await speech.text(piece)
            await speech.end()
            turn = self.commit(utterance, "".join(parts))
            turns.append(turn)
            await speech.said(turn)
        return Spoken(tuple(turns), tuple(notices))

    async def _words(self, utterance: Utterance, drafts: bool) -> AsyncGenerator[str | Reset | Notice, None]:
        if drafts:
            self._pending_usage, self._pending_fallback = None, False
            yield utterance.text
            return
        async with contextlib.aclosing(self.realise(utterance)) as pieces:
            async for piece in pieces:
                yield piece

    def _note_usage(self, usage: Usage) -> None:
        self._pending_usage = usage if self._pending_usage is None else self._pending_usage + usage
        self.transcript.usage = self.transcript.usage + usage

    # -- the same, all at once with the drafts as they are: tests and scripts on the stub ----------------------------

    def start(self) -> list[Turn]:
        return self._say_now(self.plan_start())

    def reply(self, text: str) -> list[Turn]:
        """Record the candidate's reply and return what the interviewer (and the system) say back."""
        return self._say_now(self.plan_reply(text))

    def next_step(self) -> list[Turn]:
        return self._say_now(self.plan_next_step())

    def end(self) -> list[Turn]:
        return self._say_now(self.plan_end())

    def advance_to(self, phase: str, say: bool = True) -> list[Turn] | Plan:
        """Move forward to `phase` (a step id or `wrap_up`), so a script can say which step its next answer is for.

        Steps skipped on the way are opened with their drafts. With `say=False` the opening of `phase` itself is
        returned as a plan for the caller to `speak` (a model phrases it), instead of being committed.
        """
        order = list(PHASES)
        if phase not in order[1:-1]:
            raise InterviewerError(f"unknown step {phase!r}; steps are {', '.join(order[1:-1])}")
        if order.index(phase) < order.index(self.session.phase):
            raise InterviewerError(f"already past {phase}; the interview is at {self.session.phase}")
        said: list[Turn] = []
        while self.session.phase != phase:
            if not say and next_step_id(self.session.phase) == phase:
                return self.plan_next_step(confirm=False)
            said += self._say_now(self.plan_next_step(confirm=False))
        return said if say else Plan()

    def grade(self) -> Grade:
        """The grade of the finished interview as saved at its end; until then (or when a file holds a grade it
        cannot have had, e.g. an edited unfinished transcript), graded afresh from the turns."""
        saved = self.transcript.grade
        if saved is not None and self.transcript.finished:
            return saved
        return grade_transcript(self.transcript, self.case)

    @property
    def judge_model(self) -> str | None:
        judge = self.policy.judge
        return judge.model if judge is not None else None

    async def ajudge(self, on_step: Callable[[StepJudgement, int, int], None] | None = None) -> Grade:
        """Add the judge's verified claims to the grade of a finished interview (when the policy has a judge);
        `on_step(judgement, done, total)` reports each step as the judge finishes it, for a front end's progress."""
        judge = self.policy.judge
        grade = self.grade()
        if judge is None or (grade.judge is not None):
            return grade
        judged = await judge.judge(self.case, grade, self.transcript.candidate_answers(), on_step)
        if judged.judge is not None:  # sealed, so that `checked_grade` can tell it from a forged one later
            from interviewer.grading.seal import sign

            judged.judge = judged.judge.model_copy(update={"seal": sign(self.transcript, judged.judge)})
        before, self.transcript.grade = self.transcript.grade, judged
        try:
            self._save(self.transcript, whole=True)
        except SaveError:
            self.transcript.grade = before
            raise
        return judged

    # -- internals -------------------------------------------------------------------------------------------------

    @property
    def _in_wrap_up(self) -> bool:
        return self.session.phase == WRAP_UP.id

    def _opening(self, reason: AdvanceReason, advance: bool = True) -> Utterance:
        """The first question of the next step (or of the current one, when the session has already moved on)."""
        phase = self.session.phase
        if advance:
            phase = next_step_id(phase) or DONE
        view = View(
            self.case, self.transcript.level, phase, self.transcript.turns, elapsed=self.session.total_seconds()
        )
        return Utterance(self.policy.open_step(view, reason), TurnKind.OPENING, advance_first=advance, phase=phase)

    def _utterance(
        self,
        text: str,
        kind: TurnKind,
        item_id: str | None = None,
        *,
        intent: str | None = None,
        ends_interview: bool = False,
    ) -> Utterance:
        """An utterance said in the current phase."""
        return Utterance(text, kind, item_id, intent=intent, ends_interview=ends_interview, phase=self.session.phase)

    def _say_now(self, plan: Plan) -> list[Turn]:
        """`speak` with the drafts and no front end: nothing in it waits, so it runs to the end without an event
        loop (and so also from inside a running one, as the tests do)."""
        coroutine = self.speak(plan, drafts=True)
        try:
            coroutine.send(None)
        except StopIteration as finished:
            spoken: Spoken = finished.value
            return [*spoken.notices, *spoken.turns]  # drafts add no notice: the plan's come first
        coroutine.close()
        raise RuntimeError("saying drafts waited for something")  # pragma: no cover - a bug, not an input

    def _save(self, transcript: Transcript, whole: bool = False) -> None:
        """After every change: one line appended to the journal (or, `whole`, the plain transcript rewritten).
        A failure raises `SaveError`; the session then undoes the change."""
        if self.path is None:
            return
        if self._store is None:
            self._store = Store.create(transcript, self.path)
            if not whole:
                return  # the new file holds everything so far
        if whole:
            self._store.save_whole(transcript)
        else:
            self._store.append(transcript)

    def _compact(self) -> None:
        """The finished interview as the plain JSON transcript people share. The journal already holds every turn
        and the grade, so if this fails nothing is lost: `load` reads the journal, and `close` tries again."""
        if self._store is not None:
            with contextlib.suppress(SaveError):
                self._store.compact(self.transcript)
