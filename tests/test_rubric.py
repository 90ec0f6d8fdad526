"""Case files: the built-in cases are complete, and every bad file gets one clear line naming file, line and field."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from conftest import BUILT_IN_CASE_IDS, CASE_IDS, run_cli
from interviewer.errors import InterviewerError, RubricError, UnknownCaseError
from interviewer.framework import STEP_IDS
from interviewer.rubric import Case, available_case_ids, load_case, load_case_file, rubrics_dir, source_digest


def minimal_case(case_id: str = "tiny") -> dict:
    item = {"id": "x", "covers": "c", "weight": 1, "signals": ["s"], "follow_up": "why?"}
    steps = {}
    for step_id in STEP_IDS:
        steps[step_id] = {"items": [{**item, "id": f"{step_id}-item"}]}
    return {
        "id": case_id,
        "title": "Tiny",
        "summary": "A tiny case.",
        "prompt": "Design it.",
        "facts": [{"topic": "scale", "keywords": ["scale"], "answer": "Big."}],
        "steps": steps,
    }


def write(path: Path, data: dict | str) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("case_id", BUILT_IN_CASE_IDS)
def test_builtin_case_is_complete(case_id: str) -> None:
    case = load_case(case_id)
    assert case.id == case_id
    for step_id, rubric in case.steps.items():
        assert 6 <= len(rubric.items) <= 12, f"{case_id}.{step_id} has {len(rubric.items)} items"
        for item in rubric.items:
            assert item.follow_up.endswith("?")
    assert len(case.facts) >= 10
    assert case.talking_points


def test_builtin_cases_are_listed() -> None:
    assert set(CASE_IDS) <= set(available_case_ids())


def test_item_ids_are_unique_across_a_case() -> None:
    for case_id in CASE_IDS:
        ids = [item.id for _, rubric in load_case(case_id).steps.items() for item in rubric.items]
        assert len(ids) == len(set(ids))


def test_minimal_case_loads(tmp_path: Path) -> None:
    case = load_case_file(write(tmp_path / "tiny.yaml", minimal_case()))
    assert case.steps["data"].items[0].id == "data-item"


def test_unknown_case_lists_the_valid_ids() -> None:
    with pytest.raises(UnknownCaseError) as excinfo:
        load_case("no-such-case")
    message = str(excinfo.value)
    assert "no-such-case" in message
    for case_id in CASE_IDS:
        assert case_id in message


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.yaml", "id: broken\ntitle: [unclosed\nsummary: x\n")
    with pytest.raises(InterviewerError, match=r"broken\.yaml:\d+: invalid YAML"):
        load_case_file(path)


def test_schema_violation_names_file_line_and_field(tmp_path: Path) -> None:
    data = minimal_case()
    data["steps"]["model"]["items"][0]["weight"] = -2
    path = write(tmp_path / "tiny.yaml", data)
    with pytest.raises(RubricError) as excinfo:
        load_case_file(path)
    (problem,) = excinfo.value.problems
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "weight: -2" in text)
    assert problem.startswith(f"{path}:{line}: steps.model.items.0.weight:")


def test_every_problem_is_reported(tmp_path: Path) -> None:
    data = minimal_case()
    del data["steps"]["serving"]
    data["steps"]["data"]["items"][0]["follow_up"] = "no question mark"
    data["steps"]["bogus"] = {"items": []}
    with pytest.raises(RubricError) as excinfo:
        load_case_file(write(tmp_path / "tiny.yaml", data))
    text = "\n".join(excinfo.value.problems)
    assert "steps.serving: required field is missing" in text
    assert "steps.data.items.0.follow_up" in text
    assert "steps.bogus: unknown field" in text


def test_duplicate_item_ids_and_wrong_file_name_are_reported(tmp_path: Path) -> None:
    data = minimal_case("other-name")
    data["steps"]["model"]["items"][0]["id"] = "data-item"
    with pytest.raises(RubricError) as excinfo:
        load_case_file(write(tmp_path / "tiny.yaml", data))
    text = "\n".join(excinfo.value.problems)
    assert "must match the file name" in text
    assert "already used in step 'data'" in text


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InterviewerError, match=r"latin\.yaml:1: not valid UTF-8"):
        load_case_file(path)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InterviewerError, match="binary file"):
        load_case_file(path)


def test_check_command_passes_on_the_builtin_cases() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok: ") >= len(CASE_IDS)
    assert "warning" not in result.stdout


def test_check_command_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    data = minimal_case()
    data["steps"]["model"]["items"][0]["weight"] = 0
    data["facts"][0]["answer"] = ""
    write(tmp_path / "tiny.yaml", data)
    write(tmp_path / "bad.yaml", "id: [\n")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "steps.model.items.0.weight" in result.stdout
    assert "facts.0.answer" in result.stdout
    assert "bad.yaml:" in result.stdout and "invalid YAML" in result.stdout
    assert "2 of 2 case files have problems" in result.stderr


def test_rubrics_dir_points_at_the_checkout() -> None:
    assert (rubrics_dir() / "ad-click-prediction.yaml").is_file()


def test_duplicate_keys_in_a_case_file_name_the_key_and_line(tmp_path: Path) -> None:
    text = yaml.safe_dump(minimal_case(), sort_keys=False).replace("title: Tiny\n", "title: Tiny\ntitle: Again\n")
    path = write(tmp_path / "tiny.yaml", text)
    line = text.splitlines().index("title: Again") + 1
    with pytest.raises(InterviewerError, match=rf"tiny\.yaml:{line}: invalid YAML: duplicate key 'title'"):
        load_case_file(path)


def test_a_case_file_may_share_blocks_with_aliases(tmp_path: Path) -> None:
    data = minimal_case()
    text = yaml.safe_dump(data, sort_keys=False)
    facts = "facts:\n- &scale\n  topic: scale\n  keywords:\n  - scale\n  answer: Big.\n- *scale\n"
    start = text.index("facts:")
    end = text.index("steps:")
    path = write(tmp_path / "tiny.yaml", text[:start] + facts + text[end:])
    assert len(load_case_file(path).facts) == 2


def test_schema_errors_keep_their_lines_in_a_file_with_aliases(tmp_path: Path) -> None:
    text = yaml.safe_dump(minimal_case(), sort_keys=False)
    text = text.replace("summary: A tiny case.", "summary: &s [not, text]")
    path = write(tmp_path / "tiny.yaml", text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("summary:"))
    with pytest.raises(RubricError) as excinfo:
        load_case_file(path)
    assert excinfo.value.problems[0].startswith(f"{path}:{line}: summary:")


def test_a_case_read_from_a_file_knows_the_digest_of_its_bytes(tmp_path: Path) -> None:
    source = rubrics_dir() / "ad-click-prediction.yaml"
    case = load_case_file(source)
    assert source_digest(case) == hashlib.sha256(source.read_bytes()).hexdigest()
    assert source_digest(Case.model_validate(case.model_dump())) is None
    edited = tmp_path / "ad-click-prediction.yaml"
    edited.write_bytes(source.read_bytes() + b"\n# edited\n")
    assert source_digest(load_case_file(edited)) == hashlib.sha256(edited.read_bytes()).hexdigest()
