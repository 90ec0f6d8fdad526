"""A seal on the LLM judge's verdict, so a transcript's saved judge grade can be trusted when it is read back.

The deterministic grade is recomputed from the turns on every load, but a judge's verdict cannot be asked again
offline, and a quote check alone does not stop a forger (one real sentence of the candidate can be credited for every
item). So when this installation saves a judge grade it signs it: an HMAC-SHA256 over a canonical JSON of what the
verdict is about (the transcript, its case and level, the candidate's turns) and the verdict itself, with a random
key kept in the user data folder. A grade made on another machine, or edited afterwards, does not verify.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviewer.grading.models import JudgeSummary
    from interviewer.transcript import Transcript

KEY_FILE = "judge-seal.key"
SEAL_VERSION = "v1"


def key_path() -> Path:
    """The key lives beside the transcripts folder: one key per installation (and per `INTERVIEWER_DATA_DIR`)."""
    from interviewer.settings import load_settings

    return load_settings().transcripts_dir().parent / KEY_FILE


def payload(transcript: Transcript, judge: JudgeSummary) -> bytes:
    """The canonical bytes a seal covers. Dropped claims' quotes are left out: they are blanked when a grade is
    rebuilt for display (they are not in the transcript), and the rebuilt grade must still verify."""
    verdict = judge.model_dump(mode="json", exclude={"seal"})
    for step in verdict.get("steps", {}).values():
        for claim in step.get("dropped", []):
            claim.pop("quote", None)
        for field in ("rejected", "flagged"):  # added later: empty, they leave older seals valid
            if not step.get(field):
                step.pop(field, None)
    document = {
        "version": SEAL_VERSION,
        "transcript": transcript.id,
        "case": transcript.case_id,
        "level": transcript.level.value,
        "turns": [[turn.step, turn.text] for turn in transcript.turns if turn.role.value == "candidate"],
        "judge": verdict,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def sign(transcript: Transcript, judge: JudgeSummary, key: bytes | None = None) -> str | None:
    """The seal of this verdict, or None when the key cannot be read or made (the grade is then saved unsealed and
    will be regraded on load, which loses nothing but the judge's credits)."""
    if key is None:
        key = _key(create=True)
    if key is None:
        return None
    return f"{SEAL_VERSION}:" + hmac.new(key, payload(transcript, judge), hashlib.sha256).hexdigest()


def verify(transcript: Transcript, judge: JudgeSummary, key: bytes | None = None) -> bool:
    """Whether the judge's verdict carries a seal this installation made for exactly this transcript's words."""
    if not judge.seal:
        return False
    if key is None:
        key = _key(create=False)  # no key yet: nothing was ever sealed here
    if key is None:
        return False
    expected = sign(transcript, judge, key)
    return expected is not None and hmac.compare_digest(expected, judge.seal)


def _key(create: bool) -> bytes | None:
    try:
        path = key_path()
    except Exception:  # settings that cannot be read: no key, so nothing verifies; the error shows elsewhere
        return None
    key = _read_key(path)
    if key is None and create:
        key = _make_key(path)
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError):
        return None
    return key if len(key) >= 32 else None


def _make_key(path: Path) -> bytes | None:
    """A new random key, written to a private temp file then linked into place: it appears whole or not at all,
    never readable by others, and when two processes race the first one's key wins and both use it."""
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(key.hex() + "\n")
                file.flush()
                os.fsync(file.fileno())
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    except OSError:
        return None
    return _read_key(path)
