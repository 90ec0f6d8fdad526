"""Transcripts: atomic saves, round trips, and clear refusals of files this version cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.errors import SaveError, TranscriptError
from interviewer.transcript import SCHEMA_VERSION, Role, Transcript, Turn, TurnKind, load, save


def sample() -> Transcript:
    transcript = Transcript(case_id="ad-click-prediction", case_title="Ads", level="staff", phase="data")
    transcript.turns.append(Turn(step="data", role=Role.CANDIDATE, text="Join impressions with clicks."))
    transcript.turns.append(Turn(step="data", role=Role.INTERVIEWER, text="Why?", kind=TurnKind.FOLLOW_UP, item_id="x"))
    transcript.step_seconds = {"requirements": 61.5}
    return transcript


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "t.json"
    original = sample()
    save(original, path)
    loaded = load(path)
    assert loaded.model_dump() == original.model_dump()
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_save_leaves_no_temporary_files_and_replaces_the_old_version(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    transcript = sample()
    save(transcript, path)
    transcript.turns.append(Turn(step="data", role=Role.CANDIDATE, text="Second."))
    save(transcript, path)
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]
    assert len(load(path).turns) == 3


def test_a_failed_save_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.json"
    save(sample(), path)
    before = path.read_text()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("interviewer.transcript.os.replace", broken_replace)
    with pytest.raises(SaveError, match=r"t\.json: could not save the transcript \(disk full\)"):
        save(sample(), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_unknown_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    data = json.loads(sample().model_dump_json())
    data["schema_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(
        TranscriptError, match=r"unknown transcript schema_version 99; this version of interviewer reads 1"
    ):
        load(path)


def test_corrupt_json_is_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"schema_version": 1,\n"turns": [\n')
    with pytest.raises(TranscriptError, match=r"bad\.json:\d+: not a transcript: invalid JSON"):
        load(path)


def test_a_json_file_that_is_not_a_transcript_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(TranscriptError, match="not an interviewer transcript"):
        load(path)


def test_a_broken_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    data = json.loads(sample().model_dump_json())
    data["turns"][0]["role"] = "audience"
    path.write_text(json.dumps(data))
    with pytest.raises(TranscriptError, match=r"turns\.0\.role"):
        load(path)


def test_binary_transcript_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(b"\x00\x01\x02")
    with pytest.raises(Exception, match="binary file"):
        load(path)


def test_candidate_answers_are_grouped_by_step() -> None:
    assert sample().candidate_answers() == {"data": ["Join impressions with clicks."]}


def test_background_sync_flushes_every_requested_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from interviewer import transcript as module

    synced: list[Path] = []
    done = threading.Event()

    def fake_sync(path: Path) -> None:
        synced.append(path)
        if len(set(synced)) == 2:
            done.set()

    monkeypatch.setattr(module, "sync", fake_sync)
    syncer = module.BackgroundSync()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second, first):
        save(sample(), path, durable=False)
        syncer.request(path)
    assert done.wait(5)
    assert set(synced) == {first, second}


def test_sync_of_a_vanished_file_is_harmless(tmp_path: Path) -> None:
    from interviewer.transcript import sync

    sync(tmp_path / "gone.json")
