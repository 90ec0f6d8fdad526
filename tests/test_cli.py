"""The commands as a user runs them: a scripted interview, grading, resume, kill -9, and every bad input."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from conftest import ANSWERS, BUILT_IN_CASE_IDS, CASE_IDS, FIXTURES, ROOT, run_cli, start_cli
from interviewer.framework import STEP_IDS
from interviewer.transcript import Role, Transcript, Turn, journal_text, load, plain_text

ADS = "ad-click-prediction"
SCRIPT = (FIXTURES / "scripted-interview.txt").read_text()


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("interviewer: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("cases", "chat", "resume", "grade", "check"):
        assert command in result.stdout


def test_cases_lists_ids_and_titles() -> None:
    result = run_cli("cases")
    assert result.returncode == 0
    for case_id in CASE_IDS:
        assert case_id in result.stdout


def test_cases_reads_only_each_files_header(tmp_path: Path) -> None:
    """A dozen cases list at once: the header keys are read, the body is neither loaded nor validated here."""
    (tmp_path / "folded.yaml").write_text(
        'id: folded\ntitle: "Caf\\u00e9 ranking"\nsummary: >-\n  Two lines\n  folded.\nfacts:\n  - {broken: [\n'
    )
    (tmp_path / "garbled.yaml").write_text("id: [unclosed\n")
    result = run_cli("cases", env={"INTERVIEWER_RUBRICS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "folded   built-in  Café ranking: Two lines folded." in result.stdout
    # listed by its file name; `check` and `start` say what is wrong
    assert "garbled  built-in  garbled: " in result.stdout


def test_scripted_interview_runs_to_a_grade(tmp_path: Path) -> None:
    out = tmp_path / "interview.json"
    result = run_cli("chat", "--plain", "--case", ADS, "--level", "senior", "--out", str(out), stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "Overall" in result.stdout and "Transcript:" in result.stdout
    transcript = load(out)
    assert transcript.finished and not transcript.ended_early
    assert transcript.grade is not None
    steps_with_replies = {turn.step for turn in transcript.turns if turn.role is Role.CANDIDATE}
    assert set(STEP_IDS) <= steps_with_replies | {"wrap_up"}
    # Clarifying questions were answered from the fact sheet.
    clarifications = [t for t in transcript.turns if t.kind == "clarification"]
    assert clarifications and all("isn't specified" not in t.text for t in clarifications[:2])
    # The empty line in the script was ignored, not recorded.
    assert all(turn.text.strip() for turn in transcript.turns)
    # Grading the saved transcript gives the grade that was printed.
    graded = run_cli("grade", str(out), "--json")
    assert graded.returncode == 0, graded.stderr
    assert json.loads(graded.stdout)["overall"] == transcript.grade.overall
    assert f"Overall {transcript.grade.overall}/100" in result.stdout
    assert transcript.grade.overall >= 40


def test_help_and_unknown_commands_in_line_mode(tmp_path: Path) -> None:
    script = "/help\n/bogus\n/time\n/end\n"
    result = run_cli("chat", "--plain", "--case", ADS, "--out", str(tmp_path / "t.json"), stdin=script)
    assert result.returncode == 0
    assert "/next" in result.stdout and "unknown command /bogus" in result.stdout
    assert "requirements: 0:00 of 5:00" in result.stdout
    assert load(tmp_path / "t.json").ended_early


def test_reply_over_20000_characters_is_refused_and_not_recorded(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    script = "x" * 20_001 + "\nI would ask about the latency budget for ranking.\n/quit\n"
    result = run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin=script)
    assert result.returncode == 0
    assert "20,001 characters is over the 20,000 limit" in result.stdout
    replies = [t.text for t in load(out).turns if t.role is Role.CANDIDATE]
    assert replies == ["I would ask about the latency budget for ranking."]


def test_end_of_input_keeps_the_transcript_and_resume_continues_it(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    first = run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin="What is the latency budget?\n")
    assert first.returncode == 0
    assert f"interviewer resume {out}" in first.stdout
    assert not load(out).finished
    second = run_cli("resume", "--plain", str(out), stdin="/end\n")
    assert second.returncode == 0, second.stderr
    assert "Resuming at" in second.stdout and "Overall" in second.stdout
    transcript = load(out)
    assert transcript.finished
    assert [t.text for t in transcript.turns if t.role is Role.CANDIDATE] == ["What is the latency budget?"]
    again = run_cli("resume", "--plain", str(out))
    assert_one_line_error(again, "has finished")


def test_kill_9_mid_interview_loses_no_completed_turn(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    process = start_cli("chat", "--plain", "--case", ADS, "--out", str(out))
    replies = [
        "What is the latency budget?",
        "I want to maximise long term revenue for advertisers while keeping users happy.",
        "I would ask about the positive rate because it decides the metric.",
    ]
    assert process.stdin is not None
    for reply in replies:
        process.stdin.write(reply + "\n")
        process.stdin.flush()
    deadline = time.monotonic() + 30
    recorded: list[str] = []
    while time.monotonic() < deadline:  # every reply saved, and the answer to the last one too
        try:
            turns = load(out).turns
        except Exception:
            turns = []
        recorded = [t.text for t in turns if t.role is Role.CANDIDATE]
        if len(recorded) == len(replies) and turns[-1].role is Role.INTERVIEWER:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    transcript = load(out)
    assert [t.text for t in transcript.turns if t.role is Role.CANDIDATE] == replies
    # Every reply got its answer saved too, and the interview can carry on.
    assert transcript.turns[-1].role is Role.INTERVIEWER
    resumed = run_cli("resume", "--plain", str(out), stdin="/end\n")
    assert resumed.returncode == 0 and load(out).finished


def test_kill_9_at_random_moments_then_resume_keeps_every_acknowledged_reply_once(tmp_path: Path) -> None:
    """Rounds of: start or resume, send replies, SIGKILL at a random moment (mid-save included). Every reply the
    interviewer answered is in the file exactly once, in order, and nothing was recorded that was not sent."""
    import random
    import threading

    out = tmp_path / "t.json"
    rng = random.Random(7)
    sent: list[str] = []
    for round_number in range(6):
        args = (
            ["resume", "--plain", str(out)] if round_number else ["chat", "--plain", "--case", ADS, "--out", str(out)]
        )
        process = start_cli(*args, stderr=subprocess.DEVNULL)
        assert process.stdin is not None and process.stdout is not None
        said = [0]  # interviewer lines so far; each is printed only after the reply before it was saved
        changed = threading.Condition()

        def read_answers(stream=process.stdout, said=said, changed=changed) -> None:
            for line in stream:
                if line.startswith("Interviewer ("):
                    with changed:
                        said[0] += 1
                        changed.notify_all()

        def wait_for(count: int, said=said, changed=changed) -> None:
            with changed:
                assert changed.wait_for(lambda: said[0] >= count, timeout=30)

        reader = threading.Thread(target=read_answers, daemon=True)
        reader.start()
        greeting = 1 if round_number else 2  # a reminder of the last question, or the intro and the first question
        wait_for(greeting)
        acknowledged = list(sent)
        for number in range(rng.randint(3, 8)):
            reply = f"Round {round_number} question {number}: what is the latency budget?"
            process.stdin.write(reply + "\n")
            process.stdin.flush()
            sent.append(reply)
            if rng.random() < 0.6:  # wait for its answer (one per question): this reply is then acknowledged
                wait_for(greeting + number + 1)
                acknowledged = list(sent)
        time.sleep(rng.random() * 0.05)  # kill somewhere in the middle of what is in flight
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        reader.join(timeout=10)
        saved = [t.text for t in load(out).turns if t.role is Role.CANDIDATE]
        assert saved == sent[: len(saved)], "every saved reply was sent, once, in order"
        assert len(saved) >= len(acknowledged), "every acknowledged reply is saved"
        del sent[len(saved) :]  # what was never saved was never acknowledged: it is simply not there
    resumed = run_cli("resume", "--plain", str(out), stdin="/end\n")
    assert resumed.returncode == 0, resumed.stderr
    transcript = load(out)
    assert transcript.finished and [t.text for t in transcript.turns if t.role is Role.CANDIDATE] == sent
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # no temp file left by any of the kills


def test_grade_answers_file_json_shape() -> None:
    result = run_cli("grade", str(ANSWERS / f"{ADS}-partial.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["case"] == ADS and data["level"] == "senior"
    assert list(data["steps"]) == list(STEP_IDS)
    for step in data["steps"].values():
        assert {"score", "covered", "missed", "red_flags", "evidence"} <= set(step)
        assert 0 <= step["score"] <= 100


def test_grade_text_report_shows_steps_and_evidence() -> None:
    result = run_cli("grade", str(ANSWERS / f"{ADS}-strong.yaml"))
    assert result.returncode == 0
    assert "Overall" in result.stdout
    for step_id in STEP_IDS:
        assert step_id in result.stdout


def test_grade_level_override_changes_the_bar() -> None:
    path = str(ANSWERS / f"{ADS}-partial.yaml")
    mid = json.loads(run_cli("grade", path, "--json", "--level", "mid").stdout)
    staff = json.loads(run_cli("grade", path, "--json", "--level", "staff").stdout)
    assert mid["level"] == "mid" and staff["level"] == "staff"
    assert mid["overall"] >= staff["overall"]


def test_answers_file_with_missing_steps_warns_and_grades_them_empty(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"case": ADS, "answers": {"requirements": "I would ask about the latency budget."}}))
    result = run_cli("grade", str(path), "--json")
    assert result.returncode == 0
    assert "warning" in result.stderr and "framing" in result.stderr
    data = json.loads(result.stdout)
    assert data["steps"]["framing"]["score"] == 0
    assert data["warnings"]


def test_answers_file_with_an_unknown_step_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"case": ADS, "answers": {"requirements": "x", "deployment": "y"}}))
    result = run_cli("grade", str(path))
    assert_one_line_error(result, f"{path}:", "answers", "unknown step 'deployment'")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("chat", "--plain", "--case", "nope"), ("unknown case 'nope'", *CASE_IDS)),
        (("grade", "missing.yaml"), ("missing.yaml: no such file",)),
        (("resume", "--plain", "missing.json"), ("missing.json: no such file",)),
        (("replay", "missing.json"), ("missing.json: no such file",)),
        (("chat", "--case", "ad-click-prediction"), ("needs a terminal", "--plain")),
        (("chat", "--plain"), ("choose a case with --case",)),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args: tuple[str, ...], fragments: tuple[str, ...]) -> None:
    assert_one_line_error(run_cli(*args, stdin=""), *fragments)


def test_grade_of_unknown_case_in_answers_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("case: nope\nanswers: {requirements: hi}\n")
    assert_one_line_error(run_cli("grade", str(path)), "unknown case 'nope'")


def test_grade_of_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("case: ad-click-prediction\nanswers:\n  requirements: [oops\n")
    assert_one_line_error(run_cli("grade", str(path)), f"{path}:", "invalid YAML")


def test_grade_of_binary_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "a.yaml"
    binary.write_bytes(b"case: \x00\x01")
    assert_one_line_error(run_cli("grade", str(binary)), "binary file")
    latin = tmp_path / "b.yaml"
    latin.write_bytes("case: ad-click-prediction\nanswers: {requirements: caf\xe9}\n".encode("latin-1"))
    assert_one_line_error(run_cli("grade", str(latin)), f"{latin}:2: not valid UTF-8")


def test_grade_and_resume_refuse_an_unknown_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"schema_version": 2, "case_id": ADS, "turns": []}))
    assert_one_line_error(run_cli("grade", str(path)), "unknown transcript schema_version 2")
    assert_one_line_error(run_cli("resume", "--plain", str(path)), "unknown transcript schema_version 2")


def test_out_path_that_exists_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("keep me")
    assert_one_line_error(run_cli("chat", "--plain", "--case", ADS, "--out", str(path), stdin=""), "already exists")
    assert path.read_text() == "keep me"


def test_default_transcript_goes_to_the_data_dir(tmp_path: Path) -> None:
    result = run_cli("chat", "--plain", "--case", ADS, stdin="/quit\n", env={"INTERVIEWER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    (saved,) = (tmp_path / "transcripts").glob(f"*-{ADS}.json")
    assert load(saved).case_id == ADS


def test_custom_case_file_can_be_practised_and_resumed(tmp_path: Path) -> None:
    source = yaml.safe_load((ROOT / "rubrics" / f"{ADS}.yaml").read_text())
    source["id"] = "my-case"
    case_path = tmp_path / "my-case.yaml"
    case_path.write_text(yaml.safe_dump(source))
    out = tmp_path / "t.json"
    assert run_cli("chat", "--plain", "--case", str(case_path), "--out", str(out), stdin="/quit\n").returncode == 0
    assert load(out).case_source == str(case_path)
    assert run_cli("resume", "--plain", str(out), stdin="/end\n").returncode == 0
    assert run_cli("grade", str(out)).returncode == 0


def _finished(tmp_path: Path) -> Path:
    out = tmp_path / "done.json"
    assert run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin=SCRIPT).returncode == 0
    return out


def test_export_markdown_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    path = _finished(tmp_path)
    result = run_cli("export", str(path), "--format", "md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Ad click prediction")
    assert "| Step | Score |" in result.stdout and "## Clarify requirements" in result.stdout
    target = tmp_path / "card.md"
    assert run_cli("export", str(path), "--out", str(target)).returncode == 0
    assert target.read_text() == result.stdout


def test_export_json_matches_grade_json(tmp_path: Path) -> None:
    path = _finished(tmp_path)
    exported = json.loads(run_cli("export", str(path), "--format", "json").stdout)
    graded = json.loads(run_cli("grade", str(path), "--json").stdout)
    assert exported == graded


@pytest.mark.parametrize("command", ["replay", "export"])
def test_replay_and_export_refuse_corrupt_and_unknown_version_files(tmp_path: Path, command: str) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"schema_version": 1, "turns": [')
    assert_one_line_error(run_cli(command, str(corrupt)), "corrupt.json:", "invalid JSON")
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"schema_version": 7, "turns": []}))
    assert_one_line_error(run_cli(command, str(future)), "unknown transcript schema_version 7")


# -- transcripts under any name, unknown steps, shell-safe commands, --out and default names ------------------------


def _small_transcript(phase: str = "data", extra_step: str | None = None) -> Transcript:
    transcript = Transcript(case_id=ADS, case_title="Ads", level="senior", phase=phase)
    transcript.turns.append(Turn(step="requirements", role=Role.CANDIDATE, text="What is the latency budget?"))
    transcript.turns.append(Turn(step="data", role=Role.CANDIDATE, text="Join impressions with clicks."))
    if extra_step:
        transcript.turns.append(Turn(step=extra_step, role=Role.CANDIDATE, text="Somewhere else."))
    return transcript


@pytest.mark.parametrize("name", ["run.md", "run", "run.txt"])
def test_grade_reads_a_transcript_whatever_its_name(tmp_path: Path, name: str) -> None:
    plain = tmp_path / name
    plain.write_text(plain_text(_small_transcript()))
    journal = tmp_path / f"journal-{name}"
    journal.write_bytes(journal_text(_small_transcript())[0])
    for path in (plain, journal):
        result = run_cli("grade", str(path), "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["case"] == ADS


def test_grade_reads_a_transcript_saved_with_out_run_md(tmp_path: Path) -> None:
    out = tmp_path / "run.md"
    assert run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin=SCRIPT).returncode == 0
    result = run_cli("grade", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["overall"] == load(out).grade.overall


def test_an_answers_file_is_still_graded_as_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"  # YAML's JSON form, with the .json suffix transcripts usually have
    answers.write_text(json.dumps({"case": ADS, "level": "senior", "answers": {"requirements": "Latency budget?"}}))
    result = run_cli("grade", str(answers), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["case"] == ADS


def _unknown_step_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "under unknown steps" in line and "'bogus'" in line]


def test_export_warns_about_replies_under_unknown_steps(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(plain_text(_small_transcript(extra_step="bogus")))
    for fmt in ("md", "json"):
        result = run_cli("export", str(path), "--format", fmt)
        assert result.returncode == 0, result.stderr
        (warning,) = _unknown_step_warnings(result.stderr)
        assert warning.startswith("interviewer: warning: 1 reply under unknown steps")


def test_resume_warns_about_replies_under_unknown_steps(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(plain_text(_small_transcript(extra_step="bogus")))
    result = run_cli("resume", "--plain", str(path), stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    assert len(_unknown_step_warnings(result.stderr)) == 1


@pytest.mark.parametrize("command", ["replay", "resume"])
def test_replay_and_the_app_warn_about_replies_under_unknown_steps_before_the_app_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    import argparse

    from interviewer import commands

    path = tmp_path / "t.json"
    path.write_text(plain_text(_small_transcript(extra_step="bogus")))
    started: list[str] = []
    monkeypatch.setattr(commands, "_need_terminal", lambda *_: None)
    monkeypatch.setattr(commands, "_run_app", lambda app: started.append(capsys.readouterr().err) or 1)
    args = argparse.Namespace(path=str(path), plain=False, model=None, base_url=None)
    getattr(commands, f"cmd_{command}")(args)
    (before,) = started
    assert len(_unknown_step_warnings(before)) == 1


def test_printed_resume_commands_are_shell_safe(tmp_path: Path) -> None:
    folder = tmp_path / "sp ace"
    folder.mkdir()
    out = folder / "$(touch PWNED).json"
    quoted = shlex.quote(str(out))
    for stdin in ("What is the latency budget?\n", "/quit\n"):
        out.unlink(missing_ok=True)
        result = run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin=stdin)
        assert result.returncode == 0, result.stderr
        assert f"interviewer resume {quoted}" in result.stdout
        assert f"interviewer resume {out}\n" not in result.stdout
    again = run_cli("chat", "--plain", "--case", ADS, "--out", str(out), stdin="")
    assert_one_line_error(again, f"interviewer resume {quoted}")
    run_cli("resume", "--plain", str(out), stdin="/end\n")
    assert_one_line_error(run_cli("resume", "--plain", str(out)), f"interviewer grade {quoted}")
    assert not (ROOT / "PWNED").exists()


def test_the_app_crash_line_quotes_the_path(tmp_path: Path) -> None:
    from interviewer.tui.app import crash_line

    path = tmp_path / "a b;rm -rf x.json"
    path.write_text(plain_text(_small_transcript()))
    from interviewer.errors import SaveError
    from interviewer.tui.interview_screen import unsaved_reply

    assert f"interviewer resume {shlex.quote(str(path))}" in crash_line(RuntimeError("boom"), path)
    assert f"interviewer resume {shlex.quote(str(path))}" in str(unsaved_reply(SaveError("disk full"), path))


def test_out_that_is_a_directory_or_a_fifo_asks_for_a_file_path(tmp_path: Path) -> None:
    result = run_cli("chat", "--plain", "--case", ADS, "--out", str(tmp_path), stdin="")
    assert_one_line_error(result, "is a directory", "pick a file path")
    assert "resume" not in result.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli("chat", "--plain", "--case", ADS, "--out", str(fifo), stdin="")
    assert_one_line_error(result, "is not a regular file", "pick a file path")
    assert "resume" not in result.stderr


def test_two_runs_started_in_the_same_second_get_distinct_transcripts(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from interviewer import commands, transcript

    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setattr(transcript, "now", lambda: moment)
    args = argparse.Namespace(model=None, base_url=None)
    first = commands._new_interview(ADS, "senior", None, args)
    second = commands._new_interview(ADS, "senior", None, args)
    try:
        assert first.path != second.path and first.path.exists() and second.path.exists()
        assert second.path.name == first.path.name.replace(".json", "-2.json")
    finally:
        first.close()
        second.close()


def test_a_default_name_taken_between_the_check_and_the_create_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from interviewer import commands, transcript

    real = transcript.default_path
    taken = tmp_path / "taken.json"
    taken.write_text("another run's")
    calls: list[Path] = []

    def racing(directory: Path, case_id: str, started: datetime) -> Path:
        calls.append(directory)
        return taken if len(calls) == 1 else real(directory, case_id, started)  # the first answer goes stale

    monkeypatch.setattr(transcript, "default_path", racing)
    interview = commands._new_interview(ADS, "senior", None, argparse.Namespace(model=None, base_url=None))
    interview.close()
    assert interview.path != taken and taken.read_text() == "another run's" and len(calls) == 2


@pytest.mark.parametrize("case_id", BUILT_IN_CASE_IDS)
def test_a_scripted_line_mode_interview_runs_on_every_case(tmp_path: Path, case_id: str) -> None:
    """A strong blind answer (tests/calibration), typed step by step into line mode, is saved and graded high."""
    answers = yaml.safe_load((ROOT / "tests" / "calibration" / case_id / "a" / "strong.yaml").read_text())["answers"]
    lines: list[str] = []
    for step, turns in answers.items():
        if step != "requirements":
            lines.append(f"/step {step}")
        said = [" ".join(turn.split()) for turn in turns]
        lines += [" ".join(said)] if step == "wrap_up" else said  # the wrap-up takes one answer, then the grade
    out = tmp_path / "interview.json"
    result = run_cli("chat", "--plain", "--case", case_id, "--out", str(out), stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Overall" in result.stdout
    transcript = load(out)
    assert transcript.finished and transcript.grade is not None
    # The interviewer moves on by itself once a step is covered, so the answers typed after its last question (the
    # wrap-up) find the interview over; every one before it is saved, in order, and every step got some.
    typed = [line for line in lines if not line.startswith("/")]
    said = [turn.text for turn in transcript.turns if turn.role is Role.CANDIDATE]
    assert said == typed[: len(said)] and len(said) >= len(typed) // 2
    assert set(STEP_IDS) <= {turn.step for turn in transcript.turns if turn.role is Role.CANDIDATE}
    assert transcript.grade.overall >= 70, (case_id, transcript.grade.overall)
