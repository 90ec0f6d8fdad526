"""The history index: every finished interview and drill, in one SQLite file in the user data folder.

The transcripts stay the source of truth. The index is a cache of what grading them says (per attempt: case,
level, model, date, duration, overall, hire signal, each step's score and each item's result) plus the practice
cards those results schedule; it is rebuilt from the transcripts when it is missing, from an older schema, or
unreadable, and brought up to date (`refresh`) from the files whose size or modification time changed. A file that
is not a transcript, or is broken, is skipped with one line and remembered, so it is reported once.

Only the standard library is imported here: the app's picker reads the stats on its first frames. Grading a
transcript (`records.graded_entry`) and scheduling cards (`cards`) are imported when there is something to index.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.errors import InterviewerError

if TYPE_CHECKING:
    from interviewer.practice.records import Entry

INDEX_FILE = "history.sqlite3"
SCHEMA_VERSION = 1  # PRAGMA user_version; another value (an older or newer release) rebuilds the index
BUSY_TIMEOUT_MS = 5000  # the app and a `history` command may write at the same moment

_SCHEMA = """
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    transcript_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    drill_step TEXT,
    case_id TEXT NOT NULL,
    case_title TEXT NOT NULL,
    level TEXT NOT NULL,
    model TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL NOT NULL,
    seconds REAL NOT NULL,
    overall INTEGER NOT NULL,
    hire_signal TEXT NOT NULL
);
CREATE INDEX attempts_by_case ON attempts (case_id, ended_at);
CREATE TABLE step_scores (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    score INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    seconds REAL,
    budget_seconds REAL,
    PRIMARY KEY (attempt_id, step)
);
CREATE TABLE item_results (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    item_id TEXT NOT NULL,
    coverage TEXT NOT NULL,
    covers TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (attempt_id, step, item_id)
);
CREATE TABLE skipped (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    reason TEXT NOT NULL,
    quiet INTEGER NOT NULL
);
CREATE TABLE cards (
    case_id TEXT NOT NULL,
    step TEXT NOT NULL,
    item_id TEXT NOT NULL,
    fsrs TEXT NOT NULL,
    due REAL NOT NULL,
    reviews INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    last_coverage TEXT NOT NULL,
    last_review REAL NOT NULL,
    covers TEXT NOT NULL,
    PRIMARY KEY (case_id, step, item_id)
);
CREATE TABLE item_totals (
    case_id TEXT NOT NULL,
    step TEXT NOT NULL,
    item_id TEXT NOT NULL,
    covers TEXT NOT NULL,
    weight REAL NOT NULL,
    attempts INTEGER NOT NULL,
    covered INTEGER NOT NULL,
    partial INTEGER NOT NULL,
    missed INTEGER NOT NULL,
    last_coverage TEXT NOT NULL,
    PRIMARY KEY (case_id, step, item_id)
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value REAL NOT NULL);
"""
_TABLES = ("step_scores", "item_results", "attempts", "skipped", "cards", "item_totals", "meta")


def index_path(transcripts_dir: Path) -> Path:
    """The index beside the transcripts folder, in the user data folder (`Settings.transcripts_dir().parent`)."""
    return transcripts_dir.parent / INDEX_FILE


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    path: str
    kind: str  # "interview" or "drill"
    drill_step: str | None
    case_id: str
    case_title: str
    level: str
    model: str
    started_at: float
    ended_at: float
    seconds: float
    overall: int
    hire_signal: str


@dataclass(frozen=True, slots=True)
class StepPoint:
    """One step's score in one attempt (only steps the candidate answered, and a drill's step)."""

    attempt_id: int
    case_id: str
    step: str
    score: int
    ended_at: float
    kind: str


@dataclass(frozen=True, slots=True)
class ItemStat:
    """How one rubric item went across attempts of its case."""

    case_id: str
    step: str
    item_id: str
    covers: str
    weight: float
    attempts: int
    covered: int
    partial: int
    missed: int
    last_coverage: str

    @property
    def miss_rate(self) -> float:
        """Missed counts whole, only mentioned half: how far from covered the item usually is."""
        return (self.missed + 0.5 * self.partial) / self.attempts if self.attempts else 0.0


@dataclass(frozen=True, slots=True)
class PracticeCard:
    case_id: str
    step: str
    item_id: str
    covers: str  # what a strong answer says: shown only after an attempt, never before a drill
    due: float
    reviews: int
    lapses: int
    last_coverage: str
    last_review: float


@dataclass(frozen=True, slots=True)
class CaseStats:
    """What the picker shows per case."""

    attempts: int
    best: int | None  # best overall of a whole interview
    last: int | None  # the latest interview's overall
    due: int  # cards due now


@dataclass(frozen=True, slots=True)
class Summary:
    interviews: int
    drills: int
    best: Attempt | None  # the best whole interview
    step_bests: dict[str, int]  # per step, its best score in any attempt


@dataclass
class Refreshed:
    """What a refresh did: attempts added or updated, removed (their file is gone), and files skipped (one line
    each, said once)."""

    indexed: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)


Grader = Callable[[Path], "Entry"]
Progress = Callable[[int, int], None]


class HistoryIndex:
    """The open index. Use as a context manager, or `close` it."""

    def __init__(self, connection: sqlite3.Connection, path: Path, transcripts_dir: Path):
        self.db = connection
        self.path = path
        self.transcripts_dir = transcripts_dir

    # -- opening -------------------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, transcripts_dir: Path, path: Path | None = None, on_warning: Callable[[str], None] | None = None
    ) -> HistoryIndex:
        """Open (creating if need be) the index of the transcripts in `transcripts_dir`. An unreadable index file is
        a cache: it is replaced (and `on_warning` told once); a folder it cannot be written in is one
        `InterviewerError`."""
        path = path or index_path(transcripts_dir)
        try:
            return cls(_connect(path), path, transcripts_dir)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not _looks_corrupt(exc):
                raise InterviewerError(f"{path}: cannot open the history index ({exc})") from None
            if on_warning is not None:
                on_warning(f"{path}: the history index was unreadable ({exc}); rebuilding it from the transcripts")
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            try:
                return cls(_connect(path), path, transcripts_dir)
            except sqlite3.Error as again:
                raise InterviewerError(f"{path}: cannot open the history index ({again})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> HistoryIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so two writers wait for each other instead of failing midway)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- keeping it up to date -----------------------------------------------------------------------------------

    def record(self, path: Path, entry: Entry) -> None:
        """Index one finished attempt just graded (no regrading): the app and line mode call this at the end."""
        info = _stat(path)
        if info is None:
            return
        key = str(path.resolve())
        with self._writing() as db:
            again = db.execute("SELECT mtime_ns, size FROM attempts WHERE path = ?", (key,)).fetchone()
            if again == (info.st_mtime_ns, info.st_size):
                return  # recorded already, and the file has not changed since
            attempt, later = self._store(db, key, info, entry)
            if later and not again:
                self._apply_attempt(db, entry.case_id, attempt, entry.ended_at)
            else:
                self._recompute(db)

    def refresh(
        self,
        grader: Grader | None = None,
        on_skip: Callable[[str], None] | None = None,
        progress: Progress | None = None,
    ) -> Refreshed:
        """Index the transcripts added or changed since the last look and drop those whose file is gone. A file
        that cannot be indexed is skipped with one line (to `on_skip`), once until it changes."""
        from interviewer.practice.records import Grader as CaseGrader
        from interviewer.practice.records import NotIndexed

        grader = grader or CaseGrader()
        done = Refreshed()
        known = {
            row[0]: (row[1], row[2])
            for row in self.db.execute(
                "SELECT path, mtime_ns, size FROM attempts UNION ALL SELECT path, mtime_ns, size FROM skipped"
            )
        }
        found = _transcript_files(self.transcripts_dir)
        for path in known:  # attempts recorded from elsewhere (`--out`) are kept while their file is there
            if path not in found:
                info = _stat(Path(path))
                if info is not None:
                    found[path] = info
        gone = [path for path in known if path not in found]
        changed = [path for path, info in found.items() if known.get(path) != (info.st_mtime_ns, info.st_size)]
        if not gone and not changed:
            return done
        entries: list[tuple[str, os.stat_result, Entry | None, str, bool]] = []
        for number, path in enumerate(sorted(changed), start=1):
            if progress is not None:
                progress(number, len(changed))
            try:
                entries.append((path, found[path], grader(Path(path)), "", True))
            except NotIndexed as exc:
                entries.append((path, found[path], None, str(exc), True))
            except Exception as exc:  # a corrupt or foreign file is skipped, never fatal
                reason = " ".join(str(exc).split()) or type(exc).__name__
                line = reason if reason.startswith(path) else f"{path}: {reason}"
                entries.append((path, found[path], None, line, False))
        with self._writing() as db:
            if gone:
                marks = ",".join("?" * len(gone))
                done.removed = db.execute(f"DELETE FROM attempts WHERE path IN ({marks})", gone).rowcount
                db.execute(f"DELETE FROM skipped WHERE path IN ({marks})", gone)
            for path, info, entry, reason, quiet in entries:
                if entry is None:
                    db.execute("DELETE FROM attempts WHERE path = ?", (path,))
                    db.execute(
                        "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)",
                        (path, info.st_mtime_ns, info.st_size, reason, int(quiet)),
                    )
                    if not quiet:
                        done.skipped.append(f"skipped {reason}")
                    continue
                db.execute("DELETE FROM skipped WHERE path = ?", (path,))
                self._store(db, path, info, entry)
                done.indexed += 1
            self._recompute(db)
        if on_skip is not None:
            for line in done.skipped:
                on_skip(line)
        return done

    def rebuild(
        self,
        grader: Grader | None = None,
        on_skip: Callable[[str], None] | None = None,
        progress: Progress | None = None,
    ) -> Refreshed:
        """Forget everything and index every transcript again."""
        with self._writing() as db:
            for table in ("attempts", "skipped", "cards", "item_totals", "meta"):
                db.execute(f"DELETE FROM {table}")
        return self.refresh(grader, on_skip, progress)

    def skipped(self) -> list[str]:
        """The files left out because they are not transcripts or are broken, with why."""
        return [row[0] for row in self.db.execute("SELECT reason FROM skipped WHERE quiet = 0 ORDER BY path")]

    def _store(self, db: sqlite3.Connection, path: str, info: os.stat_result, entry: Entry) -> tuple[int, bool]:
        """Write one attempt (replacing what the same file said before): its id, and True when it is later than
        every review the cards have had, so they can take it as one more review instead of being recomputed."""
        db.execute("DELETE FROM attempts WHERE path = ?", (path,))
        cursor = db.execute(
            "INSERT INTO attempts (path, mtime_ns, size, transcript_id, kind, drill_step, case_id, case_title, level, "
            "model, started_at, ended_at, seconds, overall, hire_signal) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                path,
                info.st_mtime_ns,
                info.st_size,
                entry.transcript_id,
                entry.kind,
                entry.drill_step,
                entry.case_id,
                entry.case_title,
                entry.level,
                entry.model,
                entry.started_at,
                entry.ended_at,
                entry.seconds,
                entry.overall,
                entry.hire_signal,
            ),
        )
        attempt = cursor.lastrowid
        assert attempt is not None
        db.executemany(
            "INSERT INTO step_scores VALUES (?, ?, ?, ?, ?, ?)",
            [(attempt, s.step, s.score, int(s.answered), s.seconds, s.budget_seconds) for s in entry.steps],
        )
        db.executemany(
            "INSERT OR REPLACE INTO item_results VALUES (?, ?, ?, ?, ?, ?)",
            [(attempt, i.step, i.item_id, i.coverage, i.covers, i.weight) for i in entry.items],
        )
        row = db.execute("SELECT value FROM meta WHERE key = 'cards_through'").fetchone()
        return attempt, row is None or entry.ended_at >= row[0]

    def _apply_attempt(self, db: sqlite3.Connection, case_id: str, attempt: int, when: float) -> None:
        """One attempt's item results as reviews of its case's cards, and added to its items' totals."""
        from interviewer.practice.cards import CardState, review

        rows = db.execute(
            "SELECT step, item_id, coverage, covers, weight FROM item_results WHERE attempt_id = ?", (attempt,)
        ).fetchall()
        for step, item_id, coverage, covers, weight in rows:
            key = (case_id, step, item_id)
            db.execute(
                "INSERT INTO item_totals VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (case_id, step, item_id) "
                "DO UPDATE SET covers = excluded.covers, weight = excluded.weight, attempts = attempts + 1, "
                "covered = covered + excluded.covered, partial = partial + excluded.partial, "
                "missed = missed + excluded.missed, last_coverage = excluded.last_coverage",
                (*key, covers, weight, coverage == "covered", coverage == "partial", coverage == "missed", coverage),
            )
            old = db.execute(
                "SELECT fsrs, due, reviews, lapses FROM cards WHERE case_id = ? AND step = ? AND item_id = ?", key
            ).fetchone()
            state = CardState(old[0], old[1]) if old else None
            new = review(state, coverage, when, card_id=attempt)
            if new is None:
                continue
            reviews = (old[2] if old else 0) + 1
            lapses = (old[3] if old else 0) + (coverage != "covered")
            db.execute(
                "INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*key, new.fsrs, new.due, reviews, lapses, coverage, when, covers),
            )
        db.execute(
            "INSERT INTO meta VALUES ('cards_through', ?) ON CONFLICT(key) DO UPDATE SET value = max(value, ?)",
            (when, when),
        )

    def _recompute(self, db: sqlite3.Connection) -> None:
        """Every card from the attempts in the order they ended: the schedule is a function of the history, so a
        rebuilt or reordered history gives the same cards."""
        db.execute("DELETE FROM cards")
        db.execute("DELETE FROM item_totals")
        db.execute("DELETE FROM meta WHERE key = 'cards_through'")
        for attempt, case_id, ended_at in db.execute(
            "SELECT id, case_id, ended_at FROM attempts ORDER BY ended_at, id"
        ).fetchall():
            self._apply_attempt(db, case_id, attempt, ended_at)

    # -- reading -------------------------------------------------------------------------------------------------

    def attempts(self, case_id: str | None = None, kind: str | None = None, latest: int | None = None) -> list[Attempt]:
        """Attempts in the order they ended, oldest first; with `latest`, only that many of the latest."""
        where, args = _filters(case_id=case_id, kind=kind)
        rows = self.db.execute(
            "SELECT id, path, kind, drill_step, case_id, case_title, level, model, started_at, ended_at, seconds, "
            f"overall, hire_signal FROM attempts{where} ORDER BY ended_at DESC, id DESC LIMIT ?",
            [*args, -1 if latest is None else latest],
        )
        return [Attempt(*row) for row in reversed(rows.fetchall())]

    def step_points(self, case_id: str | None = None, latest: int | None = None) -> list[StepPoint]:
        """Every answered step's score (and each drill's step), oldest first; with `latest`, those of that many of
        the latest attempts."""
        where, args = _filters(prefix="a.", case_id=case_id)
        recent = ""
        if latest is not None:
            inner, inner_args = _filters(case_id=case_id)
            recent = f" AND a.id IN (SELECT id FROM attempts{inner} ORDER BY ended_at DESC, id DESC LIMIT ?)"
            args = [*args, *inner_args, latest]
        rows = self.db.execute(
            "SELECT a.id, a.case_id, s.step, s.score, a.ended_at, a.kind FROM step_scores s "
            "JOIN attempts a ON a.id = s.attempt_id"
            f"{where}{' AND' if where else ' WHERE'} (s.answered = 1 OR a.drill_step = s.step){recent} "
            "ORDER BY a.ended_at, a.id",
            args,
        )
        return [StepPoint(*row) for row in rows]

    def summary(self, case_id: str | None = None) -> Summary:
        """Counts and bests over every attempt, however many are read in detail."""
        where, args = _filters(case_id=case_id)
        interviews, drills = self.db.execute(
            f"SELECT count(*) FILTER (WHERE kind = 'interview'), count(*) FILTER (WHERE kind = 'drill') "
            f"FROM attempts{where}",
            args,
        ).fetchone()
        kind_where, kind_args = _filters(case_id=case_id, kind="interview")
        best_id = self.db.execute(
            f"SELECT id FROM attempts{kind_where} ORDER BY overall DESC, ended_at DESC LIMIT 1", kind_args
        ).fetchone()
        best = None
        if best_id is not None:
            best = Attempt(
                *self.db.execute(
                    "SELECT id, path, kind, drill_step, case_id, case_title, level, model, started_at, ended_at, "
                    "seconds, overall, hire_signal FROM attempts WHERE id = ?",
                    best_id,
                ).fetchone()
            )
        where, args = _filters(prefix="a.", case_id=case_id)
        step_bests = dict(
            self.db.execute(
                "SELECT s.step, max(s.score) FROM step_scores s JOIN attempts a ON a.id = s.attempt_id"
                f"{where}{' AND' if where else ' WHERE'} (s.answered = 1 OR a.drill_step = s.step) GROUP BY s.step",
                args,
            ).fetchall()
        )
        return Summary(interviews or 0, drills or 0, best, step_bests)

    def item_stats(self, case_id: str | None = None) -> list[ItemStat]:
        """Per item, its results across attempts (kept up to date as attempts are indexed, so reading them costs
        the same at 500 attempts as at 5)."""
        where, args = _filters(case_id=case_id)
        rows = self.db.execute(
            "SELECT case_id, step, item_id, covers, weight, attempts, covered, partial, missed, last_coverage "
            f"FROM item_totals{where}",
            args,
        )
        return [ItemStat(*row) for row in rows]

    def cards(self, case_id: str | None = None, due_by: float | None = None) -> list[PracticeCard]:
        """Practice cards, soonest due first; with `due_by` only those due by then."""
        clauses: list[str] = []
        args: list[str | float] = []
        if case_id is not None:
            clauses.append("case_id = ?")
            args.append(case_id)
        if due_by is not None:
            clauses.append("due <= ?")
            args.append(due_by)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            "SELECT case_id, step, item_id, covers, due, reviews, lapses, last_coverage, last_review FROM cards"
            f"{where} ORDER BY due, case_id, step, item_id",
            args,
        )
        return [PracticeCard(*row) for row in rows]

    def case_stats(self, now: float) -> dict[str, CaseStats]:
        """Per case: attempts (interviews and drills), best and last overall of a whole interview, cards due."""
        stats: dict[str, CaseStats] = {}
        rows = self.db.execute(
            "SELECT case_id, count(*), "
            "max(CASE WHEN kind = 'interview' THEN overall END), "
            "(SELECT b.overall FROM attempts b WHERE b.case_id = a.case_id AND b.kind = 'interview' "
            " ORDER BY b.ended_at DESC, b.id DESC LIMIT 1), "
            "(SELECT count(*) FROM cards c WHERE c.case_id = a.case_id AND c.due <= ?) "
            "FROM attempts a GROUP BY case_id",
            (now,),
        )
        for case_id, attempts, best, last, due in rows:
            stats[case_id] = CaseStats(attempts, best, last, due)
        return stats


def _filters(prefix: str = "", **wanted: str | None) -> tuple[str, list[object]]:
    clauses = [f"{prefix}{column} = ?" for column, value in wanted.items() if value is not None]
    args: list[object] = [value for value in wanted.values() if value is not None]
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), args


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InterviewerError(f"{path.parent}: cannot create the data folder ({exc.strerror or exc})") from None
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL keeps it consistent; a power loss may lose the last write
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db


def _looks_corrupt(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message or "corrupt" in message


def _stat(path: Path) -> os.stat_result | None:
    try:
        info = path.stat()
    except OSError:
        return None
    import stat

    return info if stat.S_ISREG(info.st_mode) else None


def _transcript_files(directory: Path) -> dict[str, os.stat_result]:
    """The `.json` files in the transcripts folder (exported scorecards beside them are `.md`), by resolved path,
    with their size and modification time. The folder is resolved once, not each of its files: this runs each time
    the history is shown."""
    import stat

    found: dict[str, os.stat_result] = {}
    try:
        base = directory.resolve()
        with os.scandir(base) as entries:
            for entry in entries:
                if not entry.name.endswith(".json"):
                    continue
                try:
                    info = entry.stat()
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    found[os.path.join(base, entry.name)] = info
    except OSError:
        pass
    return found
