"""Write one brief per built-in case (its opening prompt and fact sheet, nothing of its rubric) into a folder, for
helpers who write blind labelled answers (see `tests/calibration/README.md`).

Usage: .venv/bin/python scripts/blind_briefs.py OUT_DIR
"""

import sys
from pathlib import Path

from interviewer.catalog import rubrics_dir
from interviewer.rubric import available_case_ids, load_case


def brief(case_id: str) -> str:
    case = load_case(case_id)
    lines = [
        f"# Case brief: {case.title} (`{case.id}`)",
        "",
        "## What the interviewer says at the start",
        "",
        case.prompt.strip(),
        "",
        "## Fact sheet (the interviewer answers clarifying questions from these facts, and only these)",
        "",
    ]
    lines += [f"- **{fact.topic}**: {' '.join(fact.answer.split())}" for fact in case.facts]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    built_in = available_case_ids(rubrics_dir())  # not the user's own cases
    for case_id in built_in:
        (out / f"{case_id}.md").write_text(brief(case_id), encoding="utf-8")
    print(f"wrote {len(built_in)} briefs to {out}")
