"""The transcript store: the journal while an interview runs, compaction, failed saves that lose nothing, one writer
per transcript, and a turn whose cost does not grow with the interview."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ANSWERS, ROOT, FakeClock, run_cli, start_cli
from interviewer import store as store_module
from interviewer import transcript as transcripts
from interviewer.answers import load_answers
from interviewer.errors import InterviewerError, SaveError, TranscriptError, TranscriptInUseError
from interviewer.framework import STEP_IDS, Level
from interviewer.grading import addressed
from interviewer.grading.deterministic import StepGrader, grade_step
from interviewer.grading.text import split_sentences
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.rubric import load_case
from interviewer.store import Store
from interviewer.transcript import JOURNAL_MAGIC, Role, TurnKind, load, read

ADS = "ad-click-prediction"
QUESTION = "What is the latency budget?"


def new_interview(path: Path, clock: FakeClock | None = None) -> Interview:
    return Interview.create(load_case(ADS), Level.SENIOR, Policy(), path, clock=clock or FakeClock())


def left_journal(path: Path) -> None:
    """The journal a process killed after one reply leaves: the problem, the first question, a reply and its answer."""
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    interview._store.close()  # as if killed: the journal stays


def replies_in(path: Path) -> list[str]:
    return [turn.text for turn in load(path).turns if turn.role is Role.CANDIDATE]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- the journal ---------------------------------------------------------------------------------------------------


def test_a_running_interview_is_a_journal_that_loads_as_the_same_transcript(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    interview.reply("I would optimise long term advertiser revenue while keeping users happy with the ads.")
    assert path.read_bytes().startswith(JOURNAL_MAGIC)
    assert load(path).model_dump() == interview.transcript.model_dump()
    interview.close()
    # Closed: compacted into the plain JSON transcript people share, with the same content.
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and len(data["turns"]) == len(interview.transcript.turns)
    assert load(path).model_dump() == interview.transcript.model_dump()
    assert leftovers(tmp_path) == []


def test_each_change_appends_one_line_and_never_rewrites_earlier_ones(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    sizes = []
    for number in range(30):
        before = path.read_bytes()
        interview.reply(f"{QUESTION} ({number})")
        after = path.read_bytes()
        assert after.startswith(before)  # append-only: the earlier lines are untouched
        assert after.count(b"\n") == before.count(b"\n") + 2  # the reply, then the interviewer's answer
        sizes.append(len(after) - len(before))
    # The cost of a change does not grow with the interview: the last reply writes about what the first did.
    assert max(sizes[-5:]) <= 1.2 * max(sizes[:5])
    interview.close()


def test_a_finished_interview_is_compacted_with_its_grade(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    with new_interview(path) as interview:
        interview.start()
        interview.reply(QUESTION)
        interview.end()
        assert not path.read_bytes().startswith(JOURNAL_MAGIC)  # compacted as soon as it is graded
    transcript = load(path)
    assert transcript.finished and transcript.grade == interview.transcript.grade


def test_a_torn_last_line_is_ignored_and_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    whole = load(path).model_dump()
    interview._store.close()  # as if killed: the journal stays
    torn_line = path.read_bytes().count(b"\n") + 1
    with path.open("ab") as handle:
        handle.write(b'{"n":4,"turns":[{"step":"requirements","role":"candidate","text":"half a rep')
    warnings: list[str] = []
    assert load(path, on_warning=warnings.append).model_dump() == whole
    assert len(warnings) == 1 and f"t.json:{torn_line}: the last line of the journal is incomplete" in warnings[0]
    load(path)
    load(path)
    err = capsys.readouterr().err
    assert err.count("interviewer: warning:") == 1 and "incomplete" in err  # reported once per process


def test_resume_cuts_a_torn_line_off_and_continues_after_it(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    left_journal(path)
    with path.open("ab") as handle:
        handle.write('{"n":4,"turns":[{"text":"caf\u00e9'.encode()[:-1])  # cut inside a UTF-8 character
    with Interview.resume(path, Policy(), clock=FakeClock()) as resumed:
        resumed.reply("How many daily active users are there?")
        assert path.read_bytes().startswith(JOURNAL_MAGIC)
        assert replies_in(path) == [QUESTION, "How many daily active users are there?"]
    assert replies_in(path) == [QUESTION, "How many daily active users are there?"]


def test_a_broken_line_inside_the_journal_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    left_journal(path)
    lines = path.read_bytes().split(b"\n")
    lines[2] = b'{"n": 2, "turns": [oops'
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(TranscriptError, match=r"t\.json:3: not a transcript: invalid JSON"):
        load(path)


def test_a_line_that_repeats_turns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    left_journal(path)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:-1], lines[-2], b""]))  # the last change written twice
    with pytest.raises(
        TranscriptError, match=r"t\.json:7: not a transcript: journal line continues at turn 3, expected 4"
    ):
        load(path)


def test_a_journal_of_an_unknown_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"interviewer_journal":1,"schema_version":2,"transcript":{}}\n')
    with pytest.raises(TranscriptError, match="unknown transcript schema_version 2"):
        load(path)


def test_the_cli_reads_a_journal_like_a_transcript(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    interview.reply("I would predict the click probability of each ad with a calibrated model to rank them.")
    interview._store.close()  # a killed process leaves the journal
    graded = run_cli("grade", str(path), "--json")
    assert graded.returncode == 0, graded.stderr
    assert json.loads(graded.stdout)["case"] == ADS
    exported = run_cli("export", str(path), "--format", "json")
    assert exported.returncode == 0 and json.loads(exported.stdout) == json.loads(graded.stdout)


def test_resuming_a_plain_transcript_journals_from_its_first_change(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    with new_interview(path) as interview:
        interview.start()
        interview.reply(QUESTION)
    plain = path.read_bytes()
    with Interview.resume(path, Policy(), clock=FakeClock()):
        assert path.read_bytes() == plain  # opening it changes nothing
    with Interview.resume(path, Policy(), clock=FakeClock()) as resumed:
        resumed.reply("How many daily active users are there?")
        assert path.read_bytes().startswith(JOURNAL_MAGIC)
    assert replies_in(path) == [QUESTION, "How many daily active users are there?"]
    assert leftovers(tmp_path) == []


# -- temp files a kill -9 left behind --------------------------------------------------------------------------------


def plant_temps(folder: Path) -> tuple[list[str], list[str]]:
    """Temp files as a rewrite of t.json killed before its rename leaves them, and look-alikes that must stay."""
    stale = [".t.json.k3x_9q2a.tmp", ".t.json.00000000.tmp"]
    for name in stale:
        (folder / name).write_text('{"schema_version": 1, "turns": [')  # cut short, as a kill leaves it
    (folder / "elsewhere.txt").write_text("x")
    unrelated = [
        ".t.json.md.abcd1234.tmp",  # a temp of `t.json.md` (an export), not of the transcript
        ".other.json.abcd1234.tmp",  # another transcript's
        ".t.json.abcd123.tmp",  # not the shape mkstemp makes
        "t.json.abcd1234.tmp",
        ".t.json.link1234.tmp",  # a symlink is never followed nor removed
        ".t.json.dir12345.tmp",  # nor a folder
    ]
    for name in unrelated[:4]:
        (folder / name).write_text("keep")
    (folder / unrelated[4]).symlink_to(folder / "elsewhere.txt")
    (folder / unrelated[5]).mkdir()
    return stale, unrelated


def test_resume_removes_the_temp_files_a_killed_rewrite_left(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    with new_interview(path) as interview:
        interview.start()
        interview.reply(QUESTION)
    stale, unrelated = plant_temps(tmp_path)
    with Interview.resume(path, Policy(), clock=FakeClock()) as resumed:
        present = {p.name for p in tmp_path.iterdir()}
        assert not present & set(stale)
        assert set(unrelated) <= present and (tmp_path / "elsewhere.txt").read_text() == "x"
        resumed.reply("How many daily active users are there?")
    assert replies_in(path) == [QUESTION, "How many daily active users are there?"]


def test_temp_files_are_left_alone_while_another_process_holds_the_transcript(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    stale, _ = plant_temps(tmp_path)  # for all this opener knows, the holder is writing these right now
    with pytest.raises(TranscriptInUseError):
        Store.open(path)
    assert all((tmp_path / name).exists() for name in stale)
    interview.close()


def test_creating_a_transcript_removes_temps_left_under_its_name(tmp_path: Path) -> None:
    stale, unrelated = plant_temps(tmp_path)  # a kill -9 during a create, then the half-made file was never there
    with new_interview(tmp_path / "t.json") as interview:
        interview.start()
    present = {p.name for p in tmp_path.iterdir()}
    assert not present & set(stale) and set(unrelated) <= present


def test_resume_from_the_cli_cleans_up_a_stale_temp(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    with new_interview(path) as interview:
        interview.start()
        interview.reply(QUESTION)
    stale = tmp_path / ".t.json.abcd_123.tmp"
    stale.write_text("half a transcript")
    result = run_cli("resume", "--plain", str(path), stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and leftovers(tmp_path) == []


# -- a failed save loses nothing ------------------------------------------------------------------------------------


def disk_full_after(monkeypatch: pytest.MonkeyPatch, allowed: int) -> None:
    """Every write beyond the next `allowed` bytes writes part of its data, then fails as a full disk does."""
    real = os.pwrite
    budget = [allowed]

    def pwrite(fd: int, data, offset: int) -> int:
        if len(data) <= budget[0]:
            budget[0] -= len(data)
            return real(fd, data, offset)
        if budget[0] > 0:
            written = real(fd, bytes(data[: budget[0]]), offset)
            budget[0] = 0
            return written
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(transcripts.os, "pwrite", pwrite)


def test_a_reply_that_cannot_be_saved_raises_and_leaves_everything_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    before, on_disk = interview.transcript.model_dump(), path.read_bytes()
    with monkeypatch.context() as patch:
        disk_full_after(patch, 40)  # the line is cut after 40 bytes
        with pytest.raises(SaveError, match=r"t\.json: could not save the transcript \(No space left on device\)"):
            interview.plan_reply("How many daily active users are there?")
    assert interview.transcript.model_dump() == before
    assert path.read_bytes() == on_disk  # the partial line was cut off again
    # Once there is room again, the same reply goes through, once.
    interview.reply("How many daily active users are there?")
    assert replies_in(path) == [QUESTION, "How many daily active users are there?"]
    assert load(path).model_dump() == interview.transcript.model_dump()


def test_an_unsent_answer_is_kept_in_the_journal_until_a_reply_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.keep_draft("   ")
    assert load(path).draft is None  # blank: nothing to keep
    interview.keep_draft("Half an answer")
    assert load(path).draft == "Half an answer"  # in the journal, before any compaction
    with monkeypatch.context() as patch:
        disk_full_after(patch, 10)
        with pytest.raises(SaveError):
            interview.keep_draft("Another half")
    assert interview.transcript.draft == "Half an answer"  # a draft that cannot be saved leaves the kept one
    interview.reply("How many daily active users are there?")
    assert interview.transcript.draft is None and load(path).draft is None
    interview.keep_draft("Left unsent")
    interview.end()
    assert load(path).draft is None  # a finished interview keeps no unsent text


def test_line_mode_shows_an_answer_left_unsent_in_the_app(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.keep_draft("Half an answer")
    interview.close()
    again = run_cli("resume", "--plain", str(path), stdin="/end\n")
    assert again.returncode == 0, again.stderr
    assert "[You had typed, and not sent: Half an answer]" in again.stdout


def test_session_reply_raises_save_error_with_the_transcript_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = new_interview(tmp_path / "t.json")
    interview.start()
    session = interview.session
    before = interview.transcript.model_dump()
    monkeypatch.setattr(transcripts.os, "pwrite", lambda *a: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(SaveError, match="I/O error"):
        session.reply("An answer about requirements.")
    assert interview.transcript.model_dump() == before
    in_phase = [t for t in interview.transcript.turns if t.step == session.phase]
    assert interview.transcript.turns[session.step_start() :] == in_phase


def test_a_failed_step_change_rolls_back_the_phase_and_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    interview = new_interview(tmp_path / "t.json", clock)
    interview.start()
    interview.reply("I would first ask about the business goal and the latency budget.")
    clock.advance(42)
    before = interview.transcript.model_dump()
    plan = interview.plan_next_step()
    with monkeypatch.context() as patch:
        disk_full_after(patch, 0)
        with pytest.raises(SaveError):
            interview.commit(plan[0])
    assert interview.transcript.model_dump() == before
    assert interview.session.phase == "requirements" and interview.session.step_seconds() == pytest.approx(42)
    interview.commit(plan[0])
    assert interview.session.phase == "framing"
    assert load(interview.path).model_dump() == interview.transcript.model_dump()


def test_a_failed_closing_save_leaves_the_interview_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interview = new_interview(tmp_path / "t.json")
    interview.start()
    interview.reply(QUESTION)
    before = interview.transcript.model_dump()
    plan = interview.plan_end()
    with monkeypatch.context() as patch:
        disk_full_after(patch, 0)
        with pytest.raises(SaveError):
            interview.commit(plan[0])
    assert interview.transcript.model_dump() == before and not interview.done
    interview.commit(plan[0])
    assert load(interview.path).finished and load(interview.path).grade is not None


def test_a_data_dir_that_is_a_file_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError, match=r"data/transcripts/t\.json: could not save .*data is a file, not a folder"):
        new_interview(blocker / "transcripts" / "t.json")


def test_create_never_replaces_a_file_that_appeared_after_the_name_was_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two interviews started in the same instant can pick the same free name: the second must not replace the
    first's file (a rename would, and the first would go on writing to a file nobody can see)."""
    path = tmp_path / "t.json"
    original = transcripts.write_all

    def other_process_wins(fd: int, data: bytes, offset: int) -> None:
        original(fd, data, offset)
        if not path.exists():
            path.write_text("the other interview")  # created between our check and our rename

    monkeypatch.setattr(transcripts, "write_all", other_process_wins)
    with pytest.raises(SaveError, match="already exists"):
        Store.create(transcripts.Transcript(case_id="ad-click-prediction", case_title="Ads", level="senior"), path)
    assert path.read_text() == "the other interview"
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # and no temp file left


