"""Errors meant for the user: each renders as one clear line and maps to exit code 2."""

from __future__ import annotations


class InterviewerError(Exception):
    """A problem with the user's input or files, reported as one line, never as a traceback."""

    exit_code = 2


class RubricError(InterviewerError):
    """A case file that cannot be read or does not follow the rubric schema."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else f"{problems[0]} (and {len(problems) - 1} more)")


class UnknownCaseError(InterviewerError):
    pass


class TranscriptError(InterviewerError):
    pass


class SessionError(InterviewerError):
    """An event the session cannot accept in its current phase (for example a reply after the end)."""


class SaveError(InterviewerError):
    """A turn could not be written to the transcript (disk full, read-only folder, ...). The turn is not recorded:
    the in-memory transcript is left as it was before, so the front end can keep the reply and let the user retry."""


class TranscriptInUseError(TranscriptError):
    """Another interviewer process holds the transcript (an interview is running on it)."""
