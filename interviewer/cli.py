"""Command line entry point.

Only `argparse` is imported at start-up; each command imports what it needs when it runs, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

LEVELS = ("mid", "senior", "staff")
# The framework's step ids (`interviewer.framework.STEP_IDS`), spelled out so `--help` imports nothing more.
STEP_CHOICES = ("requirements", "framing", "data", "model", "evaluation", "serving", "monitoring")


def _add_model(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--model", help=f"{what}: `stub` (offline) or a model name (default: $INTERVIEWER_MODEL or stub)"
    )
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")


def _add_level(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--level", choices=LEVELS, default="senior", help="the level you interview for (default: senior)"
    )


RUBRICS_HELP = (
    "also load the case files in DIR (and its concepts/ folder), beside the built-in cases and your own in "
    "the config folder ($INTERVIEWER_CASES_DIR or ~/.config/interviewer/cases); repeat for several folders"
)


def _add_rubrics(parser: argparse.ArgumentParser, dest: str) -> None:
    parser.add_argument("--rubrics", metavar="DIR", action="append", dest=dest, default=[], help=RUBRICS_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Rehearse the machine learning system design interview, offline, and get graded against a rubric.",
        epilog="Your own cases: write one with `interviewer new-case ID`, check it with `interviewer check`; it is "
        "listed by `interviewer cases` and practised like the built-in ones.",
    )
    _add_rubrics(parser, "rubrics")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("cases", help="list the cases you can practise, with where each comes from")

    for name, text in (
        ("start", "open the interview app (the default command)"),
        ("chat", "run a mock interview (the app, or line mode with --plain)"),
    ):
        chat = commands.add_parser(name, help=text)
        chat.add_argument("--plain", action="store_true", help="line mode on stdin/stdout (works with a pipe)")
        chat.add_argument("--case", help="case id (see `interviewer cases`) or path to a case YAML file")
        _add_level(chat)
        _add_model(chat, "the interviewer and judge")
        chat.add_argument("--out", metavar="PATH", help="where to save the transcript (default: your data directory)")

    resume = commands.add_parser("resume", help="continue an interrupted interview from its transcript")
    resume.add_argument("path", metavar="PATH", help="a transcript saved by an interview")
    resume.add_argument("--plain", action="store_true", help="line mode on stdin/stdout")
    _add_model(resume, "the interviewer and judge (default: the one the interview started with)")

    replay = commands.add_parser("replay", help="step through a saved interview and see its scorecard")
    replay.add_argument("path", metavar="PATH", help="a saved transcript (finished or not)")

    export = commands.add_parser("export", help="write the scorecard of a saved interview")
    export.add_argument("path", metavar="PATH", help="a saved transcript")
    export.add_argument("--format", choices=("md", "json"), default="md", help="md (default) or json")
    export.add_argument("--out", metavar="FILE", help="write here instead of to stdout (never over a transcript)")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists (never a transcript)")

    grade = commands.add_parser("grade", help="grade a saved transcript or an answers file")
    grade.add_argument("path", metavar="PATH", help="a transcript (.json) or an answers file (.yaml/.json)")
    grade.add_argument("--json", action="store_true", help="print the grade as JSON")
    grade.add_argument("--level", choices=LEVELS, help="grade for this level instead of the one in the file")
    _add_model(grade, "a model to add an LLM judge to the deterministic grade")

    history = commands.add_parser(
        "history", help="your past interviews and drills: trends, bests, weak spots, due cards"
    )
    history.add_argument("--case", help="only this case (an id, see `interviewer cases`)")
    history.add_argument("--json", action="store_true", help="print the history as JSON")
    history.add_argument("--format", choices=("text", "md"), default="text", help="text (default) or md (Markdown)")
    history.add_argument("--rebuild", action="store_true", help="rebuild the index from the transcripts first")

    drill = commands.add_parser("drill", help="practise one step: your due practice cards, or your weakest step")
    drill.add_argument("--plain", action="store_true", help="line mode on stdin/stdout (works with a pipe)")
    drill.add_argument("--case", help="case id or path to a case YAML file (default: chosen from your history)")
    drill.add_argument("--step", choices=STEP_CHOICES, help="the step to drill (default: chosen from your history)")
    _add_level(drill)
    _add_model(drill, "the interviewer")
    drill.add_argument("--out", metavar="PATH", help="where to save the transcript (default: your data directory)")

    check = commands.add_parser(
        "check",
        help="validate and lint case files, yours included, and report every problem",
        description="Validate case files and lint them: duplicate ids, missing signals or follow-ups, a follow-up "
        "that gives its answer away, a signal that other items' text says, weights, unknown steps, placeholders "
        "left from new-case. Each problem is one line: file:line: field: message; exit 2 when there is any.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="case files or folders (default: every case folder: built-in, your config folder and --rubrics)",
    )

    calibrate = commands.add_parser("calibrate", help="measure the grader on labelled answers, per relation and step")
    calibrate.add_argument(
        "dir",
        nargs="?",
        metavar="DIR",
        help="labelled answers files, of any case including yours (default: the checkout's tests/calibration); "
        "relations its labels cannot measure are reported as skipped",
    )
    calibrate.add_argument("--verbose", "-v", action="store_true", help="list every (set, step) that fails")

    new_case = commands.add_parser(
        "new-case",
        help="write a commented skeleton of a case of your own, to fill in",
        description="Write a case file with every field, commented, and FILL IN placeholders: `interviewer check` "
        "names each placeholder left, and accepts the case once they are filled in. It goes to your config folder "
        "($INTERVIEWER_CASES_DIR or ~/.config/interviewer/cases), or the --rubrics folder, or --out.",
    )
    new_case.add_argument("id", metavar="ID", help="the case id: lowercase letters, digits, '-' and '_'")
    new_case.add_argument("--out", metavar="FILE", help="write the skeleton here (a .yaml file named ID.yaml)")
    for sub in commands.choices.values():  # `--rubrics DIR` goes before or after the command
        _add_rubrics(sub, "rubrics_after")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _prepare_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    from interviewer.catalog import use_rubrics_folders
    from interviewer.errors import InterviewerError

    args.rubrics = [*args.rubrics, *getattr(args, "rubrics_after", [])]
    use_rubrics_folders(args.rubrics)

    handler: Callable[[argparse.Namespace], int]
    if args.command is None:
        from interviewer.commands import cmd_default as handler
    else:
        from interviewer import commands

        handler = getattr(commands, f"cmd_{args.command.replace('-', '_')}")
    try:
        code = handler(args)
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit, so a full disk or a closed pipe is handled below
        return code
    except InterviewerError as exc:
        from interviewer.redact import redact
        from interviewer.terminal import printable

        # The message can quote a file, a transcript or a server's answer.
        print(f"interviewer: error: {printable(redact(str(exc)))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ninterviewer: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        return _os_error(exc)


def _prepare_streams() -> None:
    """Make the standard streams safe to use whatever the terminal or the shell did to them.

    A closed descriptor (`<&-`, `>&-`) gets /dev/null, so no file the run opens lands on 0, 1 or 2. Text that the
    output encoding cannot hold (an ASCII-only terminal, a file name with undecodable bytes) is replaced instead of
    raising UnicodeEncodeError halfway through a scorecard.
    """
    import os

    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
    for stream in (sys.stdout, sys.stderr):
        # `surrogateescape` (the C locale's default) raises too, on any character outside the encoding.
        if getattr(stream, "errors", None) in ("strict", "surrogateescape") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _error(line: str) -> None:
    from contextlib import suppress

    from interviewer.terminal import printable

    with suppress(OSError, ValueError):  # stderr itself is gone: nothing left to tell
        print(printable(line), file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail again and print `Exception ignored`."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass


def _os_error(exc: OSError) -> int:
    """An operating system error that reached the top: a closed pipe ends quietly, anything else is one line."""
    import errno

    if exc.errno == errno.EPIPE:  # `interviewer cases | head -1`: the reader has all it wanted
        _silence_stdout()
        return 0
    if exc.filename is not None:
        _error(f"interviewer: error: {exc.filename}: {exc.strerror or exc}")
        return 2
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError:  # the failure was the output itself (`> /dev/full`)
        _silence_stdout()
        _error(f"interviewer: error: cannot write the output ({exc.strerror or exc})")
        return 2
    _error(f"interviewer: error: {exc.strerror or exc}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
