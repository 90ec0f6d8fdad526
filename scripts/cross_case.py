"""Grade every set's answer of one label as each other case, to see how much an answer written for another problem
earns (the relevance rule, `interviewer.grading.relevance`). Prints the highest grades and how many reach 20 and 30.

Usage: .venv/bin/python scripts/cross_case.py [DIR] [LABEL]   (defaults: tests/calibration, strong)
"""

import sys
from pathlib import Path

from interviewer.calibrate import load_sets
from interviewer.grading.deterministic import grade_answers


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/calibration")
    label = sys.argv[2] if len(sys.argv) > 2 else "strong"
    sets = load_sets(folder)
    cases = {}
    for entry in sets:
        cases.setdefault(entry.case.id, entry.case)
    graded = []
    for entry in sets:
        if label not in entry.honest:
            continue
        for case_id, case in cases.items():
            if case_id != entry.case.id:
                grade = grade_answers(case, entry.level, entry.honest[label])
                graded.append((grade.overall, entry.name, case_id, grade.hire_signal.value))
    graded.sort(reverse=True)
    for overall, name, case_id, signal in graded[:15]:
        print(f"{overall:3d}  {name} graded as {case_id}: {signal}")
    scores = [overall for overall, *_ in graded]
    twenty, thirty = sum(s >= 20 for s in scores), sum(s >= 30 for s in scores)
    print(f"{len(scores)} grades; reaching 20: {twenty}, reaching 30: {thirty}")


if __name__ == "__main__":
    main()
