"""The user's own cases: the config folder and `--rubrics DIR` beside the built-in cases, `new-case`, `check`'s
lints, a whole interview on a case of one's own, and `calibrate` on its labelled answers."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import CASE_IDS, ROOT, run_cli
from interviewer.caselint import PLACEHOLDER
from interviewer.framework import STEP_IDS

OWN = "my-case"
ADS = "ad-click-prediction"
# One made-up word per step, so each filled-in item has signals of its own that no other item's text says.
WORDS = {
    "requirements": "audience",
    "framing": "objective",
    "data": "logging",
    "model": "ranker",
    "evaluation": "holdout",
    "serving": "cache",
    "monitoring": "alarm",
}


def assert_one_line_error(result, *fragments: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def config_env(folder: Path) -> dict[str, str]:
    return {"INTERVIEWER_CASES_DIR": str(folder)}


def filled(value, path: tuple = ()):
    """The skeleton with every placeholder replaced by text a case author could have written (by field)."""
    if isinstance(value, dict):
        return {key: filled(child, (*path, key)) for key, child in value.items()}
    if isinstance(value, list):
        return [filled(child, (*path, index)) for index, child in enumerate(value)]
    if not isinstance(value, str) or PLACEHOLDER not in value:
        return value
    step = path[1] if len(path) > 1 and path[0] == "steps" else None
    word = WORDS.get(step, "budget")
    field = next(part for part in reversed(path) if isinstance(part, str))
    number = path[-1] if isinstance(path[-1], int) else 0
    texts = {
        "title": "Podcast recommendation",
        "summary": "Recommend podcast episodes on the home screen of a listening app.",
        "prompt": "Design the system that picks the podcast episodes shown on the home screen of a listening app.",
        "topic": ["scale", "latency"][number % 2] if step is None else "scale",
        "keywords": ["how many users", "latency budget"][number],
        "answer": "About ten million listeners a day, and 80 ms for the whole home screen.",
        "opening": "What should this system achieve, and for whom?",
        "covers": f"Settles the {word} choice for this part of the design with a number and a reason.",
        "signals": [f"{word} choice", f"{word} & tradeoff"][number % 2],
        "follow_up": "What else would you settle before moving on?",
        "opposite": f"ignore the {word} entirely",
        "description": f"Claims the {word} needs no thought at all.",
        "challenge": "What would happen the first week if that were wrong?",
        "says": "The budget is now 40 ms instead of 80. What changes?",
    }
    if path[0] == "talking_points":
        return {"covers": "Mentions the listener's privacy.", "signals": "listener privacy"}[field]
    if path[0] == "steps" and "red_flags" in path and field == "signals":
        return f"no {word} thought needed"
    return texts[field]


def placeholders(value) -> int:
    if isinstance(value, dict):
        return sum(placeholders(child) for child in value.values())
    if isinstance(value, list):
        return sum(placeholders(child) for child in value)
    return int(isinstance(value, str) and PLACEHOLDER in value)


def fill_skeleton(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(filled(data), sort_keys=False), encoding="utf-8")


@pytest.fixture
def own_case(tmp_path: Path) -> Path:
    """A filled-in case of the user's own, in a config folder of its own; returns that folder."""
    config = tmp_path / "config-cases"
    made = run_cli("new-case", OWN, env=config_env(config))
    assert made.returncode == 0, made.stderr
    fill_skeleton(config / f"{OWN}.yaml")
    return config


def test_new_case_writes_a_skeleton_that_check_rejects_until_it_is_filled_in(tmp_path: Path) -> None:
    config = tmp_path / "config-cases"
    made = run_cli("new-case", OWN, env=config_env(config))
    assert made.returncode == 0, made.stderr
    path = config / f"{OWN}.yaml"
    assert str(path) in made.stdout and "interviewer check" in made.stdout
    text = path.read_text(encoding="utf-8")
    for field in ("title:", "summary:", "prompt:", "facts:", "keywords:", "opening:", "covers:", "weight:", "level:"):
        assert field in text
    for field in ("signals:", "follow_up:", "concepts:", "opposite:", "red_flags:", "penalty:", "challenge:"):
        assert field in text
    assert "talking_points:" in text and "curveballs:" in text and "targets:" in text
    assert all(f"  {step}:" in text for step in STEP_IDS)

    rejected = run_cli("check", env=config_env(config))
    assert rejected.returncode == 2
    lines = [line for line in rejected.stdout.splitlines() if line.startswith(str(path))]
    values = placeholders(yaml.safe_load(text))
    assert values > 20 and len(lines) == values  # one line per placeholder, each with its line and field
    title_line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("title:"))
    assert f"{path}:{title_line}: title: placeholder left" in rejected.stdout
    assert f"{path}:" in rejected.stdout and "steps.requirements.items.0.signals.0: placeholder left" in rejected.stdout
    assert re.search(r"^1 of \d+ case files have problems$", rejected.stderr, re.MULTILINE)

    fill_skeleton(path)
    accepted = run_cli("check", env=config_env(config))
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert f"ok: {path} ({OWN}: 7 items" in accepted.stdout
    listed = run_cli("cases", env=config_env(config))
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(OWN))
    assert row.split()[1] == "config" and "Podcast recommendation" in row
    assert f"config: {config}" in listed.stdout
    assert next(line for line in listed.stdout.splitlines() if line.startswith(ADS)).split()[1] == "built-in"


