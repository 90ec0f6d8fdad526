"""The cache of validated case files (`interviewer.casecache`): a case comes from it only while its file's bytes and
the code that reads cases are the same; a stale, damaged or foreign entry is ignored and the file parsed and
validated again; a bad case file reports its file, line and field whatever the cache holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_rubric import minimal_case, write

from conftest import BUILT_IN_CASE_IDS
from interviewer import casecache, concepts, rubric
from interviewer.catalog import use_rubrics_folders
from interviewer.errors import InterviewerError, RubricError
from interviewer.rubric import load_case, load_case_file, source_digest


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own; the entries' folder."""
    monkeypatch.setenv(casecache.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    return tmp_path / "cache" / "cases"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The case files read as YAML during the test; a case loaded from the cache reads none."""
    seen: list[Path] = []
    original = rubric.load_document

    def spy(path: Path, raw: bytes | None = None):
        seen.append(path)
        return original(path, raw)

    monkeypatch.setattr(rubric, "load_document", spy)
    return seen


def entries(cache: Path, kind: str = "case") -> list[Path]:
    return [path for path in cache.glob("*.json") if json.loads(path.read_bytes().partition(b"\n")[0])["kind"] == kind]


def entry_of(cache: Path, kind: str = "case") -> Path:
    (entry,) = entries(cache, kind)
    return entry


@pytest.mark.parametrize("case_id", BUILT_IN_CASE_IDS)
def test_a_built_in_case_from_the_cache_is_the_case_parsed(case_id: str, cache: Path, parsed: list[Path]) -> None:
    fresh = load_case(case_id)
    assert len(parsed) == 1 and entry_of(cache).is_file()
    again = load_case(case_id)
    assert len(parsed) == 1, "the second load should come from the cache"
    assert again == fresh and again.model_dump() == fresh.model_dump()
    assert source_digest(again) == source_digest(fresh) is not None


def test_a_changed_file_is_parsed_again_and_its_entry_replaced(tmp_path: Path, cache: Path, parsed: list[Path]) -> None:
    path = write(tmp_path / "tiny.yaml", minimal_case())
    assert load_case_file(path).title == "Tiny"
    edited = minimal_case()
    edited["title"] = "Tiny, edited"
    write(path, edited)
    assert load_case_file(path).title == "Tiny, edited"
    assert len(parsed) == 2
    assert load_case_file(path).title == "Tiny, edited"
    assert len(parsed) == 2, "the edited file's entry should have replaced the old one"
    assert len(entries(cache)) == 1


def _damage(entry: Path, how: str, tmp_path: Path) -> None:
    header, _, body = entry.read_bytes().partition(b"\n")
    fields = json.loads(header)
    if how == "garbage":
        entry.write_bytes(b"\x00\xff not an entry")
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "cut short":
        entry.write_bytes(header + b"\n" + body[: len(body) // 2])
    elif how == "not the schema":  # a whole, well-formed entry whose case the schema refuses
        case = json.loads(body)
        case["steps"]["model"]["items"][0]["weight"] = 99
        entry.write_bytes(header + b"\n" + json.dumps(case).encode())
    elif how == "edited":  # a whole entry the schema accepts, with the body changed by hand
        case = json.loads(body)
        case["title"] = "EDITED"
        entry.write_bytes(header + b"\n" + json.dumps(case).encode())
    elif how == "deep header":  # JSON nested beyond what a parser can read
        entry.write_bytes(b"[" * 200_000 + b"\n" + body)
    elif how in ("other code", "other bytes", "other file", "other format", "other kind"):
        key = {
            "other code": "code",
            "other bytes": "sha256",
            "other file": "path",
            "other format": "format",
            "other kind": "kind",
        }[how]
        fields[key] = {"format": 0, "path": str(tmp_path / "other.yaml"), "kind": "concepts"}.get(key, "0" * 64)
        entry.write_bytes(json.dumps(fields).encode() + b"\n" + body)
    elif how == "a folder":
        entry.unlink()
        entry.mkdir()
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "garbage",
        "empty",
        "cut short",
        "not the schema",
        "edited",
        "deep header",
        "other code",
        "other bytes",
        "other file",
        "other format",
        "other kind",
    ],
)
def test_a_damaged_or_stale_entry_is_ignored_and_the_file_parsed_again(
    tmp_path: Path, cache: Path, parsed: list[Path], how: str
) -> None:
    path = write(tmp_path / "tiny.yaml", minimal_case())
    fresh = load_case_file(path)
    _damage(entry_of(cache), how, tmp_path)
    assert load_case_file(path) == fresh
    assert len(parsed) == 2
    assert load_case_file(path) == fresh
    assert len(parsed) == 2, "the entry should have been written again"


def test_an_entry_that_cannot_be_read_or_written_costs_only_the_parse(
    tmp_path: Path, cache: Path, parsed: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "tiny.yaml", minimal_case())
    fresh = load_case_file(path)
    _damage(entry_of(cache), "a folder", tmp_path)  # neither a file to read nor a name to rename an entry to
    assert load_case_file(path) == fresh
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(casecache.CACHE_DIR_VARIABLE, str(blocked))
    assert load_case_file(path) == fresh
    assert load_case_file(path) == fresh
    assert len(parsed) == 4
    assert not [p for p in tmp_path.rglob(".*.tmp")], "no temporary file is left behind"


def test_a_case_file_made_bad_after_it_was_cached_reports_file_line_and_field(
    tmp_path: Path, cache: Path, parsed: list[Path]
) -> None:
    path = write(tmp_path / "tiny.yaml", minimal_case())
    load_case_file(path)
    bad = minimal_case()
    bad["steps"]["model"]["items"][0]["weight"] = -2
    write(path, bad)
    with pytest.raises(RubricError) as excinfo:
        load_case_file(path)
    (problem,) = excinfo.value.problems
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "weight: -2" in text)
    assert problem.startswith(f"{path}:{line}: steps.model.items.0.weight:")
    write(path, "id: tiny\ntitle: [unclosed\nsummary: x\n")
    with pytest.raises(InterviewerError, match=rf"^{path}:3: invalid YAML"):
        load_case_file(path)


def test_a_cached_case_whose_concept_was_removed_since_reports_it_with_its_line(
    tmp_path: Path, cache: Path, parsed: list[Path]
) -> None:
    folder = tmp_path / "mine"
    (folder / "concepts").mkdir(parents=True)
    concepts = folder / "concepts" / "mine.yaml"
    concepts.write_text("concepts:\n  my-idea:\n    means: Mine.\n    phrasings: [my idea]\n", encoding="utf-8")
    data = minimal_case()
    data["steps"]["data"]["items"][0]["concepts"] = ["my-idea"]
    path = write(folder / "tiny.yaml", data)
    use_rubrics_folders([folder])
    try:
        load_case_file(path)
        load_case_file(path)
        assert len(parsed) == 1
        concepts.unlink()
        with pytest.raises(RubricError) as excinfo:
            load_case_file(path)
    finally:
        use_rubrics_folders([])
    (problem,) = excinfo.value.problems
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "my-idea" in text)
    assert problem == f"{path}:{line}: steps.data.items.0.concepts.0: unknown concept 'my-idea'; see rubrics/concepts/"


def test_an_entry_holds_the_validated_case_not_the_yaml(tmp_path: Path, cache: Path) -> None:
    # Whitespace the schema strips is stripped in the entry too: the entry is what validation made of the file.
    data = minimal_case()
    data["title"] = "  Tiny  "
    path = write(tmp_path / "tiny.yaml", yaml.safe_dump(data, sort_keys=False))
    assert load_case_file(path).title == "Tiny"
    header, _, body = entry_of(cache).read_bytes().partition(b"\n")
    assert json.loads(body)["title"] == "Tiny"
    assert json.loads(header)["path"] == str(path.resolve())


def test_a_concepts_file_comes_from_the_cache_until_it_changes(tmp_path: Path, cache: Path, parsed: list[Path]) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("concepts:\n  my-idea:\n    means: Mine.\n    phrasings: [my idea]\n", encoding="utf-8")
    second.write_text("concepts:\n  other-idea:\n    means: Other.\n    phrasings: [other idea]\n", encoding="utf-8")
    reads: list[Path] = []
    original = concepts.load_document

    def spy(path: Path, raw: bytes | None = None):
        reads.append(path)
        return original(path, raw)

    concepts._vocabulary.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(concepts, "load_document", spy)
        try:
            assert set(concepts._vocabulary((first, second))) == {"my-idea", "other-idea"}
            concepts._vocabulary.cache_clear()
            assert concepts._vocabulary((first, second))["my-idea"].phrasings == ["my idea"]
            assert reads == [first, second], "the second read should come from the cache"
            assert len(entries(cache, "concepts")) == 2
            first.write_text("concepts:\n  my-idea:\n    means: Mine.\n    phrasings: [my own idea]\n")
            concepts._vocabulary.cache_clear()
            assert concepts._vocabulary((first, second))["my-idea"].phrasings == ["my own idea"]
            assert reads == [first, second, first]
            # Defined twice, and found in the file that comes from the cache: still named with its line.
            first.write_text("concepts:\n  my-idea:\n    means: Mine.\n  other-idea:\n    means: Mine too.\n")
            concepts._vocabulary.cache_clear()
            with pytest.raises(RubricError) as excinfo:
                concepts._vocabulary((first, second))
        finally:
            concepts._vocabulary.cache_clear()
    assert excinfo.value.problems == [f"{second}:2: concept 'other-idea' is defined twice: here and in {first}"]


def test_a_damaged_concepts_entry_is_ignored(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("concepts:\n  my-idea:\n    means: Mine.\n    phrasings: [my idea]\n", encoding="utf-8")
    concepts._vocabulary.cache_clear()
    try:
        fresh = concepts._vocabulary((path,))
        entry = entry_of(cache, "concepts")
        header = entry.read_bytes().partition(b"\n")[0]
        entry.write_bytes(header + b'\n{"concepts": {"BAD ID": {"means": ""}}}')
        concepts._vocabulary.cache_clear()
        assert concepts._vocabulary((path,)) == fresh
    finally:
        concepts._vocabulary.cache_clear()


def test_a_live_case_keeps_its_digest_however_many_cases_are_loaded_after_it(cache: Path) -> None:
    first = load_case(BUILT_IN_CASE_IDS[0])
    later = [load_case(case_id) for _ in range(8) for case_id in BUILT_IN_CASE_IDS]
    assert len(later) > 64
    assert source_digest(first) is not None and all(source_digest(case) for case in later)
