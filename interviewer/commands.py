"""The command implementations behind `cli.py`, imported only once a command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from interviewer.errors import InterviewerError, RubricError


def cmd_cases(args: argparse.Namespace) -> int:
    from interviewer.rubric import case_files, load_case_file

    files = case_files()
    if not files:
        raise InterviewerError("no case files found")
    width = max(len(path.stem) for path in files)
    for path in files:
        case = load_case_file(path)
        print(f"{case.id:<{width}}  {case.title}: {case.summary}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from interviewer.rubric import case_files, case_warnings, parse_case, rubrics_dir
    from interviewer.yamlfile import load_document

    targets = [Path(p) for p in args.paths] or [rubrics_dir()]
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            found = case_files(target)
            if not found:
                raise InterviewerError(f"{target}: no .yaml case files in this folder")
            files.extend(found)
        else:
            files.append(target)
    failed = 0
    for path in files:
        try:
            doc = load_document(path)
            case = parse_case(doc)
        except RubricError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem)
            continue
        except InterviewerError as exc:
            failed += 1
            print(exc)
            continue
        for warning in case_warnings(case, doc):
            print(f"warning: {warning}")
        items = sum(len(rubric.items) for _, rubric in case.steps.items())
        print(f"ok: {path} ({case.id}: {items} items, {len(case.facts)} facts)")
    if failed:
        print(f"{failed} of {len(files)} case files have problems", file=sys.stderr)
        return 2
    return 0
