"""The relevance rule: an answer written for another built-in case earns (almost) nothing; honest answers, short
vague ones and answers to a user's own case keep all their credit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from interviewer.answers import load_answers
from interviewer.catalog import rubrics_dir
from interviewer.framework import Level
from interviewer.grading import relevance
from interviewer.grading.claims import ClaimCollector, Reply
from interviewer.grading.deterministic import compiled, grade_answers
from interviewer.rubric import load_case, load_case_file

CALIBRATION = ROOT / "tests" / "calibration"
ADS = "ad-click-prediction"


def scaled(grade) -> bool:
    return any("scaled" in reason for reason in grade.hire_reasons)


def test_the_shipped_index_of_case_words_is_up_to_date() -> None:
    shipped = (rubrics_dir() / relevance.INDEX_FILE).read_text(encoding="utf-8")
    assert shipped == relevance.index_text(rubrics_dir()), "run: .venv/bin/python scripts/case_words.py"


@pytest.mark.parametrize(
    ("written_for", "graded_as"),
    [
        # neighbours: most of their vocabulary is shared, so these are the hardest to tell apart
        ("video-search", "search-ranking"),
        ("visual-search", "image-classification"),
        ("video-search", "video-recommendation"),
        ("ad-click-prediction", "image-classification"),
    ],
)
def test_a_strong_answer_to_a_neighbouring_case_earns_little(written_for: str, graded_as: str) -> None:
    answers = load_answers(CALIBRATION / written_for / "c" / "strong.yaml")
    own = grade_answers(load_case(written_for), Level.SENIOR, answers.by_step(), paraphrase=False)
    other = grade_answers(load_case(graded_as), Level.SENIOR, answers.by_step(), paraphrase=False)
    assert not scaled(own) and own.overall >= 80
    assert scaled(other) and other.overall <= 20, (other.overall, other.hire_reasons)
    assert f"reads as one for {written_for}" in " ".join(other.hire_reasons)


def collected(case_id: str, answers: dict[str, list[str]]) -> ClaimCollector:
    collector = ClaimCollector(compiled(load_case(case_id)))
    for step, texts in answers.items():
        for text in texts:
            collector.add(Reply(step, text))
    return collector


def test_a_short_answer_is_never_judged_on_a_few_words() -> None:
    # It matches another case better, but by a few words: no evidence that it is about another problem.
    answers = {"model": ["Two tower retrieval over the video corpus, then a ranker on watch time."]}
    here, elsewhere, share, _ = relevance.relevance(load_case(ADS), collected(ADS, answers))
    assert share < relevance.FULL_CREDIT_RATIO and elsewhere - here < relevance.MIN_GAP
    assert not scaled(grade_answers(load_case(ADS), Level.SENIOR, answers, paraphrase=False))


def test_an_answer_with_no_word_of_this_case_is_scaled_to_nothing_and_says_so() -> None:
    answers = {
        "data": [
            "Blur faces in panoramas.",
            "Annotators adjudicate borderline boxes; an auditor checks disagreement among the crowd.",
            "Darken edges, deblur at dusk, downscale camera captures.",
        ]
    }
    here, elsewhere, _, other = relevance.relevance(load_case(ADS), collected(ADS, answers))
    assert here == 0 and elsewhere >= relevance.MIN_GAP and other == "street-view-blurring"
    grade = grade_answers(load_case(ADS), Level.SENIOR, answers, paraphrase=False)
    assert scaled(grade) and grade.overall == 0
    assert "reads as one for street-view-blurring" in " ".join(grade.hire_reasons)


def test_an_answer_to_a_users_own_case_is_never_scaled(tmp_path: Path) -> None:
    # A user's case close to a built-in one (their own click prediction problem), thinner than ours: an honest answer
    # to it matches ad-click-prediction better, and must keep its credit all the same.
    data = load_case("ad-click-prediction").model_dump(mode="json", exclude_none=True)
    data["id"] = "my-click-model"
    for step in data["steps"].values():
        for item in step["items"]:
            item["signals"] = item["signals"][:2]
    path = tmp_path / "my-click-model.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    case = load_case_file(path)
    answers = load_answers(CALIBRATION / "ad-click-prediction" / "a" / "strong.yaml")
    assert not scaled(grade_answers(case, Level.SENIOR, answers.by_step(), paraphrase=False))
    # nor is an edited copy of one of ours under its id (`--case PATH`): its words are not the built-in case's
    data["id"] = "video-search"
    copy = tmp_path / "copy" / "video-search.yaml"
    copy.parent.mkdir()
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert relevance.relevance(load_case_file(copy), collected(ADS, answers.by_step()))[2] == 1.0


@pytest.mark.parametrize("damage", ["stale", "broken", "missing", "another format"])
def test_a_stale_or_damaged_index_gives_the_same_vocabularies(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "rubrics"
    shutil.copytree(rubrics_dir(), folder)
    index = folder / relevance.INDEX_FILE
    if damage == "stale":
        entries = json.loads(index.read_text(encoding="utf-8"))
        entries["cases"]["news-feed"]["words"] = "nothing"  # an old entry: its digest no longer matches the file
        entries["cases"]["news-feed"]["sha256"] = "0" * 64
        index.write_text(json.dumps(entries), encoding="utf-8")
    elif damage == "another format":
        entries = json.loads(index.read_text(encoding="utf-8"))
        entries["format"] = relevance.INDEX_FORMAT + 1
        entries["cases"]["news-feed"]["words"] = "nothing"  # its digest still matches: only the format tells
        index.write_text(json.dumps(entries), encoding="utf-8")
    elif damage == "broken":
        index.write_text("{not json", encoding="utf-8")
    else:
        index.unlink()
    relevance.built_in_index.cache_clear()
    try:
        read = relevance.built_in_words(str(folder))
        assert read == relevance.built_in_words(str(rubrics_dir()))
        assert read["news-feed"] == relevance.case_words(load_case_file(folder / "news-feed.yaml"))
    finally:
        relevance.built_in_index.cache_clear()


def test_padding_said_again_in_every_step_counts_once() -> None:
    # A weak answer padded with the same generic sentences in every step: a few of their words ("iterate",
    # "thought") are in only a case or two, and counted at every repeat they made the answer read as video-search's.
    from interviewer.calibrate import PADDING
    from interviewer.framework import STEP_IDS

    weak = load_answers(CALIBRATION / "visual-search" / "c" / "weak.yaml").by_step()
    answers = {step: [*weak.get(step, []), PADDING, PADDING] for step in STEP_IDS}
    assert not scaled(grade_answers(load_case("visual-search"), Level.SENIOR, answers, paraphrase=False))


def test_a_built_in_case_is_known_by_its_bytes_and_any_other_by_its_words(tmp_path: Path) -> None:
    # The vocabulary of a case loaded from a built-in file's very bytes is taken from the index; any other case's is
    # read from the case, so a copy that differs only by a comment is still that built-in case, as it always was.
    directory = str(rubrics_dir())
    source = rubrics_dir() / f"{ADS}.yaml"
    built_in = load_case_file(source)
    assert relevance._words_for(built_in, directory) is relevance.built_in_index(directory)[ADS][1]
    commented = tmp_path / f"{ADS}.yaml"
    commented.write_bytes(b"# my copy\n" + source.read_bytes())
    copy = load_case_file(commented)
    assert relevance._words_for(copy, directory) is not relevance.built_in_index(directory)[ADS][1]
    assert relevance._words_for(copy, directory) == relevance.built_in_words(directory)[ADS]
    made = type(built_in).model_validate(built_in.model_dump())  # never read from a file: no digest
    assert relevance._words_for(made, directory) == relevance.built_in_words(directory)[ADS]
    answers = load_answers(CALIBRATION / "video-search" / "c" / "strong.yaml").by_step()
    for case in (built_in, copy, made):
        assert scaled(grade_answers(case, Level.SENIOR, answers, paraphrase=False))
