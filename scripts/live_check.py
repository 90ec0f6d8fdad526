"""`make live`: a short scripted interview and a grade against a real OpenAI-compatible endpoint (not run in CI).

Uses OPENAI_BASE_URL and INTERVIEWER_MODEL (and OPENAI_API_KEY if the endpoint needs one). It passes when both
commands finish without a crash; a weak model's text and judgements are reported, not judged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "fixtures" / "live-script.txt"
BIN = Path(sys.executable).parent / "interviewer"


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    start = time.perf_counter()
    result = subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    print(f"$ interviewer {' '.join(args)}  ({time.perf_counter() - start:.1f} s, exit {result.returncode})")
    return result


def main() -> int:
    base_url, model = os.environ.get("OPENAI_BASE_URL"), os.environ.get("INTERVIEWER_MODEL")
    if not base_url or not model or model == "stub":
        print("make live: set OPENAI_BASE_URL and INTERVIEWER_MODEL to an OpenAI-compatible endpoint and model")
        return 2
    from interviewer.redact import redact_url

    print(f"endpoint {redact_url(base_url)}, model {model}")  # a URL may carry credentials
    out = Path(tempfile.mkdtemp()) / "live.json"
    chat = run(["chat", "--plain", "--case", "ad-click-prediction", "--out", str(out)], SCRIPT.read_text())
    if chat.returncode != 0 or "Traceback" in chat.stderr:
        print(chat.stdout[-3000:], chat.stderr[-3000:], sep="\n")
        return 1
    print("\n".join(line for line in chat.stdout.splitlines() if line.startswith(("Interviewer", "[")))[:4000])
    graded = run(["grade", str(out), "--json"])
    if graded.returncode != 0 or "Traceback" in graded.stderr:
        print(graded.stdout[-3000:], graded.stderr[-3000:], sep="\n")
        return 1
    transcript = json.loads(out.read_text())
    grade = json.loads(graded.stdout)
    judge = grade.get("judge") or {}
    print(f"transcript: {out}")
    print(
        f"turns {len(transcript['turns'])}, model failures {transcript['model_failures']}, usage {transcript['usage']}"
    )
    print(f"grade: overall {grade['overall']} ({grade['hire_signal']}), grader {grade['grader']}")
    print(f"judge: status {judge.get('status')}, dropped {len(judge.get('dropped', []))} unverified claims")
    for claim in judge.get("dropped", [])[:8]:
        print(f"  dropped {claim['step']}.{claim['item_id']}: {claim['reason']}")
    print("live check finished without a crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
