"""The practice loop in the app: the scorecard indexes the attempt and offers what to practise next, a new
interview and the History screen; the History screen charts each step over time; the picker shows per case
attempts, scores and due cards."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from practice_helpers import finished_interview
from textual.widgets import DataTable, OptionList, Static, TextArea
from tui_helpers import screen_text, wait_until

from conftest import ANSWERS, FakeClock
from interviewer.answers import load_answers
from interviewer.catalog import case_files, peek_case
from interviewer.framework import STEP_IDS, Level
from interviewer.interview import Interview, case_for, checked_grade
from interviewer.policy import Policy
from interviewer.practice.drill import Drill
from interviewer.practice.index import HistoryIndex
from interviewer.practice.progress import DrillTarget, practise_next
from interviewer.practice.records import entry_of
from interviewer.practice.render import spark
from interviewer.rubric import load_case
from interviewer.transcript import load
from interviewer.tui.app import InterviewerApp
from interviewer.tui.history_screen import HistoryScreen
from interviewer.tui.interview_screen import InterviewScreen
from interviewer.tui.picker import CasePickerScreen
from interviewer.tui.scorecard_screen import ScorecardScreen

ADS = "ad-click-prediction"
DAY = 86400.0
STRONG = load_answers(ANSWERS / f"{ADS}-strong.yaml").by_step()


def scorecard_of(path: Path) -> ScorecardScreen:
    transcript = load(path)
    case = case_for(transcript)
    grade, _ = checked_grade(transcript, case)
    return ScorecardScreen(transcript, case, grade, path)


def practise_text(app: InterviewerApp) -> str:
    return str(app.screen.query_one("#practise-next", Static).render())


async def test_two_interviews_then_the_history_screen_shows_both_with_the_chart(_isolated_data_dir: Path) -> None:
    transcripts = _isolated_data_dir / "transcripts"
    first = finished_interview(transcripts / "first.json", "weak")
    second = finished_interview(transcripts / "second.json", "strong")
    app = InterviewerApp(scorecard_of(second.path))
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_until(pilot, lambda: "Practise next" in practise_text(app))
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.history is not None and not screen.workers)
        table = screen.query_one("#attempts", DataTable)
        assert table.row_count == 2
        # The latest first, with its score.
        assert str(table.get_row_at(0)[5]) == str(second.grade().overall)
        assert str(table.get_row_at(1)[5]) == str(first.grade().overall)
        charts = str(screen.query_one("#trends", Static).render()).splitlines()
        assert len(charts) == len(STEP_IDS)
        data = [first.grade().steps["data"].score, second.grade().steps["data"].score]
        assert charts[2].startswith("Data and features")  # one mark per attempt, on a 0-100 scale
        assert f" {spark(data)} " in charts[2] and f"best {max(data):>3} · last {data[-1]:>3}" in charts[2]
        text = screen_text(app)
        assert "2 interview(s), 0 drill(s)" in text
        assert f"Personal best: {max(first.grade().overall, second.grade().overall)}" in text
        assert "Weakest items:" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))


async def test_the_scorecards_practise_next_starts_the_right_drill(_isolated_data_dir: Path, tmp_path: Path) -> None:
    transcripts = _isolated_data_dir / "transcripts"
    weak = finished_interview(transcripts / "weak.json", "weak")
    started: list[tuple[DrillTarget, Level]] = []

    def start_drill(target: DrillTarget, level: Level) -> Drill:
        started.append((target, level))
        case = load_case(target.case_id)
        path = tmp_path / "drill.json"
        return Drill.create_drill(case, level, Policy(), path, target.step, target.items, clock=FakeClock())

    app = InterviewerApp(scorecard_of(weak.path), start_drill=start_drill)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_until(pilot, lambda: "Practise next" in practise_text(app))
        with HistoryIndex.open(transcripts) as index:
            expected = practise_next(index, ADS)
        assert expected is not None and f"weakest of the steps you answered: {expected.step}" in practise_text(app)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen))
        drill_screen = app.screen
        await wait_until(pilot, lambda: drill_screen.interview is not None and not drill_screen.workers)
        assert [(target.case_id, target.step) for target, _ in started] == [(ADS, expected.step)]
        assert started[0][1] is Level.SENIOR
        drill = drill_screen.interview
        assert isinstance(drill, Drill) and drill.step == expected.step
        await wait_until(pilot, lambda: not drill_screen.speaking)
        await pilot.press("ctrl+g")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen) and app.screen.transcript.drill)
        card = app.screen
        assert [row.step_id for row in card.card.rows] == [expected.step]  # the drill's scorecard: its step alone
        await wait_until(pilot, lambda: "Practise next" in practise_text(app))
    with HistoryIndex.open(transcripts) as index:
        kinds = [(attempt.kind, attempt.drill_step) for attempt in index.attempts()]
    assert kinds == [("interview", None), ("drill", expected.step)]  # the drill was indexed at its scorecard


async def test_the_scorecard_offers_a_new_interview(_isolated_data_dir: Path) -> None:
    transcripts = _isolated_data_dir / "transcripts"
    done = finished_interview(transcripts / "a.json", "partial")

    def never(case_id: str, level: Level) -> Interview:
        raise AssertionError("no interview starts before a case is chosen")

    app = InterviewerApp(scorecard_of(done.path), never)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CasePickerScreen))
        assert app.screen.level is Level.SENIOR


async def test_the_picker_shows_attempts_scores_and_due_cards(_isolated_data_dir: Path) -> None:
    transcripts = _isolated_data_dir / "transcripts"
    first = finished_interview(transcripts / "a.json", "weak")
    second = finished_interview(transcripts / "b.json", "partial")
    picker = CasePickerScreen([peek_case(path) for path in case_files()], Level.SENIOR)
    app = InterviewerApp(picker)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(picker.stats))
        options = picker.query_one("#cases", OptionList)
        shown = {
            str(options.get_option_at_index(i).id): str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
        }
        best = max(first.grade().overall, second.grade().overall)
        assert f"2 attempts · best {best} · last {second.grade().overall}" in shown[ADS]
        assert "attempt" not in shown["video-recommendation"]
        assert "Practise next: ad-click-prediction" in screen_text(app)
        await pilot.resize_terminal(80, 40)  # at 80 columns the line wraps rather than cutting the key off
        await pilot.pause()
        assert "f3 to start the drill" in screen_text(app)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))


async def test_a_drill_on_due_cards_from_the_scorecard_updates_them(_isolated_data_dir: Path, tmp_path: Path) -> None:
    transcripts = _isolated_data_dir / "transcripts"
    weak = finished_interview(transcripts / "weak.json", "weak")
    with HistoryIndex.open(transcripts) as index:  # as if the weak interview was three days ago: its cards are due
        entry = entry_of(weak.transcript, weak.grade())
        index.record(weak.path, dataclasses.replace(entry, ended_at=entry.ended_at - 3 * DAY))
        due = index.cards(ADS, due_by=time.time())
    assert due
    drills: list[Drill] = []

    def start_drill(target: DrillTarget, level: Level) -> Drill:
        case = load_case(target.case_id)
        drill = Drill.create_drill(case, level, Policy(), tmp_path / "drill.json", target.step, target.items)
        drills.append(drill)
        return drill

    app = InterviewerApp(scorecard_of(weak.path), start_drill=start_drill)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_until(pilot, lambda: "practice card" in practise_text(app))
        await pilot.press("d")
        await wait_until(pilot, lambda: bool(drills) and isinstance(app.screen, InterviewScreen))
        screen, drill = app.screen, drills[0]
        await wait_until(pilot, lambda: screen.interview is not None and not screen.speaking and not screen.workers)
        step = drill.step
        assert drill.transcript.drill is not None and drill.transcript.drill.items
        assert set(drill.transcript.drill.items) <= {card.item_id for card in due if card.step == step}
        for text in STRONG[step]:
            if drill.done:
                break
            screen.query_one(TextArea).text = text
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not screen.speaking and not screen.workers)
        if not drill.done:
            await pilot.press("ctrl+g")
            await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen) and app.screen.transcript.drill)
        await wait_until(pilot, lambda: "Practise next" in practise_text(app))
    covered = {item.id for item in drill.grade().steps[step].items if item.coverage == "covered"}
    aimed = [item for item in drill.transcript.drill.items if item in covered]
    assert aimed, "the strong answer covers a card the drill aimed at"
    before = {card.item_id: card for card in due if card.step == step}
    with HistoryIndex.open(transcripts) as index:
        after = {card.item_id: card for card in index.cards(ADS) if card.step == step}
    for item in aimed:
        assert after[item].reviews == before[item].reviews + 1
        assert after[item].last_coverage == "covered" and after[item].due > time.time()
