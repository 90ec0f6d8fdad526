"""`make live`: a short scripted interview and a grade against a real OpenAI-compatible endpoint (not run in CI).

Uses OPENAI_BASE_URL and INTERVIEWER_MODEL (and OPENAI_API_KEY if the endpoint needs one). It reports the share of
interviewer turns the model said (the guard replaced the others), why turns were replaced, how many steps the judge
finished, and the wall times. It fails on a crash, or when a model turn the guard let through breaks one of the
guard's rules when the saved transcript is checked again (`TurnGuard.audit`).
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
    broken = audit(out)
    print(f"grade: overall {grade['overall']} ({grade['hire_signal']}), grader {grade['grader']}")
    finished, asked = judge.get("steps_judged") or [], judge.get("steps_asked") or []
    # An unavailable judge carries no list of steps asked: say that rather than "0 of 0".
    steps = f"{len(finished)} of {len(asked)} steps finished" if asked else "no step finished"
    print(f"judge: status {judge.get('status')}, {steps} ({judge.get('error')})")
    print(f"judge: dropped {len(judge.get('dropped', []))} unverified claims")
    for claim in judge.get("dropped", [])[:8]:
        print(f"  dropped {claim['step']}.{claim['item_id']}: {claim['reason']}")
    if broken:
        print(f"FAILED: {len(broken)} model turn(s) the guard let through break a rule:")
        for line in broken[:10]:
            print(f"  {line}")
        return 1
    print("live check finished: no crash, and every model turn kept to the guard's rules")
    return 0


def audit(path: Path) -> list[str]:
    """Print how many interviewer turns the model said and why the others were replaced; return the saved model
    turns that break a rule."""
    from collections import Counter

    from interviewer.interview import case_for
    from interviewer.llm.guard import TurnGuard
    from interviewer.policy.base import View
    from interviewer.transcript import Role, load

    saved = load(path)
    case = case_for(saved)
    spoke, said = saved.model_spoke()
    print(f"model turns: {spoke} of {said} interviewer turns ({spoke / max(said, 1):.0%}); the guard replaced the rest")
    reasons = Counter(
        turn.text.split("broke a rule: ", 1)[1].split(")", 1)[0] if "broke a rule: " in turn.text else "no answer"
        for turn in saved.turns
        if turn.role is Role.SYSTEM and turn.text.startswith("The model could not answer")
    )
    for reason, count in reasons.most_common():
        print(f"  replaced: {count} x {reason}")
    broken = []
    for index, turn in enumerate(saved.turns):
        if turn.role is not Role.INTERVIEWER or turn.usage is None or turn.fallback:
            continue
        view = View(case, saved.level, turn.step, saved.turns[:index])
        rule = TurnGuard.audit(turn.text, view)
        if rule:
            broken.append(f"turn {index} ({turn.step}): {rule}: {turn.text[:100]!r}")
    return broken


if __name__ == "__main__":
    sys.exit(main())