def test_new_case_never_overwrites_and_never_takes_an_id_in_use(tmp_path: Path, own_case: Path) -> None:
    env = config_env(own_case)
    assert_one_line_error(run_cli("new-case", OWN, env=env), f"{own_case / OWN}.yaml already exists")
    assert_one_line_error(run_cli("new-case", ADS, env=env), f"case id '{ADS}' is already taken by", "built-in")
    assert_one_line_error(run_cli("new-case", "../evil", env=env), "invalid case id")
    # Found by a new user: the ids already taken are no help for a new one; an example is.
    named = assert_one_line_error(run_cli("new-case", "My Case", env=env), "for example 'my-case'")
    assert ADS not in named
    out = tmp_path / "elsewhere" / "other.yaml"
    assert_one_line_error(run_cli("new-case", "second", "--out", str(out), env=env), "name the file second.yaml")
    folder = tmp_path / "rubrics-folder"
    made = run_cli("new-case", "second", "--rubrics", str(folder), env=env)
    assert made.returncode == 0, made.stderr
    assert (folder / "second.yaml").is_file() and not (own_case / "second.yaml").exists()


def test_rubrics_folders_load_beside_the_others_and_are_listed_with_their_path(tmp_path: Path, own_case: Path) -> None:
    folder = tmp_path / "team-cases"
    folder.mkdir()
    data = yaml.safe_load((own_case / f"{OWN}.yaml").read_text(encoding="utf-8"))
    data["id"] = "team-case"
    (folder / "team-case.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for args in (("--rubrics", str(folder), "cases"), ("cases", "--rubrics", str(folder))):
        listed = run_cli(*args, env=config_env(own_case))
        assert listed.returncode == 0, listed.stderr
        rows = {line.split()[0]: line.split()[1] for line in listed.stdout.splitlines() if line and line[0] != " "}
        assert rows["team-case"] == str(folder) and rows[OWN] == "config" and rows[ADS] == "built-in"
        assert set(CASE_IDS) <= set(rows)
    without = run_cli("cases", env=config_env(own_case))
    assert "team-case" not in without.stdout
    assert_one_line_error(run_cli("cases", "--rubrics", str(tmp_path / "nope")), "--rubrics", "no such folder")


@pytest.mark.parametrize("where", ["config", "rubrics"])
def test_an_id_in_two_folders_is_one_error_naming_both_files(tmp_path: Path, own_case: Path, where: str) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    clash = folder / f"{OWN}.yaml" if where == "rubrics" else own_case / f"{ADS}.yaml"
    shutil.copy(own_case / f"{OWN}.yaml", clash)
    first = own_case / f"{OWN}.yaml" if where == "rubrics" else ROOT / "rubrics" / f"{ADS}.yaml"
    args = ("--rubrics", str(folder)) if where == "rubrics" else ()
    line = assert_one_line_error(run_cli("cases", *args, env=config_env(own_case)), "is defined twice", str(clash))
    assert str(first) in line
    assert_one_line_error(
        run_cli("chat", "--plain", "--case", ADS, *args, stdin="", env=config_env(own_case)), "is defined twice"
    )
    checked = run_cli("check", *args, env=config_env(own_case))
    assert checked.returncode == 2
    assert f"{clash}:1: id: case id" in checked.stdout and "defined twice" in checked.stdout
    assert f"ok: {clash}" not in checked.stdout and f"ok: {first}" not in checked.stdout


def test_a_users_concepts_load_from_the_folder_and_may_not_redefine_ours(own_case: Path) -> None:
    path = own_case / f"{OWN}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["steps"]["serving"]["items"][0]["concepts"] = ["episode-prefetch"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    missing = run_cli("check", str(path), env=config_env(own_case))
    assert missing.returncode == 2 and "unknown concept 'episode-prefetch'" in missing.stdout
    (own_case / "concepts").mkdir()
    concepts = own_case / "concepts" / "mine.yaml"
    concepts.write_text(
        "concepts:\n  episode-prefetch:\n    means: Download the next episodes early.\n"
        "    phrasings: [prefetch the next episode, download ahead]\n",
        encoding="utf-8",
    )
    assert run_cli("check", str(path), env=config_env(own_case)).returncode == 0
    answers = own_case.parent / "answers.yaml"
    answers.write_text(
        yaml.safe_dump({"case": OWN, "answers": {"serving": "I would download ahead the next two episodes at night."}})
    )
    graded = run_cli("grade", str(answers), "--json", env=config_env(own_case))
    assert graded.returncode == 0, graded.stderr
    serving = json.loads(graded.stdout)["steps"]["serving"]
    assert serving["score"] > 0, serving
    concepts.write_text("concepts:\n  calibration:\n    means: Mine.\n    phrasings: [calibrate]\n", encoding="utf-8")
    twice = run_cli("grade", str(answers), env=config_env(own_case))
    assert_one_line_error(twice, f"{concepts}:2: concept 'calibration' is defined twice", "ml.yaml")


def lint_case() -> dict:
    """A case that loads, with one of each lint problem."""
    steps = {}
    for step, word in WORDS.items():
        items = [
            {
                "id": f"{step}-{n}",
                "covers": f"Settles the {word} {kind} with a number and a reason.",
                "weight": 3,
                "signals": [f"{word} {kind}"],
                "follow_up": "What else would you settle?",
            }
            for n, kind in enumerate(("choice", "size", "owner"))
        ]
        steps[step] = {"items": items}
    model = steps["model"]["items"]
    model[0]["follow_up"] = "Would a ranker choice with a number help?"  # says its answer
    model[1]["signals"].append("number and a reason")  # in the covers of the two others, not its own
    model[1]["covers"] = "Sizes the ranker."
    steps["data"]["items"][2]["weight"] = 0.5
    return {
        "id": "linted",
        "title": "Linted",
        "summary": "A case with lint problems.",
        "prompt": "Design it.",
        "facts": [{"topic": "scale", "keywords": ["scale"], "answer": "Big."}],
        "steps": steps,
    }


def test_check_lints_a_users_case_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "linted.yaml"
    text = yaml.safe_dump(lint_case(), sort_keys=False)
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    problems = result.stdout.splitlines()
    assert len(problems) == 3, result.stdout

    def line_of(fragment: str, after: int = 0) -> int:
        rows = text.splitlines()
        return next(n for n, row in enumerate(rows, 1) if n > after and fragment in row)

    model = line_of("  model:")
    assert problems[0].startswith(f"{path}:{line_of('weight: 0.5')}: steps.data.items.2.weight: weight 0.5")
    follow_up = line_of("follow_up: Would a ranker", model)
    assert problems[1].startswith(f"{path}:{follow_up}: steps.model.items.0.follow_up: the follow-up says")
    assert "'ranker choice'" in problems[1] and "gives the answer away" in problems[1]
    signal = line_of("- number and a reason", model)
    assert problems[2].startswith(f"{path}:{signal}: steps.model.items.1.signals.1: signal 'number and a reason'")
    assert "'model-0'" in problems[2] and "'model-2'" in problems[2]


def test_check_finds_a_signal_whose_apostrophe_was_lost(tmp_path: Path) -> None:
    data = lint_case()
    data["steps"]["data"]["items"][0]["signals"] += ["seller s pick", "t sne plot"]  # "t-SNE" is a word of its own
    data["steps"]["serving"]["red_flags"] = [
        {"id": "never", "description": "No.", "penalty": 5, "signals": ["doesn t fit"], "challenge": "Why?"}
    ]
    path = tmp_path / "linted.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_cli("check", str(tmp_path))
    lost = [line for line in result.stdout.splitlines() if "lone 's' or 't'" in line]
    assert result.returncode == 2 and len(lost) == 2, result.stdout
    assert "steps.data.items.0.signals.1: 'seller s pick'" in lost[0]
    assert "steps.serving.red_flags.0.signals.0: 'doesn t fit'" in lost[1]


def test_check_names_schema_problems_of_a_users_case_with_line_and_field(tmp_path: Path) -> None:
    data = lint_case()
    data["id"] = "broken"
    del data["steps"]["data"]["items"][0]["signals"]
    data["steps"]["data"]["items"][1]["signals"] = []
    del data["steps"]["model"]["items"][0]["follow_up"]
    data["steps"]["model"]["items"][2]["id"] = "model-1"
    data["steps"]["deployment"] = data["steps"].pop("monitoring")
    data["curveballs"] = [{"id": "cut", "step": "launch", "says": "Half the budget. What now?", "targets": ["data-0"]}]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 2
    out = result.stdout
    for field in ("steps.data.items.0.signals", "steps.data.items.1.signals", "steps.model.items.0.follow_up"):
        assert f": {field}: " in out, out
    assert ": steps.deployment: " in out and ": steps.monitoring: " in out
    assert all(line.startswith(f"{path}:") for line in out.splitlines())
    data["steps"]["monitoring"] = data["steps"].pop("deployment")
    for item in data["steps"]["data"]["items"][:2]:
        item["signals"] = ["logging thing"]
    data["steps"]["model"]["items"][0]["follow_up"] = "Why?"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    semantic = run_cli("check", str(path)).stdout
    assert ": steps.model.items.2.id: item id 'model-1' is already used" in semantic
    assert ": curveballs.0.step: unknown step 'launch'" in semantic


def test_check_is_clean_on_the_built_in_cases_with_the_lints() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(line.startswith("ok: ") for line in result.stdout.splitlines()), result.stdout


ANSWERS = {
    "requirements": "I would settle the audience choice first: about ten million listeners a day and 80 ms.",
    "framing": "The objective choice is a ranking of episodes by the chance of a completed listen, for 10 minutes.",
    "data": "The logging choice is to record every impression with its position, kept for 90 days.",
    "model": "The ranker choice is a gradient boosted tree with 300 trees, then a two tower model later.",
    "evaluation": "The holdout choice is a time based split of the last 7 days, then a 2 week A/B test.",
    "serving": "The cache choice is to precompute the top 50 episodes per user every hour.",
    "monitoring": "The alarm choice is to page when the completion rate drops 5% below last week.",
}


def script() -> str:
    lines = []
    for step, answer in ANSWERS.items():
        lines += [f"/step {step}", answer] if step != "requirements" else [answer]
    return "\n".join([*lines, "/step wrap_up", "I would also think about listener privacy.", "/end", ""])


def test_a_case_of_ones_own_is_practised_end_to_end(tmp_path: Path, own_case: Path) -> None:
    env = config_env(own_case)
    out = tmp_path / "run.json"
    run = run_cli("chat", "--plain", "--case", OWN, "--out", str(out), stdin=script(), env=env)
    assert run.returncode == 0, run.stderr
    assert "Overall" in run.stdout and "Podcast recommendation" in run.stdout
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["case_id"] == OWN and saved.get("case_source") is None  # the id, found again in the config folder

    graded = run_cli("grade", str(out), "--json", env=env)
    assert graded.returncode == 0, graded.stderr
    steps = json.loads(graded.stdout)["steps"]
    assert all(steps[step]["score"] > 0 for step in WORDS), {step: steps[step]["score"] for step in WORDS}
    exported = run_cli("export", str(out), env=env)
    assert exported.returncode == 0 and "Podcast recommendation" in exported.stdout

    moved = tmp_path / "moved"
    own_case.rename(moved)
    lost = assert_one_line_error(run_cli("grade", str(out), env=env), f"'{OWN}'", f"{OWN}.yaml", "--rubrics DIR")
    assert str(own_case) in lost  # the folders it looked in
    found = run_cli("grade", "--rubrics", str(moved), str(out), "--json", env=env)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["steps"] == steps


async def test_the_replay_of_a_case_of_ones_own_finds_it_in_the_config_folder(
    tmp_path: Path, own_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_helpers import wait_until

    from interviewer.interview import case_for, grade_transcript
    from interviewer.transcript import load
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.replay_screen import ReplayScreen
    from interviewer.tui.scorecard_screen import ScorecardScreen

    out = tmp_path / "run.json"
    made = run_cli("chat", "--plain", "--case", OWN, "--out", str(out), stdin=script(), env=config_env(own_case))
    assert made.returncode == 0, made.stderr
    monkeypatch.setenv("INTERVIEWER_CASES_DIR", str(own_case))
    transcript = load(out)
    case = case_for(transcript)
    assert case.title == "Podcast recommendation"
    app = InterviewerApp(ReplayScreen(transcript, case, grade_transcript(transcript, case), out))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("end", "right")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen))


