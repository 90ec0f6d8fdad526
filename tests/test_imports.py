"""Layering: the domain core never imports a front end or a model SDK, and `--help` imports almost nothing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from conftest import ROOT

CORE_MODULES = [
    "interviewer.framework",
    "interviewer.rubric",
    "interviewer.session",
    "interviewer.transcript",
    "interviewer.interview",
    "interviewer.answers",
    "interviewer.report",
    "interviewer.plain",
    "interviewer.grading.deterministic",
    "interviewer.policy",
    "interviewer.policy.stub",
    "interviewer.scorecard",
    "interviewer.scorecard_markdown",
    "interviewer.annotate",
    "interviewer.commands",
]
HEAVY = ("textual", "openai", "langchain_core", "httpx", "rich")


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nimport json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_front_end_or_model_sdk(module: str) -> None:
    modules = loaded_after(f"import {module}")
    assert module in modules
    leaked = sorted(name for name in modules if name.split(".")[0] in HEAVY)
    assert leaked == []


def test_help_imports_neither_pydantic_nor_yaml() -> None:
    code = "from interviewer.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    modules = loaded_after(code)
    assert "interviewer.cli" in modules
    assert not {"pydantic", "yaml", *HEAVY} & {name.split(".")[0] for name in modules}
    assert "interviewer.rubric" not in modules


def test_importing_the_package_writes_no_files(tmp_path) -> None:
    env_home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-c", "import interviewer.cli, interviewer.interview, interviewer.settings"],
        cwd=ROOT,
        env=env_home,
        check=True,
    )
    assert list(tmp_path.iterdir()) == []


def test_grading_from_the_command_line_never_loads_the_tui() -> None:
    code = (
        "from interviewer.cli import main\n"
        "main(['grade', 'tests/fixtures/answers/ad-click-prediction-weak.yaml', '--json'])"
    )
    modules = loaded_after(code)
    assert "interviewer.grading.deterministic" in modules
    assert not [name for name in modules if name.startswith(("textual", "interviewer.tui"))]


def test_the_first_frame_needs_no_pydantic_yaml_or_markdown() -> None:
    """What `interviewer start` imports before the window paints; the rest loads after, off the UI thread."""
    modules = loaded_after(
        "import interviewer.commands, interviewer.catalog\n"
        "import interviewer.tui.app, interviewer.tui.interview_screen, interviewer.tui.picker"
    )
    assert "textual.app" in modules
    slow = {"pydantic", "yaml", "pydantic_settings", "markdown_it", "openai", "langchain_core"}
    assert not slow & {name.split(".")[0] for name in modules}
    assert "textual.widgets._markdown" not in modules
    assert not {"interviewer.rubric", "interviewer.interview", "interviewer.transcript"} & modules


def test_the_model_sdks_load_only_when_a_model_is_used() -> None:
    code = (
        "from interviewer.settings import Settings\n"
        "from interviewer.backends import make_policy\n"
        "make_policy(Settings(model='stub'))"
    )
    modules = loaded_after(code)
    assert not {"openai", "langchain_core", "httpx"} & {name.split(".")[0] for name in modules}
    with_model = loaded_after(code.replace("model='stub'", "model='m', base_url='http://x.test/v1'"))
    assert {"openai", "httpx"} <= {name.split(".")[0] for name in with_model}


def imported_by(module: str) -> set[str]:
    """Every interviewer module `module` imports, at the top or lazily in a function."""
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("interviewer.")}


def test_the_scorecard_and_the_replay_screens_do_not_import_each_other() -> None:
    scorecard, replay = "interviewer.tui.scorecard_screen", "interviewer.tui.replay_screen"
    assert replay not in imported_by(scorecard)
    assert scorecard not in imported_by(replay)


def test_the_bubbles_import_nothing_of_the_app_that_imports_them() -> None:
    """`chatlog.py` builds bubbles (`bubbles.py`); the bubbles never import back (it was a cycle with widgets.py).
    Imports inside functions count: they close the cycle as much as those at the top."""
    import ast

    tree = ast.parse((ROOT / "interviewer" / "tui" / "bubbles.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not {name for name in imported if name.startswith("interviewer.tui")}


def test_the_app_takes_the_terminal_before_textual_loads() -> None:
    """Keys typed while Textual loads were read as a shell reads them: ctrl+s stopped the output instead of sending,
    Enter arrived as ctrl+j. The terminal is taken as the command starts, before Textual is imported."""
    code = (
        "import argparse, sys\n"
        "from interviewer import commands\n"
        "def taken(*args):\n"
        "    print('textual loaded' if 'textual' in sys.modules else 'textual not loaded')\n"
        "    raise SystemExit(0)\n"
        "commands._need_terminal = taken\n"
        "commands.cmd_chat(argparse.Namespace(case='ad-click-prediction', level='senior', out=None, plain=False,\n"
        "    model=None, base_url=None))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "textual not loaded"
