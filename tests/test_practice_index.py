"""The history index and the practice cards: recorded at the end of an attempt, rebuilt from transcripts alone,
corrupt or foreign files skipped with one line, cards scheduled by FSRS from the items missed or only mentioned."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from practice_helpers import finished_interview

from conftest import FakeClock
from interviewer.framework import Level
from interviewer.interview import Interview
from interviewer.policy import Policy
from interviewer.practice.index import INDEX_FILE, HistoryIndex
from interviewer.practice.progress import practise_next, read_history
from interviewer.practice.records import entry_of, graded_entry
from interviewer.rubric import load_case

ADS = "ad-click-prediction"
DAY = 86400.0


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "transcripts"
    folder.mkdir(parents=True)
    return folder


def open_index(transcripts: Path) -> HistoryIndex:
    return HistoryIndex.open(transcripts)


def test_a_recorded_interview_is_an_attempt_with_step_scores_and_cards(transcripts: Path) -> None:
    interview = finished_interview(transcripts / "one.json", "weak")
    grade = interview.grade()
    with open_index(transcripts) as index:
        index.record(interview.path, entry_of(interview.transcript, grade))
        [attempt] = index.attempts()
        assert (attempt.case_id, attempt.kind, attempt.overall) == (ADS, "interview", grade.overall)
        assert attempt.hire_signal == grade.hire_signal.value
        points = {point.step: point.score for point in index.step_points()}
        assert points == {step_id: step.score for step_id, step in grade.steps.items() if step.answered}
        # A card for every counted item missed or only mentioned, none for a covered one.
        expected = {
            (step_id, item.id)
            for step_id, step in grade.steps.items()
            for item in step.items
            if item.counted and item.coverage != "covered"
        }
        cards = index.cards()
        assert {(card.step, card.item_id) for card in cards} == expected
        covered = {(s, i.id) for s, step in grade.steps.items() for i in step.items if i.coverage == "covered"}
        assert not covered & {(card.step, card.item_id) for card in cards}
        # A first miss is due the next day (no learning steps in minutes), so nothing is due right away.
        assert index.cards(due_by=time.time()) == []
        assert len(index.cards(due_by=time.time() + 2 * DAY)) == len(expected)


def test_covering_a_card_later_reviews_it_and_pushes_it_back(transcripts: Path) -> None:
    weak = finished_interview(transcripts / "a.json", "weak")
    strong = finished_interview(transcripts / "b.json", "strong")
    with open_index(transcripts) as index:
        index.record(weak.path, entry_of(weak.transcript, weak.grade()))
        before = {(c.step, c.item_id): c for c in index.cards()}
        index.record(strong.path, entry_of(strong.transcript, strong.grade()))
        after = {(c.step, c.item_id): c for c in index.cards()}
    covered_now = {(s, i.id) for s, step in strong.grade().steps.items() for i in step.items if i.coverage == "covered"}
    reviewed = [key for key in before if key in covered_now]
    assert reviewed, "the strong answers cover some item the weak ones missed"
    for key in reviewed:
        assert after[key].reviews == before[key].reviews + 1
        assert after[key].last_coverage == "covered"
        assert after[key].due > before[key].due
        assert after[key].lapses == before[key].lapses


def test_the_index_is_rebuilt_from_transcripts_alone_and_agrees(transcripts: Path) -> None:
    first = finished_interview(transcripts / "1.json", "weak")
    second = finished_interview(transcripts / "2.json", "partial")
    with open_index(transcripts) as index:
        for interview in (first, second):
            index.record(interview.path, entry_of(interview.transcript, interview.grade()))
        recorded = (index.attempts(), index.cards(), index.step_points())
    (transcripts.parent / INDEX_FILE).unlink()
    with open_index(transcripts) as index:
        assert index.attempts() == []
        done = index.refresh()
        assert (done.indexed, done.skipped) == (2, [])
        rebuilt = (index.attempts(), index.cards(), index.step_points())
        assert [a.overall for a in rebuilt[0]] == [first.grade().overall, second.grade().overall]
        # Same attempts, same cards scheduled, same step scores (ids aside: the rows are new).
        assert [(a.path, a.overall, a.hire_signal, a.ended_at) for a in rebuilt[0]] == [
            (a.path, a.overall, a.hire_signal, a.ended_at) for a in recorded[0]
        ]
        assert [(c.step, c.item_id, c.due, c.reviews) for c in rebuilt[1]] == [
            (c.step, c.item_id, c.due, c.reviews) for c in recorded[1]
        ]
        assert [(p.step, p.score) for p in rebuilt[2]] == [(p.step, p.score) for p in recorded[2]]
        assert index.refresh().indexed == 0  # nothing changed since


def test_corrupt_and_foreign_transcripts_are_skipped_with_one_line_once(transcripts: Path) -> None:
    finished_interview(transcripts / "good.json", "partial")
    (transcripts / "corrupt.json").write_text('{"schema_version": 1, "turns": [')
    (transcripts / "foreign.json").write_text(json.dumps({"hello": "world"}))
    (transcripts / "future.json").write_text(json.dumps({"schema_version": 9, "turns": []}))
    (transcripts / "good.md").write_text("# an exported scorecard, not a transcript")
    lines: list[str] = []
    with open_index(transcripts) as index:
        done = index.refresh(on_skip=lines.append)
        assert done.indexed == 1
        assert len(lines) == 3 and all("\n" not in line for line in lines)
        for name in ("corrupt.json", "foreign.json", "future.json"):
            assert sum(str(transcripts / name) in line for line in lines) == 1
        assert any("schema_version" in line for line in lines)
        again: list[str] = []
        assert index.refresh(on_skip=again.append).indexed == 0
        assert again == []  # said once, until the file changes
        assert len(index.skipped()) == 3


def test_an_unfinished_interview_is_left_out_quietly_until_it_finishes(transcripts: Path) -> None:
    path = transcripts / "running.json"
    interview = Interview.create(load_case(ADS), Level.SENIOR, Policy(), path, clock=FakeClock())
    interview.start()
    interview.reply("I would ask about the business goal and the number of daily users first.")
    lines: list[str] = []
    with open_index(transcripts) as index:
        assert index.refresh(on_skip=lines.append).indexed == 0
        assert lines == [] and index.skipped() == []
        interview.end()
        interview.close()
        assert index.refresh(on_skip=lines.append).indexed == 1
        assert index.attempts()[0].case_id == ADS


def test_a_deleted_transcript_leaves_the_history(transcripts: Path) -> None:
    finished_interview(transcripts / "a.json", "weak")
    finished_interview(transcripts / "b.json", "strong")
    with open_index(transcripts) as index:
        index.refresh()
        assert len(index.attempts()) == 2
        (transcripts / "a.json").unlink()
        done = index.refresh()
        assert done.removed == 1
        assert [Path(a.path).name for a in index.attempts()] == ["b.json"]


def test_an_unreadable_index_file_is_replaced_and_rebuilt(transcripts: Path) -> None:
    finished_interview(transcripts / "a.json", "weak")
    (transcripts.parent / INDEX_FILE).write_bytes(b"this is not an sqlite database" * 100)
    warnings: list[str] = []
    with HistoryIndex.open(transcripts, on_warning=warnings.append) as index:
        assert len(warnings) == 1 and "rebuilding" in warnings[0]
        assert index.refresh().indexed == 1


def test_an_index_of_another_schema_is_rebuilt(transcripts: Path) -> None:
    finished_interview(transcripts / "a.json", "weak")
    with open_index(transcripts) as index:
        index.refresh()
    db = sqlite3.connect(transcripts.parent / INDEX_FILE)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with open_index(transcripts) as index:
        assert index.attempts() == []
        assert index.refresh().indexed == 1


def test_the_index_uses_wal(transcripts: Path) -> None:
    with open_index(transcripts) as index:
        assert index.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_attempt_saved_elsewhere_is_kept_while_its_file_exists(transcripts: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    interview = finished_interview(elsewhere / "run.json", "partial")
    with open_index(transcripts) as index:
        index.record(interview.path, entry_of(interview.transcript, interview.grade()))
        assert index.refresh().removed == 0
        assert len(index.attempts()) == 1
        shutil.rmtree(elsewhere)
        assert index.refresh().removed == 1


def test_graded_entry_regrades_the_turns_not_the_saved_grade(transcripts: Path) -> None:
    interview = finished_interview(transcripts / "a.json", "partial")
    data = json.loads(interview.path.read_text())
    real = data["grade"]["overall"]
    data["grade"]["overall"] = 99  # an edited cache
    interview.path.write_text(json.dumps(data))
    assert graded_entry(interview.path).overall == real


def test_history_reads_trends_bests_weak_spots_and_what_to_practise(transcripts: Path) -> None:
    weak = finished_interview(transcripts / "a.json", "weak")
    strong = finished_interview(transcripts / "b.json", "strong")
    with open_index(transcripts) as index:
        index.refresh()
        history = read_history(index, ADS, now=time.time())
        assert [a.overall for a in history.attempts] == [weak.grade().overall, strong.grade().overall]
        assert history.best is not None and history.best.overall == max(weak.grade().overall, strong.grade().overall)
        trend = {t.step: t.scores for t in history.trends}
        assert trend["data"] == [weak.grade().steps["data"].score, strong.grade().steps["data"].score]
        weakest = history.weakest_steps[0]
        recents = {w.step: w.recent for w in history.weakest_steps}
        assert weakest.recent == min(recents.values())
        assert history.due == ()  # the first review is a day later
        assert history.next is not None and history.next.step == weakest.step and history.next.items == ()
        # A day and more later, the cards still missed are due, and the next drill is on them.
        later = time.time() + 3 * DAY
        target = practise_next(index, ADS, now=later)
        due = index.cards(ADS, due_by=later)
        assert due and target is not None
        assert set(target.items) <= {c.item_id for c in due if c.step == target.step}
        assert target.step in {c.step for c in due}
        assert not any(item in target.reason for item in target.items)  # the reason names no item
        stats = index.case_stats(later)[ADS]
        assert (stats.attempts, stats.best, stats.last) == (2, history.best.overall, strong.grade().overall)
        assert stats.due == len(due)


@pytest.mark.parametrize(
    "module",
    [
        "interviewer.practice.index",
        "interviewer.practice.progress",
        "interviewer.practice.drill",
        "interviewer.practice.render",
        "interviewer.practice.lookup",
    ],
)
def test_the_practice_core_imports_no_front_end_or_model_sdk(module: str) -> None:
    from test_imports import HEAVY, loaded_after

    modules = loaded_after(f"import {module}")
    assert module in modules
    assert not [name for name in modules if name.split(".")[0] in HEAVY]
    if module in ("interviewer.practice.index", "interviewer.practice.progress"):
        # What the picker reads on its first frames: the standard library only (no pydantic, no YAML, no fsrs).
        assert not {"pydantic", "yaml", "fsrs"} & {name.split(".")[0] for name in modules}


def test_the_latest_attempts_alone_are_read_in_detail_but_counts_and_bests_cover_all(transcripts: Path) -> None:
    strong = finished_interview(transcripts / "a.json", "strong")
    weak = finished_interview(transcripts / "b.json", "weak")
    with open_index(transcripts) as index:
        index.refresh()
        history = read_history(index, ADS, latest=1)
    assert [a.overall for a in history.attempts] == [weak.grade().overall]
    assert (history.interviews, history.drills) == (2, 0)
    assert history.best is not None and history.best.overall == strong.grade().overall
    data = next(trend for trend in history.trends if trend.step == "data")
    assert data.scores == [weak.grade().steps["data"].score]
    assert data.best == strong.grade().steps["data"].score
