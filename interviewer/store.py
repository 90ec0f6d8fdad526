"""The file of one running interview: held by one process, appended to once per change, compacted at the end.

While the interview runs, its transcript file is a journal (see `interviewer.transcript`): each committed change
appends one line holding only the new turns and the small state, so a save costs the same at turn 10 and at turn
10,000. When the interview finishes, is graded or is closed, the file is rewritten atomically as the plain JSON
transcript people share. A resumed plain transcript becomes a journal again at its first change.

Guarantees: a change is acknowledged only when its whole line is written, so `kill -9` at any moment leaves a file
`load` reads with every acknowledged change exactly once (a line cut short is ignored and reported). A failed
append is cut off again and raises `SaveError`, so the file and the caller's transcript stay as they were. Whole-file
writes go through a temp file and a rename, and no temp file survives a failure; one a `kill -9` left
between the two is removed when the transcript is next opened, under its lock. An exclusive lock (`flock`, held on
the transcript file itself for the life of the store) keeps a second process from writing the same interview.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shlex
import stat
from pathlib import Path

from interviewer import transcript as transcripts
from interviewer.errors import InterviewerError, SaveError, TranscriptError, TranscriptInUseError
from interviewer.transcript import Transcript

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; keeping to one writer is then up to the user
    fcntl = None  # type: ignore[assignment]  # the module or None: checked before each use

# Where each appended line goes to disk. A kill -9 loses nothing either way: a line is in the page cache, visible to
# every reader, once `write` returns; the flush only matters on power loss. Measured with bench/store.py on the
# development machine (2 cores, ext4 on a virtual disk, other jobs running): fdatasync of one appended line took
# 0.25 to 4 ms depending on the disk's load, so two lines a turn (the reply, the answer) cost 0.5 to 8 ms of the
# 10 ms a turn may take (issue 10), while the append alone costs about 0.2 ms. So the flush runs on the
# `transcripts.SYNCER` background thread, as the rename-based store before did: a turn never waits for the disk,
# and each line reaches it a moment later. Set True to fsync each line on the turn's path instead.
SYNC_EACH_LINE = False


class Store:
    """One interview's transcript file, locked by this process until `close`."""

    def __init__(self, path: Path, fd: int, size: int, saved_turns: int, journal: bool):
        self.path = path
        self._fd = fd  # holds the lock; all writes go through it
        self._size = size  # bytes of whole lines: where the next line goes
        self._saved = saved_turns  # turns already in the file
        self._journal = journal  # False: the file is a plain JSON transcript
        self._dirty = False  # changes since the file was last compacted
        self._state: dict | None = None  # the state the journal's lines add up to (None: unknown, write it all)

    # -- opening -----------------------------------------------------------------------------------------------------

    @classmethod
    def create(cls, transcript: Transcript, path: Path) -> Store:
        """A new journal at `path` (which must not exist), holding what the transcript has so far."""
        data, state = transcripts.journal_text(transcript)
        locked: list[bool] = []
        try:
            # Never over another file: two interviews started in the same instant with the same name both get here.
            fd = transcripts.write_atomic(
                path, data, durable=SYNC_EACH_LINE, lock=lambda new: locked.append(_lock(new, path)), replace=False
            )
        except FileExistsError:
            shown = shlex.quote(str(path))
            raise SaveError(f"{path}: already exists; continue it with `interviewer resume {shown}`") from None
        if all(locked):  # a file of the same name deleted after a kill -9 mid-rewrite can have left one behind
            remove_stale_temps(path)
        if not SYNC_EACH_LINE:
            transcripts.SYNCER.request(path)
        store = cls(path, fd, len(data), len(transcript.turns), journal=True)
        store._state = state
        return store

    @classmethod
    def open(cls, path: Path) -> tuple[Store, Transcript]:
        """Lock an existing transcript (plain or journal) and read it; a line cut short at its end is dropped."""
        fd, locked = _open_locked(path)
        try:
            if locked:  # nobody else can be writing a temp file of this transcript now
                remove_stale_temps(path)
            loaded = transcripts.read(path)
            store = cls(path, fd, loaded.good_bytes, len(loaded.transcript.turns), loaded.journal)
            if loaded.torn:  # the next line must start on a line of its own
                store._truncate(loaded.good_bytes)
        except BaseException:
            os.close(fd)
            raise
        return store, loaded.transcript

    # -- writing -----------------------------------------------------------------------------------------------------

    def append(self, transcript: Transcript) -> None:
        """Save one change: the turns added since the last save and the current state, as one line."""
        self._check_open()
        if not self._journal or len(transcript.turns) < self._saved:
            data, state = transcripts.journal_text(transcript)
            self._rewrite(data, journal=True, turns=len(transcript.turns))
            self._state = state
            return
        try:
            # Only what changed: the new turns, the clock of the current step, the time of the save.
            line, state = transcripts.journal_record(transcript, self._saved, self._state)
        except ValueError as exc:  # text that cannot be encoded (a lone surrogate): nothing was written
            raise transcripts.save_error(self.path, exc) from exc
        start = self._size
        try:
            transcripts.write_all(self._fd, line, start)
            if SYNC_EACH_LINE:
                os.fdatasync(self._fd) if hasattr(os, "fdatasync") else os.fsync(self._fd)
        except BaseException as exc:  # a full disk, or an interrupt mid-write: the line is taken back either way
            self._truncate(start)
            if isinstance(exc, OSError):
                raise transcripts.save_error(self.path, exc) from exc
            raise
        if not SYNC_EACH_LINE:
            transcripts.SYNCER.request(self.path)
        self._size = start + len(line)
        self._saved = len(transcript.turns)
        self._state = state
        self._dirty = True

    def compact(self, transcript: Transcript) -> None:
        """Rewrite the file as the plain JSON transcript (atomically; the lock moves to the new file)."""
        self._check_open()
        before, transcript.updated_at = transcript.updated_at, transcripts.now()
        try:
            data = transcripts.plain_text(transcript).encode("utf-8")
            self._rewrite(data, journal=False, turns=len(transcript.turns))
        except BaseException:
            transcript.updated_at = before  # not saved: the transcript stays as it was
            raise
        self._dirty = False

    def save_whole(self, transcript: Transcript) -> None:
        """A change that must reach the plain transcript at once (a judge's grade): compact, or else append."""
        try:
            self.compact(transcript)
        except SaveError:
            self.append(transcript)  # the journal holds it; a later compaction may still succeed

    def close(self, transcript: Transcript | None = None) -> None:
        """Release the file. With `transcript`, a journal is first compacted; if that fails the journal stays,
        which `load` reads just as well, so nothing is lost."""
        if self._fd < 0:
            return
        try:
            if transcript is not None and (self._journal or self._dirty):
                with contextlib.suppress(SaveError):
                    self.compact(transcript)
        finally:
            os.close(self._fd)  # closing the last descriptor releases the lock
            self._fd = -1

    @property
    def closed(self) -> bool:
        return self._fd < 0

    @property
    def is_journal(self) -> bool:
        return self._journal

    # -- internals ---------------------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._fd < 0:
            raise SaveError(f"{self.path}: the transcript is closed; nothing more can be saved")

    def _rewrite(self, data: bytes, journal: bool, turns: int) -> None:
        fd = transcripts.write_atomic(self.path, data, durable=True, lock=lambda new: _lock(new, self.path))
        os.close(self._fd)  # the old file's lock: the new file at the path is locked already
        self._fd, self._size, self._saved, self._journal, self._state = fd, len(data), turns, journal, None

    def _truncate(self, size: int) -> None:
        """Cut off a line written in part. If even that fails, the next append rewrites the whole file."""
        try:
            os.ftruncate(self._fd, size)
        except OSError:
            self._journal = False  # the tail is unknown: never append after it


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete the temp files a whole-file rewrite of `path` left when it was killed (`kill -9` between writing
    `.NAME.XXXXXXXX.tmp` and renaming it over `path`). Only called with the transcript's lock held: every rewrite of
    it happens under that lock, so no temp of it can be in use. Only exactly the names `write_atomic` makes
    (`tempfile.mkstemp` adds 8 characters of [a-z0-9_]) and only regular files, never through a symlink. Best
    effort: a temp that cannot be removed is left, as before."""
    pattern = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}" + re.escape(".tmp"))
    removed: list[Path] = []
    try:
        with os.scandir(path.parent) as entries:
            stale = [entry for entry in entries if pattern.fullmatch(entry.name)]
    except OSError:
        return removed
    for entry in stale:
        try:
            if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _open_locked(path: Path) -> tuple[int, bool]:
    """Open `path` for writing and lock it (False: the file system has no locks, the file is open unlocked). The
    lock is taken on the file, then checked to still be the file at `path`: a holder that compacts renames a new,
    already locked file over it."""
    for _ in range(20):
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise InterviewerError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InterviewerError(f"{path}: is a directory, expected a file") from None
        except OSError as exc:
            raise SaveError(f"{path}: cannot write the transcript ({exc.strerror})") from None
        try:
            locked = _lock(fd, path)
            if _same_file(fd, path):
                return fd, locked
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise TranscriptError(f"{path}: keeps being replaced; is another interviewer process using it?")


def _same_file(fd: int, path: Path) -> bool:
    try:
        current = os.stat(path)
    except OSError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


def _lock(fd: int, path: Path) -> bool:
    """Lock the file behind `fd` for this process; False where the platform or file system has no locks."""
    if fcntl is None:  # pragma: no cover
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            holder = lock_holder(fd)
            who = f" (pid {holder})" if holder else ""
            raise TranscriptInUseError(
                f"{path} is open in another interviewer process{who}; finish or quit it there first"
            ) from None
        # A file system without flock (some network mounts): go on unlocked rather than refuse to work.
        return False


def lock_holder(fd: int) -> int | None:
    """The pid holding a flock on the file behind `fd`, from /proc/locks (Linux); None where that is unknown."""
    try:
        inode = os.fstat(fd).st_ino
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; blocked waiters have "->" after the number.
                if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].rsplit(":", 1)[-1] == str(inode):
                    pid = int(fields[4])
                    if pid != os.getpid():
                        return pid
    except (OSError, ValueError):
        pass
    return None