def test_calibrate_measures_a_users_own_labelled_answers_and_skips_what_it_cannot(
    tmp_path: Path, own_case: Path
) -> None:
    folder = tmp_path / "labelled"
    folder.mkdir()
    partial = {step: f"I would think about the {word} choice." for step, word in WORDS.items()}
    weak = dict.fromkeys(WORDS, "I would build a good system that works well for people.")
    for label, answers in (("strong", ANSWERS), ("partial", partial), ("weak", weak)):
        data = {"case": OWN, "level": "senior", "label": label, "answers": answers}
        (folder / f"{label}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run_cli("calibrate", str(folder), env=config_env(own_case))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines() if "  " in line}
    assert "100%" in rows["strong > partial > weak"] and rows["strong > partial > weak"].endswith("ok")
    for relation in ("plain >= partial", "plain >= 0.8 x strong", "wrong but fluent < partial"):
        assert "skipped: needs" in rows[relation] and "LOW" not in rows[relation]
    assert "skipped: needs" in rows["another case's answer <= partial"]
    assert "skipped" not in rows["keyword list < partial"]
    assert f"  {OWN}: partial=" in result.stdout and " strong=" in result.stdout


def test_the_picker_offers_a_case_of_ones_own(own_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `interviewer` (the app) shows in its case picker: the same catalogue as `cases`, read as cheaply."""
    from interviewer.catalog import case_files, peek_case

    monkeypatch.setenv("INTERVIEWER_CASES_DIR", str(own_case))
    offered = {summary.id: summary.title for summary in map(peek_case, case_files())}
    assert offered[OWN] == "Podcast recommendation"
    assert set(CASE_IDS) <= set(offered)


def test_help_names_new_case_and_the_rubrics_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "new-case" in result.stdout and "--rubrics DIR" in result.stdout
    for command in ("grade", "replay", "chat", "check", "calibrate", "history", "drill", "cases", "new-case"):
        assert "--rubrics DIR" in run_cli(command, "--help").stdout, command


def test_an_unquoted_colon_in_a_case_file_says_to_quote_it(tmp_path: Path) -> None:
    broken = tmp_path / "bad-case.yaml"
    broken.write_text("id: bad-case\ntitle: Bad\nsummary: The decision: within 50 ms\n")
    result = run_cli("check", str(broken))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    problem = next(line for line in (result.stdout + result.stderr).splitlines() if "bad-case.yaml" in line)
    assert "bad-case.yaml:3" in problem and "put text that holds ': ' in quotes" in problem


def test_replay_without_a_terminal_points_to_export(tmp_path: Path, own_case: Path) -> None:
    transcript = tmp_path / "t.json"
    script = "\n".join(["/end"]) + "\n"
    run_cli("chat", "--plain", "--case", OWN, "--out", str(transcript), stdin=script, env=config_env(own_case))
    assert transcript.exists()
    message = assert_one_line_error(run_cli("replay", str(transcript), env=config_env(own_case)), "needs a terminal")
    assert "interviewer export" in message and "--plain" not in message


def test_check_of_a_file_given_by_path_in_the_config_folder_sees_its_id_collide(tmp_path: Path) -> None:
    config = tmp_path / "cases"
    config.mkdir()
    copy = config / f"{ADS}.yaml"
    shutil.copy(ROOT / "rubrics" / f"{ADS}.yaml", copy)
    result = run_cli("check", str(copy), env=config_env(config))
    assert result.returncode == 2 and "defined twice" in result.stdout + result.stderr


def test_a_broken_concepts_file_in_a_users_folder_does_not_stop_the_built_in_cases(tmp_path: Path) -> None:
    """Found in review: the built-in cases use only shipped concepts, so they never read a user's concept files."""
    config = tmp_path / "cases"
    (config / "concepts").mkdir(parents=True)
    (config / "concepts" / "mine.yaml").write_text("concepts:\n  calibration:\n    phrasings: [x]\n")
    checked = run_cli("check", str(ROOT / "rubrics" / f"{ADS}.yaml"), env=config_env(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    answers = ROOT / "tests" / "fixtures" / "answers" / f"{ADS}-strong.yaml"
    graded = run_cli("grade", str(answers), env=config_env(config))
    assert graded.returncode == 0 and "Traceback" not in graded.stderr, graded.stderr