def test_a_failed_create_or_compaction_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.json"
    with monkeypatch.context() as patch:
        disk_full_after(patch, 10)
        with pytest.raises(SaveError):
            new_interview(path)
    assert list(tmp_path.iterdir()) == []
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    with monkeypatch.context() as patch:
        patch.setattr(transcripts.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.EROFS, "Read-only")))
        interview.end()  # graded; compacting it fails, so the journal stays: nothing is lost
        interview.close()
    assert leftovers(tmp_path) == []
    assert path.read_bytes().startswith(JOURNAL_MAGIC)
    transcript = load(path)
    assert transcript.finished and transcript.grade == interview.transcript.grade


def test_the_save_error_line_works_for_the_cli(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("x")
    result = run_cli("chat", "--plain", "--case", ADS, stdin="/quit\n", env={"INTERVIEWER_DATA_DIR": str(blocker)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("interviewer: error: ") and "is a file, not a folder" in result.stderr


# -- one writer per transcript --------------------------------------------------------------------------------------


def test_a_second_open_of_a_held_transcript_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    with pytest.raises(TranscriptInUseError, match=r"t\.json is open in another interviewer process"):
        Interview.resume(path, Policy())
    interview.close()
    with Interview.resume(path, Policy()) as resumed:  # released: it can be continued
        assert resumed.session.phase == "requirements"


def test_the_lock_follows_the_file_through_compaction(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    store = Store.create(transcripts.Transcript(case_id=ADS, case_title="Ads", level="senior"), path)
    store.compact(transcripts.Transcript(case_id=ADS, case_title="Ads", level="senior"))  # a new file, renamed over
    with pytest.raises(TranscriptInUseError):
        Store.open(path)
    store.close()
    Store.open(path)[0].close()


def test_lock_holder_names_the_other_process(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("x")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1]); fcntl.flock(f, 2); print(1, flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline()
        fd = os.open(path, os.O_RDONLY)
        try:
            found = store_module.lock_holder(fd)
        finally:
            os.close(fd)
    finally:
        holder.kill()
        holder.wait()
    if not Path("/proc/locks").exists():
        pytest.skip("no /proc/locks here")
    assert found == holder.pid


def _wait_for_replies(path: Path, count: int, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    found: list[str] = []
    while time.monotonic() < deadline:
        try:
            found = [t.text for t in read(path, on_warning=lambda _: None).transcript.turns if t.role is Role.CANDIDATE]
        except Exception:
            found = []
        if len(found) >= count:
            return found
        time.sleep(0.05)
    return found


def test_two_processes_one_transcript_the_second_is_refused_and_the_first_keeps_every_turn(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    first = start_cli("chat", "--plain", "--case", ADS, "--out", str(path))
    assert first.stdin is not None
    sent = [f"{QUESTION} (first process, reply {number})" for number in range(3)]
    try:
        for reply in sent[:2]:
            first.stdin.write(reply + "\n")
        first.stdin.flush()
        assert _wait_for_replies(path, 2) == sent[:2]
        second = run_cli("resume", "--plain", str(path), stdin="A reply from the second process.\n/end\n")
        assert second.returncode == 2, second.stdout + second.stderr
        lines = second.stderr.strip().splitlines()
        assert lines == [
            f"interviewer: error: {path} is open in another interviewer process (pid {first.pid}); "
            "finish or quit it there first"
        ]
        first.stdin.write(sent[2] + "\n")
        first.stdin.close()
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert replies_in(path) == sent  # every turn of the first process, none of the second's
    resumed = run_cli("resume", "--plain", str(path), stdin="/end\n")
    assert resumed.returncode == 0, resumed.stderr
    assert load(path).finished and replies_in(path) == sent


# -- a kill between the intro and the first question ----------------------------------------------------------------


def test_a_resume_after_the_intro_was_saved_does_not_state_the_problem_again(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    intro, _opening = interview.plan_start()
    interview.commit(intro)
    interview._store.close()  # killed before the first question was said
    with Interview.resume(path, Policy(), clock=FakeClock()) as resumed:
        plan = resumed.plan_start()
        assert [utterance.kind for utterance in plan] == [TurnKind.OPENING]
        for utterance in plan:
            resumed.commit(utterance)
    kinds = [turn.kind for turn in load(path).turns]
    assert kinds == [TurnKind.INTRO, TurnKind.OPENING]


# -- the whole turn is flat -----------------------------------------------------------------------------------------


def test_the_step_grader_reply_by_reply_equals_grading_all_replies_at_once() -> None:
    for fixture in sorted(ANSWERS.glob("*.yaml")):
        answers = load_answers(fixture)
        case = load_case(answers.case)
        for step_id in STEP_IDS:
            texts = [s for text in answers.by_step().get(step_id, []) for s in split_sentences(text)]
            for level in Level:
                grader = StepGrader(case, step_id, level)
                for text in texts:
                    grader.add(text)
                assert grader.grade(12.0) == grade_step(case, step_id, texts, level, 12.0), fixture


def test_each_reply_is_analysed_once_however_long_the_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analysed: list[str] = []
    real = addressed.analyse

    def counting(sentence: str):
        analysed.append(sentence)
        return real(sentence)

    monkeypatch.setattr(addressed, "analyse", counting)
    interview = new_interview(tmp_path / "t.json")
    interview.start()
    for number in range(60):
        interview.session.reply(f"We could log impressions and clicks, take {number}.")
        interview.policy.decider.step_grade(interview.view())  # what the stub (and the LLM interviewer) ask every turn
    # Each reply was analysed once, when it came (it used to be every reply so far, on every turn: 1,830).
    assert len(analysed) == 60
    assert interview.policy.decider.step_grade(interview.view()) == grade_step(
        interview.case,
        "requirements",
        [t.text for t in interview.transcript.turns if t.role is Role.CANDIDATE],
        Level.SENIOR,
    )


def test_a_view_finds_the_step_without_scanning_the_interview(tmp_path: Path) -> None:
    interview = new_interview(tmp_path / "t.json")
    interview.start()
    interview.reply(QUESTION)
    view = interview.view()
    assert view.step_start == 1 and view.step_turns == [
        t for t in interview.transcript.turns if t.step == "requirements"
    ]
    assert view.last_reply == QUESTION


def test_a_read_only_folder_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(transcripts.tempfile, "mkstemp", refused)
    with pytest.raises(SaveError, match=r"t\.json: could not save the transcript \(Permission denied\)"):
        new_interview(tmp_path / "t.json")
    assert list(tmp_path.iterdir()) == []


def test_line_mode_releases_the_transcript_when_it_stops(tmp_path: Path) -> None:
    import io

    from interviewer.plain import LineMode

    path = tmp_path / "t.json"
    LineMode(new_interview(path), stdin=io.StringIO(f"{QUESTION}\n/quit\n"), stdout=io.StringIO()).run()
    assert not path.read_bytes().startswith(JOURNAL_MAGIC)  # compacted on the way out
    with Interview.resume(path, Policy()) as resumed:  # not held any more
        assert resumed.session.phase == "requirements"
    assert replies_in(path) == [QUESTION]


def test_a_finished_journal_is_compacted_when_resume_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    interview.reply(QUESTION)
    store = interview._store
    store.compact = lambda transcript: None  # killed after the closing line, before the compaction
    interview.end()
    store.close()
    assert path.read_bytes().startswith(JOURNAL_MAGIC)
    with pytest.raises(InterviewerError, match="this interview has finished"):
        Interview.resume(path, Policy())
    assert not path.read_bytes().startswith(JOURNAL_MAGIC)
    assert load(path).grade == interview.transcript.grade


def test_an_interrupt_in_the_middle_of_a_line_takes_the_line_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.json"
    interview = new_interview(path)
    interview.start()
    before, on_disk = interview.transcript.model_dump(), path.read_bytes()
    real = os.pwrite

    def interrupted(fd: int, data, offset: int) -> int:
        real(fd, bytes(data[:20]), offset)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(transcripts.os, "pwrite", interrupted)
        with pytest.raises(KeyboardInterrupt):
            interview.session.reply("A reply typed as Ctrl-C came.")
    assert interview.transcript.model_dump() == before and path.read_bytes() == on_disk
    interview.session.reply("Short.")
    assert replies_in(path) == ["Short."]


KILLED_MID_LINE = """
import os, sys, time
from pathlib import Path
from interviewer import transcript as transcripts
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.rubric import load_case

interview = Interview.create(load_case("ad-click-prediction"), Level.SENIOR, Policy(), Path(sys.argv[1]))
interview.start()
interview.reply("What is the latency budget?")
real = os.pwrite

def half_then_hang(fd, data, offset):
    real(fd, bytes(data[: len(data) // 2]), offset)
    print("half written", flush=True)
    time.sleep(60)

transcripts.os.pwrite = half_then_hang
interview.reply("How many daily active users are there?")
"""


def test_kill_9_in_the_middle_of_a_line_then_resume(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_LINE, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "half written"
    finally:
        child.kill()
        child.wait()
    assert not path.read_bytes().endswith(b"\n")  # really cut in the middle of a line
    warnings: list[str] = []
    assert [t.text for t in load(path, on_warning=warnings.append).turns if t.role is Role.CANDIDATE] == [QUESTION]
    assert warnings and "incomplete" in warnings[0]
    resumed = run_cli("resume", "--plain", str(path), stdin="How many daily active users are there?\n/end\n")
    assert resumed.returncode == 0, resumed.stderr
    assert "interviewer: warning:" in resumed.stderr and "incomplete" in resumed.stderr
    transcript = load(path)
    assert transcript.finished
    assert [t.text for t in transcript.turns if t.role is Role.CANDIDATE] == [
        QUESTION,
        "How many daily active users are there?",
    ]
    assert leftovers(tmp_path) == []


def test_text_that_cannot_be_stored_is_a_save_error_not_a_crash(tmp_path: Path) -> None:
    interview = new_interview(tmp_path / "t.json")
    interview.start()
    before = interview.transcript.model_dump()
    with pytest.raises(SaveError, match="the text cannot be stored as UTF-8"):
        interview.plan_reply("caf\udce9: what is the latency budget?")  # a lone surrogate, as from undecodable bytes
    assert interview.transcript.model_dump() == before
    interview.reply(QUESTION)
    assert replies_in(interview.path) == [QUESTION]
