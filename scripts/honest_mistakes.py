"""List the mistakes (red flags, chosen opposites, dismissals) the grade charges on labelled answers: on honest
levels each one is a candidate false alarm to read, on `wrong_fluent` a wrong decision caught.

Usage: .venv/bin/python scripts/honest_mistakes.py [DIR] [LABELS]
  DIR     labelled answers (default: tests/calibration)
  LABELS  comma-separated labels (default: plain,strong,partial)
"""

import sys
from collections import Counter
from pathlib import Path

from interviewer.calibrate import load_sets
from interviewer.grading.deterministic import grade_answers


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/calibration")
    labels = sys.argv[2].split(",") if len(sys.argv) > 2 else ["plain", "strong", "partial"]
    kinds: Counter[str] = Counter()
    for entry in load_sets(folder):
        for label in labels:
            if label not in entry.honest:
                continue
            grade = grade_answers(entry.case, entry.level, entry.honest[label])
            seen = set()
            for step in grade.steps.values():
                for flag in step.red_flags:
                    if flag.corrected or flag.penalty <= 0 or (flag.id, flag.evidence) in seen:
                        continue
                    seen.add((flag.id, flag.evidence))
                    kinds[flag.id.split(":")[0] if ":" in flag.id else "red_flag"] += 1
                    print(f"{entry.name} {label} {flag.id} -{flag.penalty:g} :: {flag.evidence}")
    print(dict(kinds))


if __name__ == "__main__":
    main()
