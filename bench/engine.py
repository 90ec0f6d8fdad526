"""Engine speed figures: `interviewer --help`, grading one answers file, a scripted 40-turn stub interview.

Run with `make bench` (or `.venv/bin/python bench/engine.py`). Prints figures; asserts nothing.
Targets: --help under 150 ms (issue 2), `interviewer cases` within 3x of `python -c 'import yaml'` (issue 10),
grading a whole interview under 30 ms, and under 500 ms with the paraphrase backstop (issue 8), the 40-turn
interview under 1 s (issue 2).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.answers import load_answers  # noqa: E402
from interviewer.grading import paraphrase  # noqa: E402
from interviewer.grading.deterministic import grade_answers  # noqa: E402
from interviewer.grading.text import split_sentences  # noqa: E402
from interviewer.rubric import load_case  # noqa: E402
from interviewer.transcript import Role, load  # noqa: E402

ANSWERS = ROOT / "tests" / "fixtures" / "answers"
ENTRY = [str(Path(sys.executable).parent / "interviewer")]
if not Path(ENTRY[0]).exists():
    ENTRY = [sys.executable, "-m", "interviewer"]


def wall(command: list[str], stdin: str | None = None, runs: int = 15) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, input=stdin, capture_output=True, text=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def _output(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()


def show(label: str, seconds: list[float], target_ms: float | None) -> None:
    median = statistics.median(seconds) * 1000
    fastest = min(seconds) * 1000
    if target_ms is None:
        print(f"{label:<58} median {median:8.2f} ms  min {fastest:8.2f} ms")
        return
    verdict = "ok" if median < target_ms else "OVER TARGET"
    print(f"{label:<58} median {median:8.2f} ms  min {fastest:8.2f} ms  target < {target_ms:g} ms  {verdict}")


def bench_help() -> None:
    show("interviewer --help (wall, 15 runs)", wall([*ENTRY, "--help"]), 150)


def bench_cases() -> None:
    """`interviewer cases` against `python -c 'import yaml'` (issue 10: within 3x), interleaved, same run."""
    listing, baseline = [], []
    for _ in range(15):
        listing += wall([*ENTRY, "cases"], runs=1)
        baseline += wall([sys.executable, "-c", "import yaml"], runs=1)
    show("interviewer cases (wall, 15 runs)", listing, 3 * statistics.median(baseline) * 1000)
    ratio = statistics.median(listing) / statistics.median(baseline)
    print(f"  python -c 'import yaml' median {statistics.median(baseline) * 1000:8.2f} ms; ratio {ratio:.2f}x (<= 3x)")


def bench_grading() -> None:
    backstop = paraphrase.installed()
    for path in sorted(ANSWERS.glob("*-strong.yaml")):
        answers = load_answers(path)
        case = load_case(answers.case)
        by_step = answers.by_step()
        for para, target in ((False, 30), (True, 500)) if backstop else ((False, 30),):
            grade_answers(case, answers.level, by_step, paraphrase=para)  # warm the caches, as a running app has
            runs = []
            for _ in range(200 if not para else 50):
                start = time.perf_counter()
                grade_answers(case, answers.level, by_step, paraphrase=para)
                runs.append(time.perf_counter() - start)
            label = "signals + paraphrase" if para else "signals"
            show(f"grade {path.name} ({label})", runs, target)
    cold = []
    for _ in range(15):
        start = time.perf_counter()
        answers = load_answers(path)
        grade_answers(load_case(answers.case), answers.level, answers.by_step(), paraphrase=False)
        cold.append(time.perf_counter() - start)
    show("  + parse answers file and case YAML", cold, 50)
    # The figure above reads the validated case from the cache of case files (every run after the first on this
    # machine); here each run has an empty cache, as the first run after installing or editing the case.
    uncached = []
    for _ in range(15):
        with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"INTERVIEWER_CACHE_DIR": tmp}):
            start = time.perf_counter()
            answers = load_answers(path)
            grade_answers(load_case(answers.case), answers.level, answers.by_step(), paraphrase=False)
            uncached.append(time.perf_counter() - start)
    show("    the same with no cached case (then written)", uncached, None)
    if backstop:
        # The first grade with the backstop in a process: numpy and the model load, the case's phrasings embed.
        code = (
            "import time; t = time.perf_counter(); from pathlib import Path; "
            "from interviewer.answers import load_answers; from interviewer.rubric import load_case; "
            "from interviewer.grading.deterministic import grade_answers; "
            f"a = load_answers(Path({str(path)!r})); c = load_case(a.case); "
            "s = time.perf_counter(); grade_answers(c, a.level, a.by_step(), paraphrase=True); "
            "print(time.perf_counter() - s)"
        )
        first = [float(_output([sys.executable, "-c", code])) for _ in range(5)]
        show("  first grade in a process with the paraphrase backstop", first, 1000)


def scripted_replies(count: int) -> list[str]:
    """Answers interleaved with clarifying questions, which keep a step open, so 40 replies fit before the end."""
    case = load_case("ad-click-prediction")
    answers = load_answers(ANSWERS / "ad-click-prediction-partial.yaml").by_step()
    sentences = [s for texts in answers.values() for text in texts for s in split_sentences(text)]
    questions = [f"Could you tell me about the {fact.keywords[0]}?" for fact in case.facts]
    replies = []
    for index in range(count):
        pool = questions if index % 2 == 0 else sentences
        replies.append(pool[(index // 2) % len(pool)])
    return replies


def bench_interview() -> None:
    replies = scripted_replies(40)
    script = "\n".join([*replies, "/end"]) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for run in range(7):
            out = Path(tmp) / f"run{run}.json"
            command = [*ENTRY, "chat", "--plain", "--case", "ad-click-prediction", "--out", str(out)]
            times += wall(command, stdin=script, runs=1)
        transcript = load(out)
        said = sum(1 for turn in transcript.turns if turn.role is Role.CANDIDATE)
        total = len(transcript.turns)
    show(f"scripted stub interview ({said} replies, {total} turns)", times, 1000)


def main() -> None:
    print(f"python {sys.version.split()[0]} on {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cores")
    bench_help()
    bench_cases()
    bench_grading()
    bench_interview()


if __name__ == "__main__":
    main()
