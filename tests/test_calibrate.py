"""The grade measured on blind labelled answers (`interviewer calibrate`), and the stance probes one by one."""

from __future__ import annotations

import shutil
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from interviewer.answers import load_answers
from interviewer.calibrate import RELATIONS, Report, calibrate, load_probes, load_sets, probe_outcome
from interviewer.framework import STEP_IDS
from interviewer.grading import paraphrase
from interviewer.grading.deterministic import grade_answers
from interviewer.rubric import available_case_ids, load_case

CALIBRATION = ROOT / "tests" / "calibration"
PROBES = load_probes(CALIBRATION / "probes.yaml")

# Relations not yet at their bar (issue 8 was open on them) would have a floor here: what was measured when they were
# last improved, so a change that makes them worse fails. With the paraphrase backstop (the dev install has it) every
# relation is at its bar on the 87 sets of 2026-12-01 (strong > partial > weak at 594 of 609 pairs, the least
# margin there is)...
BELOW_BAR_FLOORS: dict[str, float] = {}
# ...and with the rubric's signals alone, as a user without the extra is graded, two are below theirs.
SIGNALS_ONLY_FLOORS = {
    "plain >= partial": 0.85,  # 86.4% (526 of 609)
    "plain >= 0.8 x strong": 0.60,  # 60.6% (369 of 609)
}


@cache
def report() -> Report:
    return calibrate(load_sets(CALIBRATION))


@pytest.mark.skipif(not paraphrase.installed(), reason="the paraphrase extra is not installed")
def test_the_backstop_is_measured_here() -> None:
    assert paraphrase.available()  # else the floors above measure the signals alone


def test_each_relation_holds_with_the_signals_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paraphrase, "installed", lambda: False)
    alone = calibrate(load_sets(CALIBRATION))
    for relation in RELATIONS:
        share = alone.share(relation.name)
        assert share is not None
        floor = SIGNALS_ONLY_FLOORS.get(relation.name, relation.bar)
        assert share >= floor, f"{relation.name}: {share:.0%} < {floor:.0%} with the signals alone"


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.name)
def test_each_relation_holds_on_the_blind_calibration_set(relation) -> None:
    share = report().share(relation.name)
    assert share is not None, f"{relation.name}: nothing measured"
    floor = BELOW_BAR_FLOORS.get(relation.name, relation.bar)
    assert share >= floor, f"{relation.name}: {share:.0%} < {floor:.0%}; " + "; ".join(
        report().failures[relation.name][:5]
    )


def test_the_calibration_set_has_every_honest_level_for_every_built_in_case_at_least_twice() -> None:
    sets = load_sets(CALIBRATION)
    per_case = Counter(entry.case.id for entry in sets)
    assert set(per_case) == set(available_case_ids())
    assert min(per_case.values()) >= 2, per_case
    for entry in sets:
        assert set(entry.honest) == {"strong", "plain", "partial", "weak", "wrong_fluent"}, entry.name


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: f"{p.case[:8]}-{p.target}-{p.id}-{p.stance}")
def test_stance_probe(probe) -> None:
    assert probe_outcome(probe) is probe.expect, f"{probe.sentence!r}: expected {probe.expect} ({probe.stance})"


def test_honest_answers_are_never_scaled_as_another_cases() -> None:
    """The relevance rule removes credit from answers about another problem; every honest answer keeps all of it."""
    for path in sorted(CALIBRATION.rglob("*.yaml")):
        if path.name == "probes.yaml":
            continue
        answers = load_answers(path)
        grade = grade_answers(load_case(answers.case), answers.level, answers.by_step())
        assert not any("scaled" in reason for reason in grade.hire_reasons), (path, grade.hire_reasons)


def test_calibrate_command_reports_every_step_and_exits_non_zero_below_a_bar(tmp_path: Path) -> None:
    # One case's set alone: no other case's answer to attack with, and plain falls below its bar.
    shutil.copytree(CALIBRATION / "harmful-content-detection" / "a", tmp_path / "harmful")
    result = run_cli("calibrate", str(tmp_path))
    assert result.returncode == 1, result.stderr
    header = result.stdout.splitlines()[0]
    assert all(short in header for short in ("req", "frame", "data", "model", "eval", "serve", "monit"))
    assert "plain >= partial" in result.stdout and "LOW" in result.stdout
    # not measurable with one case: reported as skipped, not as held
    other = next(line for line in result.stdout.splitlines() if line.startswith("another case"))
    assert "skipped: needs" in other and "ok" not in other.split()


def test_calibrate_command_with_no_labelled_answers_is_one_line_error(tmp_path: Path) -> None:
    result = run_cli("calibrate", str(tmp_path / "missing"))
    assert result.returncode != 0 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_every_step_is_measured_for_every_relation() -> None:
    for relation in RELATIONS:
        for step in STEP_IDS:
            assert report().share(relation.name, step) is not None, (relation.name, step)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("strong.yaml", "case: ad-click-prediction\nlabel: strong\nanswers: [oops\n", "strong.yaml:"),
        ("strong.yaml", "case: ad-click-prediction\nlabel: strong\nanswers:\n  nosuchstep: hi\n", "nosuchstep"),
        ("probes.yaml", "- case: ad-click-prediction\n  step: model\n  target: itme\n", "probes.yaml:3"),
    ],
)
def test_a_broken_calibration_file_is_one_line_naming_it(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    shutil.copytree(CALIBRATION / "ad-click-prediction" / "a", tmp_path / "ads")
    folder = tmp_path if name == "probes.yaml" else tmp_path / "ads"  # probes live at the top of DIR
    (folder / name).write_text(content, encoding="utf-8")
    result = run_cli("calibrate", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and expected in result.stderr and "Traceback" not in result.stderr
