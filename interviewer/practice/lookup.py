"""The practice data the app's screens show, each read in one call from the history index in the user data folder.

Each call opens the index, brings it up to date with the transcripts (grading any new one) and closes it: the app
calls them off its UI thread. A history that cannot be read raises `InterviewerError` (one line to show).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.practice.index import CaseStats, HistoryIndex
from interviewer.practice.progress import DrillTarget, History, practise_next, read_history

if TYPE_CHECKING:
    from interviewer.grading.models import Grade
    from interviewer.transcript import Transcript


def transcripts_dir() -> Path:
    from interviewer.settings import load_settings

    return load_settings().transcripts_dir()


def open_index(directory: Path | None = None) -> HistoryIndex:
    index = HistoryIndex.open(directory or transcripts_dir())
    index.refresh()
    return index


def history(case_id: str | None = None, directory: Path | None = None, latest: int | None = None) -> History:
    with open_index(directory) as index:
        return read_history(index, case_id, latest=latest)


def history_cases(directory: Path | None = None) -> list[str]:
    """Every case with an attempt, sorted."""
    with HistoryIndex.open(directory or transcripts_dir()) as index:
        return sorted(index.case_stats(time.time()))


def picker_data(directory: Path | None = None) -> tuple[dict[str, CaseStats], DrillTarget | None]:
    """Per case: attempts, best and last score, cards due; and the drill to practise next, any case."""
    now = time.time()
    with open_index(directory) as index:
        return index.case_stats(now), practise_next(index, now=now)


def after_attempt(
    path: Path | None, transcript: Transcript, grade: Grade, directory: Path | None = None
) -> tuple[DrillTarget | None, str | None]:
    """Index a finished attempt just graded, then what to practise next in its case (and a line if the index could
    not be updated)."""
    from interviewer.practice.records import record_finished

    directory = directory or transcripts_dir()
    problem = record_finished(path, transcript, grade, directory)
    with open_index(directory) as index:
        return practise_next(index, transcript.case_id), problem
