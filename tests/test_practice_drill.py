"""Drills: one step on its own clock, follow-ups aimed at the due items, graded at once by the same grader, saved
and indexed like an interview; and the `history` and `drill` commands as a user runs them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from practice_helpers import finished_interview

from conftest import ANSWERS, FIXTURES, ROOT, FakeClock, run_cli
from interviewer.answers import load_answers
from interviewer.errors import InterviewerError
from interviewer.framework import STEP_BY_ID, Level
from interviewer.interview import grade_transcript
from interviewer.policy import Policy
from interviewer.practice.drill import Drill
from interviewer.practice.index import INDEX_FILE, HistoryIndex
from interviewer.practice.progress import practise_next
from interviewer.practice.records import entry_of
from interviewer.rubric import load_case
from interviewer.transcript import Role, TurnKind, load

ADS = "ad-click-prediction"
DAY = 86400.0
SCRIPT = (FIXTURES / "scripted-interview.txt").read_text()


def answers(quality: str, step: str) -> list[str]:
    return load_answers(ANSWERS / f"{ADS}-{quality}.yaml").by_step()[step]


def new_drill(path: Path, step: str, items: tuple[str, ...] = (), clock: FakeClock | None = None) -> Drill:
    return Drill.create_drill(load_case(ADS), Level.SENIOR, Policy(), path, step, items, clock=clock or FakeClock())


def test_a_drill_states_the_problem_and_opens_its_step_without_naming_the_items(tmp_path: Path) -> None:
    case = load_case(ADS)
    items = tuple(item.id for item in case.steps["data"].items[:2])
    drill = new_drill(tmp_path / "d.json", "data", items)
    said = drill.start()
    assert [turn.kind for turn in said] == [TurnKind.INTRO, TurnKind.OPENING]
    assert all(turn.step == "data" for turn in said)
    assert "Data and features".lower() in said[0].text.lower() and case.title in said[0].text
    shown = " ".join(turn.text for turn in said).lower()
    for item in case.steps["data"].items:  # neither the ids nor what a strong answer says
        assert item.id not in shown and item.covers.lower() not in shown
    drill.close()
    saved = load(tmp_path / "d.json")
    assert saved.drill is not None and saved.drill.step == "data" and saved.drill.items == list(items)


def test_its_follow_ups_aim_at_the_due_items_first(tmp_path: Path) -> None:
    case = load_case(ADS)
    # The lowest-weight item of the step: the plain interviewer would ask about it last.
    last = min(case.steps["model"].items, key=lambda item: item.weight)
    drill = new_drill(tmp_path / "d.json", "model", (last.id,))
    drill.start()
    said = drill.reply("I would train a model on the logged data and check how it does before launching it.")
    follow_ups = [turn for turn in said if turn.kind is TurnKind.FOLLOW_UP]
    assert follow_ups and follow_ups[0].item_id == last.id
    assert follow_ups[0].text == last.follow_up  # the question, never what a strong answer covers
    drill.close()


def test_moving_on_ends_the_drill_and_grades_only_its_step(tmp_path: Path) -> None:
    drill = new_drill(tmp_path / "d.json", "evaluation")
    drill.start()
    for text in answers("partial", "evaluation"):
        drill.reply(text)
    if not drill.done:
        said = drill.next_step()
        assert said[-1].kind is TurnKind.CLOSING
    assert drill.done and drill.transcript.phase == "done"
    grade = drill.grade()
    assert list(grade.steps) == ["evaluation"]
    assert grade.overall == grade.steps["evaluation"].score > 0
    # The same grader: the step scores what it scores when the transcript is graded afresh.
    assert grade_transcript(drill.transcript, drill.case) == grade
    with pytest.raises(InterviewerError, match="one step"):
        drill.advance_to("serving")
    drill.close()
    assert load(tmp_path / "d.json").grade == grade


def test_the_step_clock_ends_the_drill(tmp_path: Path) -> None:
    clock = FakeClock()
    drill = new_drill(tmp_path / "d.json", "framing", clock=clock)
    drill.start()
    clock.advance(STEP_BY_ID["framing"].budget_seconds + 1)
    said = drill.reply("I would frame it as binary classification of a click, trained with log loss.")
    assert said[-1].kind is TurnKind.CLOSING and drill.done
    drill.close()


def test_an_interrupted_drill_resumes_as_a_drill(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    drill = new_drill(path, "serving")
    drill.start()
    drill.reply("I would serve the model behind a feature store with cached user embeddings.")
    drill.close()
    again = Drill.resume(path, Policy(), clock=FakeClock())
    assert len(again.plan_start()) == 0  # the problem and the question are not said again
    said = again.end()
    assert said[-1].kind is TurnKind.CLOSING
    assert list(again.grade().steps) == ["serving"]
    again.close()


def test_a_drill_on_a_due_item_updates_its_card(tmp_path: Path) -> None:
    transcripts = tmp_path / "data" / "transcripts"
    transcripts.mkdir(parents=True)
    weak = finished_interview(transcripts / "weak.json", "weak")
    with HistoryIndex.open(transcripts) as index:
        index.refresh()
        later = time.time() + 3 * DAY
        target = practise_next(index, ADS, now=later)
        assert target is not None and target.items
        before = {(c.step, c.item_id): c for c in index.cards(ADS)}
    drill = new_drill(transcripts / "drill.json", target.step, target.items)
    drill.start()
    for text in answers("strong", target.step):
        if not drill.done:
            drill.reply(text)
    if not drill.done:
        drill.end()
    drill.close()
    grade = drill.grade()
    covered = {item.id for item in grade.steps[target.step].items if item.coverage == "covered"}
    reviewed = [item for item in target.items if item in covered]
    assert reviewed, "the strong answer covers a due item"
    with HistoryIndex.open(transcripts) as index:
        index.record(drill.path, entry_of(drill.transcript, grade))
        [_, attempt] = index.attempts()
        assert (attempt.kind, attempt.drill_step, attempt.overall) == ("drill", target.step, grade.overall)
        after = {(c.step, c.item_id): c for c in index.cards(ADS)}
        # Only the drilled step's cards were reviewed.
        for key, card in after.items():
            if key[0] != target.step:
                assert card.reviews == before[key].reviews
        for item in reviewed:
            card = after[(target.step, item)]
            assert card.reviews == before[(target.step, item)].reviews + 1
            assert card.last_coverage == "covered" and card.due > before[(target.step, item)].due
    assert weak.grade().steps[target.step].score < grade.overall


def test_drill_candidate_turns_are_kept_in_its_step(tmp_path: Path) -> None:
    drill = new_drill(tmp_path / "d.json", "monitoring")
    drill.start()
    drill.reply("What is the latency budget?")
    assert {turn.step for turn in drill.transcript.turns if turn.role is Role.CANDIDATE} == {"monitoring"}
    drill.close()


# -- the commands ------------------------------------------------------------------------------------------------


def test_history_after_an_interview_and_a_drill(_isolated_data_dir: Path) -> None:
    result = run_cli("chat", "--plain", "--case", ADS, stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    assert (_isolated_data_dir / INDEX_FILE).exists()  # indexed at the end, not only when history is asked
    shown = run_cli("history", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    [attempt] = data["attempts"]
    assert attempt["kind"] == "interview" and attempt["case"] == ADS
    weakest = data["weakest_steps"][0]["step"]
    assert data["next"]["step"] == weakest
    drill = run_cli("drill", "--plain", stdin="I would keep it simple.\n/end\n")
    assert drill.returncode == 0, drill.stderr
    assert f"({weakest})" in drill.stdout and "Overall" in drill.stdout
    assert f"Drill: Ad click prediction · {weakest}" in drill.stderr
    text = run_cli("history", "--case", ADS)
    assert text.returncode == 0, text.stderr
    assert "1 interview, 1 drill" in text.stdout and f"drill {weakest}" in text.stdout
    assert "Practise next:" in text.stdout
    md = run_cli("history", "--format", "md")
    assert md.returncode == 0 and md.stdout.startswith("# Progress: all cases")
    assert "| interview |" in md.stdout and f"| drill {weakest} |" in md.stdout


def test_history_rebuild_skips_a_corrupt_transcript_with_one_line(_isolated_data_dir: Path) -> None:
    assert run_cli("chat", "--plain", "--case", ADS, stdin=SCRIPT).returncode == 0
    (_isolated_data_dir / INDEX_FILE).unlink()
    broken = _isolated_data_dir / "transcripts" / "broken.json"
    broken.write_text("{not json")
    result = run_cli("history", "--rebuild", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "broken.json" in line]
    assert len(warnings) == 1 and warnings[0].startswith("interviewer: warning: skipped ")
    assert "history rebuilt: 1 attempts indexed, 1 files skipped" in result.stderr
    assert len(json.loads(result.stdout)["attempts"]) == 1


def test_drill_without_history_or_case_is_one_line(_isolated_data_dir: Path) -> None:
    result = run_cli("drill", "--plain", stdin="")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("interviewer: error: no finished interview yet")
    named = run_cli("drill", "--plain", "--case", ADS, "--step", "model", stdin="/end\n")
    assert named.returncode == 0, named.stderr
    assert "Interviewer (model)" in named.stdout


def test_history_of_a_malformed_case_id_is_one_line() -> None:
    result = run_cli("history", "--case", "Bad Id!")
    assert result.returncode == 2 and "invalid case id" in result.stderr and "Traceback" not in result.stderr


def test_history_of_an_unknown_case_says_so_rather_than_showing_an_empty_history(_isolated_data_dir: Path) -> None:
    """A mistyped id looked like a case never practised ("No finished interview or drill yet (nope)", exit 0)."""
    result = run_cli("history", "--case", "nope")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "unknown case 'nope'" in result.stderr and ADS in result.stderr
    known = run_cli("history", "--case", ADS)  # a real case not practised yet is an empty history
    assert known.returncode == 0 and "No finished interview or drill yet" in known.stdout


def test_history_of_a_case_file_outside_the_case_folders_is_an_empty_history(
    _isolated_data_dir: Path, tmp_path: Path
) -> None:
    own = tmp_path / "elsewhere" / "my-case.yaml"
    own.parent.mkdir()
    own.write_text((ROOT / "rubrics" / f"{ADS}.yaml").read_text().replace(f"id: {ADS}", "id: my-case", 1))
    result = run_cli("history", "--case", str(own))
    assert result.returncode == 0, result.stderr
    assert "No finished interview or drill yet" in result.stdout


def test_an_interrupted_drill_resumes_as_a_drill_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "drill.json"
    first = run_cli("drill", "--plain", "--case", ADS, "--step", "model", "--out", str(out), stdin="What is the QPS?\n")
    assert first.returncode == 0, first.stderr
    assert "Input ended" in first.stdout and not load(out).finished
    reply = "I would start with logistic regression as a baseline.\n/end\n"
    again = run_cli("resume", str(out), "--plain", stdin=reply)
    assert again.returncode == 0, again.stderr
    assert "Resuming at model" in again.stdout and "That's the drill." in again.stdout
    saved = load(out)
    assert saved.finished and saved.drill is not None and saved.grade is not None
    assert list(saved.grade.steps) == ["model"]
    assert "Interviewer (data)" not in again.stdout and "Interviewer (evaluation)" not in again.stdout
