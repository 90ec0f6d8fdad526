"""Command line entry point.

Only `argparse` is imported at start-up; each command imports what it needs when it runs, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

LEVELS = ("mid", "senior", "staff")


def _add_model(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--model", help=f"{what}: `stub` (offline) or a model name (default: $INTERVIEWER_MODEL or stub)"
    )
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")


def _add_level(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--level", choices=LEVELS, default="senior", help="the level you interview for (default: senior)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Rehearse the machine learning system design interview, offline, and get graded against a rubric.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("cases", help="list the cases you can practise")

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

    check = commands.add_parser("check", help="validate case files and report every problem")
    check.add_argument("paths", nargs="*", metavar="PATH", help="case files or folders (default: the built-in cases)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from interviewer.errors import InterviewerError

    handler: Callable[[argparse.Namespace], int]
    if args.command is None:
        from interviewer.commands import cmd_default as handler
    else:
        from interviewer import commands

        handler = getattr(commands, f"cmd_{args.command}")
    try:
        return handler(args)
    except InterviewerError as exc:
        from interviewer.redact import redact
        from interviewer.terminal import printable

        # The message can quote a file, a transcript or a server's answer.
        print(f"interviewer: error: {printable(redact(str(exc)))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ninterviewer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
