"""The grade measured on blind labelled answers (`interviewer calibrate`), and the stance probes one by one."""

from __future__ import annotations

import shutil
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from interviewer.answers import load_answers
from interviewer.calibrate import (
    _SHORT_NAMES,
    RELATIONS,
    Report,
    calibrate,
    load_probes,
    load_sets,
    probe_outcome,
    render,
)
from interviewer.framework import STEP_IDS
from interviewer.grading import paraphrase
from interviewer.grading.deterministic import grade_answers
from interviewer.rubric import available_case_ids, load_case

CALIBRATION = ROOT / "tests" / "calibration"
PROBES = load_probes(CALIBRATION / "probes.yaml")

# Relations not yet at their bar (issue 8 was open on them) would have a floor here: what was measured when they were
# last improved, so a change that makes them worse fails. With the paraphrase backstop (the dev install has it) every
# relation is at its bar on the 111 sets of 2026-12-01, overall and in every step and case (the least margins: plain >=
# partial in framing, 100 of 111 pairs; strong > partial > weak in news feed, 60 of 63)...
BELOW_BAR_FLOORS: dict[str, float] = {}
# ...and with the rubric's signals alone, as a user without the extra is graded, two are below theirs overall.
SIGNALS_ONLY_FLOORS = {
    "plain >= partial": 0.85,  # 87.4% (679 of 777)
    "plain >= 0.8 x strong": 0.60,  # 62.0% (482 of 777)
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
    if relation.name not in BELOW_BAR_FLOORS:  # and in every step and every case
        assert not [str(s) for s in report().below_bar() if s.relation == relation.name]


def _report_with(relation: str, groups: dict[str, tuple[int, int]], cases: dict[str, tuple[int, int]]) -> Report:
    made = Report()
    for step, counts in groups.items():
        made.holds[relation][step] = list(counts)
    for case, counts in cases.items():
        made.by_case[relation][case] = list(counts)
    return made


def test_a_case_or_step_below_its_bar_fails_the_run_though_the_whole_holds() -> None:
    name = RELATIONS[0].name  # bar 95%
    steps = {"requirements": (100, 100), "framing": (95, 100)}
    low_case = _report_with(name, steps, {"a-case": (170, 170), "b-case": (25, 30)})
    assert low_case.share(name) == 0.975 and not low_case.passed()
    assert [str(s) for s in low_case.below_bar()] == [f"{name} in case b-case: 83.3% (25 of 30)"]
    assert "!" in render(low_case) and "below the bar" in render(low_case)
    low_step = _report_with(name, {"requirements": (100, 100), "framing": (90, 100)}, {"a-case": (190, 200)})
    assert [s.where for s in low_step.below_bar()] == ["framing"]
    # a group of fewer pairs is shown, not gated: one pair would swing it past any bar
    few = _report_with(name, steps, {"a-case": (189, 189), "b-case": (6, 11)})
    assert few.passed() and "55%" in render(few)
    at_the_edge = _report_with(name, steps, {"a-case": (175, 180), "b-case": (18, 20)})
    assert [s.where for s in at_the_edge.below_bar()] == ["b-case"]  # 20 pairs are gated, 19 would not be
    # a case named like a step is told apart from the step
    named_data = _report_with(name, {"data": (53, 56), "model": (147, 147)}, {"data": (200, 203)})
    assert [(s.kind, s.where) for s in named_data.below_bar()] == [("step", "data")]


def test_the_failures_listed_are_exactly_the_pairs_that_do_not_hold() -> None:
    for relation in RELATIONS:
        counts = report().holds[relation.name].values()
        assert len(report().failures[relation.name]) == sum(total - held for held, total in counts), relation.name


def test_every_relation_has_a_column_in_the_per_case_table() -> None:
    assert set(_SHORT_NAMES) == {relation.name for relation in RELATIONS}


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
