"""A transcript is a file anyone can edit: its saved grade is checked against its turns, and the case it names is
never an arbitrary path."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, FakeClock, run_cli
from interviewer.framework import STEP_IDS, Level
from interviewer.grading import seal
from interviewer.grading.judge import combine
from interviewer.grading.models import JudgeSummary, StepJudgement
from interviewer.interview import Interview, case_for, checked_grade, grade_transcript
from interviewer.policy import Policy
from interviewer.rubric import load_case
from interviewer.transcript import Role, load, save

ADS = "ad-click-prediction"
INVENTED = "I single-handedly invented gradient descent for clicks"
ANSWERS = {
    "requirements": "What is the latency budget and how many daily active users are there?",
    "framing": "I would frame it as binary classification of a click on each impression, trained with log loss, "
    "and rank ads by bid times predicted CTR because that is the expected value.",
    "data": "I would join impression logs with click logs and wait for an attribution window before labelling "
    "negatives, because clicks arrive late.",
    "model": "I would start with a logistic regression baseline with hashed feature crosses.",
    "evaluation": "I would evaluate offline with normalized cross entropy on a time based split.",
    "serving": "I would serve from a feature store.",
    "monitoring": "I would monitor calibration drift.",
    "wrap_up": "With more time I would look at privacy and consent.",
}


def finished(tmp_path: Path, name: str = "t.json") -> Path:
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), tmp_path / name, clock=FakeClock())
    interview.start()
    for step_id in STEP_IDS:
        interview.advance_to(step_id)
        interview.reply(ANSWERS[step_id])
    interview.advance_to("wrap_up")
    interview.reply(ANSWERS["wrap_up"])
    assert interview.done
    interview.close()  # release the transcript, as the front ends do, so other processes may open it
    return interview.path


def forge(path: Path) -> None:
    """Edit the saved grade as a cheat would: overall 100, a strong hire, every item covered with invented quotes."""
    data = json.loads(path.read_text())
    grade = data["grade"]
    grade["overall"] = 100
    grade["hire_signal"] = "strong_hire"
    for step in grade["steps"].values():
        step["score"] = 100
        for item in step["items"]:
            item.update(coverage="covered", credit=1.0, evidence=INVENTED)
    path.write_text(json.dumps(data))


def judged(path: Path, quote: str) -> None:
    """Save a judge grade that credits one framing item with `quote`."""
    transcript = load(path)
    case = case_for(transcript)
    fresh = grade_transcript(transcript, case)
    missed = next(item.id for item in fresh.steps["model"].items if item.coverage == "missed")
    judge = JudgeSummary(model="m", status="ok", steps={"model": StepJudgement(step="model", credited={missed: quote})})
    judge.seal = seal.sign(transcript, judge)  # as `Interview.ajudge` seals the grade it saves
    transcript.grade = combine(fresh, judge)
    save(transcript, path)


def test_an_honest_saved_grade_is_confirmed_without_a_warning(tmp_path: Path) -> None:
    path = finished(tmp_path)
    transcript = load(path)
    grade, warning = checked_grade(transcript, case_for(transcript))
    assert warning is None and grade.overall == transcript.grade.overall
    result = run_cli("grade", str(path), "--json")
    assert result.returncode == 0 and "warning" not in result.stderr


def test_a_forged_grade_is_regraded_from_the_turns_and_the_user_is_told(tmp_path: Path) -> None:
    path = finished(tmp_path)
    honest = load(path).grade.overall
    forge(path)
    result = run_cli("grade", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["overall"] == honest != 100
    assert INVENTED not in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "does not match" in line]
    assert len(warnings) == 1 and "saved overall 100" in warnings[0]
    text = run_cli("grade", str(path))
    assert INVENTED not in text.stdout and f"Overall {honest}/100" in text.stdout


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_export_never_shows_a_forged_grade_or_its_invented_evidence(tmp_path: Path, fmt: str) -> None:
    path = finished(tmp_path)
    forge(path)
    result = run_cli("export", str(path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert INVENTED not in result.stdout and "Overall 100" not in result.stdout
    assert sum("does not match" in line for line in result.stderr.splitlines()) == 1


def test_a_judge_grade_whose_quotes_are_in_the_turns_is_kept(tmp_path: Path) -> None:
    path = finished(tmp_path)
    judged(path, "a logistic regression baseline with hashed feature crosses")
    result = run_cli("grade", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["grader"] == "deterministic+judge"
    assert "warning" not in result.stderr


def test_a_judge_grade_with_an_invented_quote_drops_to_the_deterministic_grade(tmp_path: Path) -> None:
    path = finished(tmp_path)
    judged(path, INVENTED)
    for command in (("grade", str(path), "--json"), ("export", str(path), "--format", "json")):
        result = run_cli(*command)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["grader"] == "deterministic" and data["judge"] is None
        assert INVENTED not in result.stdout
        (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
        assert "judge grade does not match" in warning and "quote not found" in warning


def test_a_judge_grade_with_an_edited_score_is_rebuilt_from_its_verified_credits(tmp_path: Path) -> None:
    path = finished(tmp_path)
    judged(path, "a logistic regression baseline with hashed feature crosses")
    honest = load(path).grade.overall
    data = json.loads(path.read_text())
    data["grade"]["overall"] = 100
    path.write_text(json.dumps(data))
    transcript = load(path)
    grade, warning = checked_grade(transcript, case_for(transcript))
    assert grade.overall == honest and grade.grader == "deterministic+judge"
    assert warning is not None and "saved overall 100" in warning


async def test_replay_of_a_forged_transcript_shows_a_notice(tmp_path: Path) -> None:
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.replay_screen import ReplayScreen

    path = finished(tmp_path)
    forge(path)
    transcript = load(path)
    case = case_for(transcript)
    grade, notice = checked_grade(transcript, case)
    assert notice
    app = InterviewerApp(ReplayScreen(transcript, case, grade, path), notice=notice)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        assert any("does not match" in str(n.message) for n in app._notifications)


# -- the case a transcript names ------------------------------------------------------------------------------------


def with_case(tmp_path: Path, case_id: str = ADS, case_source: str | None = None) -> Path:
    path = tmp_path / "t.json"
    if not path.exists():
        finished(tmp_path)
    data = json.loads(path.read_text())
    data["case_id"], data["case_source"] = case_id, case_source
    path.write_text(json.dumps(data))
    return path


def fifo(tmp_path: Path) -> str:
    path = tmp_path / "case.yaml"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize(
    ("case_id", "source", "fragment"),
    [
        (ADS, "/dev/zero", "not the absolute path of a .yaml case file"),
        (ADS, "/etc/passwd", "not the absolute path of a .yaml case file"),
        (ADS, "rubrics/ad-click-prediction.yaml", "not the absolute path"),
        (ADS, "FIFO", "is not a regular file"),
        (ADS, "/nonexistent/case.yaml", "cannot be read"),
        ("../../etc/passwd", None, "is not a case id"),
        ("a/b", None, "is not a case id"),
        ("x" * 300, None, "is not a case id"),
    ],
)
@pytest.mark.parametrize("command", ["grade", "export", "resume"])
def test_a_transcript_never_makes_us_read_an_arbitrary_path(
    tmp_path: Path, case_id: str, source: str | None, fragment: str, command: str
) -> None:
    if source == "FIFO":
        source = fifo(tmp_path)
    path = with_case(tmp_path, case_id, source)
    if command == "resume":  # a finished transcript is refused before its case is read: make it unfinished
        data = json.loads(path.read_text())
        data["phase"], data["grade"] = "wrap_up", None
        path.write_text(json.dumps(data))
    args = (command, "--plain", str(path)) if command == "resume" else (command, str(path))
    try:
        result = run_cli(*args, stdin="/quit\n", timeout=20)  # reading a FIFO would block: the timeout fails it
    except subprocess.TimeoutExpired:
        pytest.fail(f"{command} blocked on the case source {source!r}")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("interviewer: error: ") and fragment in line


def test_a_case_file_from_another_case_is_refused(tmp_path: Path) -> None:
    other = ROOT / "rubrics" / "video-recommendation.yaml"
    path = with_case(tmp_path, ADS, str(other))
    result = run_cli("grade", str(path))
    assert result.returncode == 2 and "but its case file is of 'video-recommendation'" in result.stderr


def test_a_case_given_by_a_relative_path_is_stored_absolute(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    relative = "rubrics/ad-click-prediction.yaml"  # run_cli runs in the checkout
    result = run_cli("chat", "--plain", "--case", relative, "--out", str(out), stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    source = load(out).case_source
    assert source == str((ROOT / relative).resolve()) and Path(source).is_absolute()
    resumed = subprocess.run(  # from another folder, the case is still found
        [*_interviewer(), "resume", "--plain", str(out)],
        input="/end\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert [t.role for t in load(out).turns if t.role is Role.CANDIDATE] == []


def _interviewer() -> list[str]:
    import sys

    return [sys.executable, "-m", "interviewer"]


def test_a_resumed_unfinished_transcript_never_trusts_a_grade_saved_in_it(tmp_path: Path) -> None:
    path = finished(tmp_path)
    data = json.loads(path.read_text())
    honest = data["grade"]["overall"]
    data["phase"] = "wrap_up"
    data["grade"]["overall"] = 100
    data["grade"]["hire_signal"] = "strong_hire"
    path.write_text(json.dumps(data))
    with Interview.resume(path, Policy(), clock=FakeClock()) as interview:
        assert interview.grade().overall == honest
        interview.end()
        assert load(path).grade.overall == honest


# -- the judge's seal -------------------------------------------------------------------------------------------------

UNVERIFIED = "saved judge grade could not be verified"


def forge_judge(path: Path, rebuild: bool = False) -> None:
    """What probe-scripts/forge_judge.py does: credit every item not covered with one real sentence of the candidate
    (every quote passes the verbatim check). `rebuild` also writes the grade that credit gives into the file, so the
    saved grade agrees with its judge block."""
    transcript = load(path)
    case = case_for(transcript)
    fresh = grade_transcript(transcript, case)
    answers = transcript.candidate_answers()
    steps = {
        step_id: StepJudgement(
            step=step_id,
            credited={
                item.id: " ".join(answers[step_id][0].split()[:8]) for item in step.items if item.coverage != "covered"
            },
        )
        for step_id, step in fresh.steps.items()
        if answers.get(step_id)
    }
    judge = JudgeSummary(model="gpt-forged", status="ok", steps=steps)
    data = json.loads(path.read_text())
    if rebuild:
        data["grade"] = json.loads(combine(fresh, judge).model_dump_json())
    else:
        data["grade"]["judge"] = judge.model_dump(mode="json")
        data["grade"]["grader"] = "deterministic+judge"
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_forged_judge_grade_is_not_trusted(tmp_path: Path, rebuild: bool) -> None:
    path = finished(tmp_path)
    honest = load(path).grade.overall
    forge_judge(path, rebuild)
    transcript = load(path)
    assert grade_transcript(transcript, case_for(transcript)).overall == honest
    for command in (("grade", str(path), "--json"), ("export", str(path), "--format", "json")):
        result = run_cli(*command)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["overall"] == honest and data["grader"] == "deterministic" and data["judge"] is None
        (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
        assert UNVERIFIED in warning and f"interviewer grade {path} --model gpt-forged" in warning
    text = run_cli("grade", str(path))
    assert f"Overall {honest}/100" in text.stdout and "strong hire" not in text.stdout.lower()


def _judging(interview: Interview, quote: str) -> None:
    """Give the interview a judge that credits one missed model item with `quote`."""

    class CreditingJudge:
        model = "test-model"

        async def judge(self, case, grade, answers, on_step=None):  # the `Judge` protocol
            missed = next(item.id for item in grade.steps["model"].items if item.coverage == "missed")
            steps = {"model": StepJudgement(step="model", credited={missed: quote})}
            return combine(grade, JudgeSummary(model=self.model, status="ok", steps=steps))

    interview.policy.judge = CreditingJudge()


async def _judged_interview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), tmp_path / "j.json", clock=FakeClock())
    interview.start()
    for step_id in STEP_IDS:
        interview.advance_to(step_id)
        interview.reply(ANSWERS[step_id])
    interview.advance_to("wrap_up")
    interview.reply(ANSWERS["wrap_up"])
    _judging(interview, "a logistic regression baseline with hashed feature crosses")
    graded = await interview.ajudge()
    assert graded.judge is not None and graded.judge.seal
    interview.close()
    return interview.path


async def test_a_judge_grade_sealed_at_the_end_of_an_interview_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = await _judged_interview(tmp_path, monkeypatch)
    transcript = load(path)
    grade, warning = checked_grade(transcript, case_for(transcript))
    assert warning is None and grade.grader == "deterministic+judge" and grade.overall == transcript.grade.overall
    result = run_cli("grade", str(path), "--json")
    assert result.returncode == 0 and "warning" not in result.stderr
    assert json.loads(result.stdout)["grader"] == "deterministic+judge"
    assert "seal" not in result.stdout  # not part of the shared grade format


async def test_a_sealed_judge_grade_is_refused_once_a_candidate_turn_is_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = await _judged_interview(tmp_path, monkeypatch)
    data = json.loads(path.read_text())
    turn = next(t for t in data["turns"] if t["role"] == "candidate" and t["step"] == "evaluation")
    turn["text"] += " I would also run an online A/B test."
    path.write_text(json.dumps(data))
    transcript = load(path)
    grade, warning = checked_grade(transcript, case_for(transcript), path=path)
    assert grade.grader == "deterministic" and grade.judge is None
    assert warning is not None and UNVERIFIED in warning and warning in grade.warnings


async def test_a_judge_grade_sealed_with_another_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = await _judged_interview(tmp_path, monkeypatch)
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path / "another-machine"))
    transcript = load(path)
    grade, warning = checked_grade(transcript, case_for(transcript))
    assert grade.grader == "deterministic" and warning is not None and UNVERIFIED in warning
    assert not (tmp_path / "another-machine" / seal.KEY_FILE).exists()  # checking never makes a key
    # and one made with that other key is refused here
    judge = transcript.grade.judge
    other = judge.model_copy(update={"seal": seal.sign(transcript, judge, key=b"k" * 32)})
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path.parent / "data"))
    assert not seal.verify(transcript, other)


def test_the_seal_key_is_private_and_made_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path / "fresh"))
    path = finished(tmp_path)
    transcript = load(path)
    judge = JudgeSummary(model="m", status="ok")
    first = seal.sign(transcript, judge)
    key = seal.key_path()
    assert first and key.stat().st_mode & 0o777 == 0o600
    assert seal.sign(transcript, judge) == first and seal.verify(transcript, judge.model_copy(update={"seal": first}))
    assert [p.name for p in key.parent.iterdir() if "seal" in p.name] == [seal.KEY_FILE]  # no temp file left
