"""The command implementations behind `cli.py`, imported only once a command runs."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
from pathlib import Path

from interviewer.errors import InterviewerError, RubricError, SaveError
from interviewer.terminal import json_printable, printable


def cmd_cases(args: argparse.Namespace) -> int:
    from interviewer.catalog import CONFIG, catalog, config_cases_dir

    entries = catalog()
    if not entries:
        raise InterviewerError("no case files found")
    headers = [_case_header(entry.path) for entry in entries]
    width = max(len(header["id"]) for header in headers)
    source_width = max(len(entry.source) for entry in entries)
    for header, entry in zip(headers, entries, strict=True):
        line = f"{header['id']:<{width}}  {entry.source:<{source_width}}  {header['title']}: {header['summary']}"
        print(printable(line))
    if any(entry.source == CONFIG for entry in entries):
        print(printable(f"\nconfig: {config_cases_dir()}"))
    return 0


def _case_header(path: Path) -> dict[str, str]:
    """A case's id, title and summary, read from the YAML events of its first keys only: a dozen cases list at once,
    without loading or validating the rest (a broken case is reported, with file and line, when it is started and
    by `interviewer check`)."""
    import yaml

    from interviewer.yamlfile import read_text

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    header = {"id": path.stem, "title": path.stem, "summary": ""}
    depth, key = 0, None
    try:
        for event in yaml.parse(read_text(path), Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                key = None
                if depth > 2:  # the first nested block: the header keys come before it in every case file
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent) and depth == 1:
                if key is None:
                    key = event.value
                else:
                    if key in header:
                        header[key] = event.value
                    key = None
    except yaml.YAMLError:
        pass  # listed by its file name; starting it or `check` says what is wrong
    return header


def cmd_check(args: argparse.Namespace) -> int:
    """Validate and lint case files: the given files and folders, or every case folder (built-in, config,
    `--rubrics`). Every problem is one `file:line: field: message` line; exit 2 when there is any."""
    from interviewer.catalog import (
        CaseFile,
        all_case_files,
        case_folders,
        collision_message,
        folder_case_files,
        resolved_path,
    )

    files: list[CaseFile] = []
    single: set[Path] = set()  # a file given alone is practised by its path (`--case FILE`): its id takes no slot
    if args.paths:
        for target in map(Path, args.paths):
            if target.is_dir():
                found = folder_case_files(target)
                if not found:
                    raise InterviewerError(f"{target}: no .yaml case files in this folder")
                files += [CaseFile(path, str(target)) for path in found]
            else:
                files.append(CaseFile(target, str(target.parent)))
                single.add(resolved_path(target))
    else:
        files = all_case_files()
        if not files:
            raise InterviewerError("no case files found in " + ", ".join(str(folder.path) for folder in case_folders()))
    # An id is taken once across the files checked and every case folder; a file given by path that sits in a case
    # folder takes its slot there like any other (else `check` says ok for a copy that breaks `cases`).
    known = {resolved_path(entry.path): entry for entry in all_case_files()}
    single -= known.keys()
    for entry in files:
        if resolved_path(entry.path) not in single:
            known.setdefault(resolved_path(entry.path), entry)
    by_id: dict[str, list[CaseFile]] = {}
    for entry in known.values():
        by_id.setdefault(entry.id, []).append(entry)
    failed = 0
    for entry in files:
        problems, case_line, notes = _check_file(entry.path)
        here = resolved_path(entry.path)
        others = [
            other for other in by_id.get(entry.id, []) if resolved_path(other.path) != here and here not in single
        ]
        problems += [f"{case_line}: id: {collision_message(entry, other)}" for other in others]
        failed += bool(problems)
        for line in problems or notes:
            print(printable(line))
    if failed:
        print(f"{failed} of {len(files)} case files have problems", file=sys.stderr)
        return 2
    return 0


def _check_file(path: Path) -> tuple[list[str], str, list[str]]:
    """The problems of one case file, where its id is (`file:line`), and what to say when it has no problem (its
    warnings and an `ok:` line)."""
    from interviewer.caselint import lint_case, placeholder_problems
    from interviewer.rubric import case_warnings, parse_case
    from interviewer.yamlfile import load_document

    try:
        doc = load_document(path)
    except InterviewerError as exc:
        return [str(exc)], str(path), []
    case_line = doc.where(("id",))
    placeholders = placeholder_problems(doc)
    try:
        case = parse_case(doc)
    except RubricError as exc:
        return placeholders + [p for p in exc.problems if p not in placeholders], case_line, []
    except InterviewerError as exc:
        return [*placeholders, str(exc)], case_line, []
    if placeholders:  # the other lints would only judge the placeholders' words
        return placeholders, case_line, []
    notes = [f"warning: {warning}" for warning in case_warnings(case, doc)]
    items = sum(len(rubric.items) for _, rubric in case.steps.items())
    notes.append(f"ok: {path} ({case.id}: {items} items, {len(case.facts)} facts)")
    return lint_case(case, doc), case_line, notes


def cmd_new_case(args: argparse.Namespace) -> int:
    """Write the skeleton of a case of the user's own (see `interviewer.skeleton`), never over an existing file or
    with an id another case already has."""
    from interviewer.catalog import catalog, check_case_id, config_cases_dir, rubrics_folders
    from interviewer.settings import writable_dir
    from interviewer.skeleton import skeleton

    case_id = check_case_id(args.id, new=True)
    if args.out:
        path = Path(args.out)
        if path.name != f"{case_id}.yaml":
            raise InterviewerError(f"--out {path}: name the file {case_id}.yaml (a case's id is its file name)")
    else:
        folders = rubrics_folders()
        path = (folders[0] if folders else config_cases_dir()) / f"{case_id}.yaml"
    if path.exists() or path.is_symlink():
        raise InterviewerError(f"{path} already exists; edit it, or pick another id or --out")
    writable_dir(path.parent, "pick another folder with --out or --rubrics")  # a new --rubrics folder is made here
    for entry in catalog():
        if entry.id == case_id:
            raise InterviewerError(f"case id {case_id!r} is already taken by {entry.path} ({entry.source})")
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never over a file made meanwhile
            handle.write(skeleton(case_id))
    except OSError as exc:
        raise InterviewerError(f"{path}: cannot write the case ({exc.strerror or exc})") from None
    quoted = shlex.quote(str(path))
    print(printable(f"Wrote {path}: fill in every FILL IN, then check it with `interviewer check {quoted}`"))
    return 0


def _transcript_path(out: str | None, case_id: str) -> Path:
    from interviewer.settings import load_settings, writable_dir
    from interviewer.transcript import default_path, now

    if out:
        path = Path(out)
        if path.is_dir():
            raise InterviewerError(f"--out {path} is a directory; pick a file path for the transcript")
        if path.exists() and not path.is_file():
            raise InterviewerError(f"--out {path} is not a regular file; pick a file path for the transcript")
        if path.exists():
            raise InterviewerError(
                f"{path} already exists; continue it with `interviewer resume {shlex.quote(str(path))}` or pick --out"
            )
        writable_dir(path.parent, "pick another --out")
        return path
    directory = writable_dir(load_settings().transcripts_dir(), "set INTERVIEWER_DATA_DIR or use --out")
    return default_path(directory, case_id, now())


def _pick_case_interactively() -> str:
    from interviewer.rubric import available_case_ids, case_files, load_case_file

    ids = available_case_ids()
    if sys.stdin is None or not sys.stdin.isatty():  # None: stdin closed (`<&-`)
        raise InterviewerError(f"choose a case with --case; valid case ids: {', '.join(ids)}")
    for number, path in enumerate(case_files(), start=1):
        case = load_case_file(path)
        print(printable(f"  {number}. {case.title}: {case.summary}"))
    while True:
        choice = input(f"Case [1-{len(ids)}]: ").strip()
        if choice.isdigit() and 1 <= int(choice) <= len(ids):
            return ids[int(choice) - 1]
        if choice in ids:
            return choice
        print(f"Type a number from 1 to {len(ids)}.")


def _need_input() -> None:
    """Line mode reads the replies from stdin: a process started with it closed (`<&-`) is told so before anything
    is created."""
    if sys.stdin is None:
        raise InterviewerError("standard input is closed; line mode reads your replies from it (pipe or type them)")


def _need_terminal(without: str = "add --plain for line mode on stdin/stdout") -> None:
    """The app needs a terminal; `without` says what to do instead."""
    if not (sys.stdin is not None and sys.stdin.isatty() and sys.stdout is not None and sys.stdout.isatty()):
        raise InterviewerError(f"the interview app needs a terminal; {without}")
    from interviewer.keyboard import keys_as_typed

    keys_as_typed(sys.stdin.fileno())  # what is typed before the app has drawn reaches it as typed


def _settings(args: argparse.Namespace, default_model: str | None = None):
    """Settings from the environment, `.env` and the flags; `default_model` is used when neither names one."""
    from interviewer.settings import STUB, load_settings

    settings = load_settings(getattr(args, "model", None), getattr(args, "base_url", None))
    if default_model and not getattr(args, "model", None) and settings.model == STUB:
        settings = settings.model_copy(update={"model": default_model})
    return settings


def _new_interview(case_ref: str, level: str, out: str | None, args: argparse.Namespace):
    from interviewer.backends import make_policy
    from interviewer.catalog import is_case_path
    from interviewer.framework import Level
    from interviewer.interview import Interview
    from interviewer.rubric import load_case

    case = load_case(case_ref)
    # A case given by path is stored as an absolute path, so the transcript finds it again from anywhere (and
    # `case_for` can insist on absolute paths when it reads one back).
    source = str(Path(case_ref).resolve()) if is_case_path(case_ref) else None
    settings = _settings(args)
    policy = make_policy(settings)
    for attempt in range(20):
        path = _transcript_path(out, case.id)
        try:
            return Interview.create(
                case, Level(level), policy, path, case_source=source, model_strikes=settings.model_strikes
            )
        except SaveError:
            # Another run took the same default name between our check and the store's: pick the next free one.
            if out or not path.exists() or attempt == 19:
                raise
    raise AssertionError("unreachable")


def cmd_chat(args: argparse.Namespace) -> int:
    if not args.plain:
        return _run_app_for_new(args)
    from interviewer.plain import LineMode

    _need_input()
    case_ref = args.case or _pick_case_interactively()
    interview = _new_interview(case_ref, args.level, args.out, args)
    code = LineMode(interview).run()
    _record(interview)
    return code


cmd_start = cmd_chat


def cmd_default(args: argparse.Namespace) -> int:
    """`interviewer` with no command: the app, with the case picker, on the configured interviewer (the stub)."""
    return cmd_chat(argparse.Namespace(case=None, level="senior", out=None, plain=False, model=None, base_url=None))


def _run_app_for_new(args: argparse.Namespace) -> int:
    """The app paints first: the case is only found and peeked at here, and loaded once the window is up."""
    _need_terminal()  # first: from here on, keys typed reach the app as typed (Textual's import takes a while)
    import os
    from dataclasses import replace

    from interviewer.catalog import case_files, case_path, peek_case
    from interviewer.framework import Level
    from interviewer.tui.app import InterviewerApp

    started: list = []
    model = args.model or os.environ.get("INTERVIEWER_MODEL") or "stub"  # for the sidebar; settings decide later
    start, start_drill = _starters(args, started)

    interview_screen = interview_screen_for(start, model)
    if args.case:
        path = case_path(args.case)
        summary = peek_case(path)  # an unknown id fails here, before the screen opens
        screen = interview_screen(replace(summary, id=args.case), Level(args.level))
        app = InterviewerApp(screen, start, start_drill=start_drill, interview_screen=interview_screen)
    else:
        from interviewer.tui.picker import CasePickerScreen

        cases = [peek_case(p) for p in case_files()]
        picker = CasePickerScreen(cases, Level(args.level))
        app = InterviewerApp(picker, start, start_drill=start_drill, interview_screen=interview_screen)
    return _run_practice_app(app, started)


def interview_screen_for(start, model: str):
    """How a new interview's screen is made, from the command line or the picker alike: drawn at once with the
    model's name and the case's opening, the interview loaded after the first paint."""

    def interview_screen(case, level):
        from interviewer.catalog import case_path
        from interviewer.tui.interview_screen import InterviewScreen

        return InterviewScreen(
            load=lambda: start(case.id, level),
            title=case.title,
            level=level.value,
            model=model,
            opening=_early_opening(case_path(case.id), case.title, model),
        )

    return interview_screen


def _early_opening(path: Path, title: str, model: str):
    """The opening the app draws before the case is loaded: the problem statement, and the first question too when
    the offline interviewer will say it (a model phrases its own; one may be named in a `.env` not yet read)."""
    from dataclasses import replace

    from interviewer.catalog import peek_opening

    opening = peek_opening(path, title)
    if opening is not None and (model != "stub" or Path(".env").exists()):
        opening = replace(opening, question=None)
    return opening


def _starters(args: argparse.Namespace, started: list):
    """How the app starts another interview or a drill (from the picker, the scorecard or the history): each is
    added to `started`, to be closed and indexed when the app ends. Only the first goes to `--out`."""
    from interviewer.framework import Level

    def start(case_ref: str, level: Level):
        interview = _new_interview(case_ref, level.value, None if started else getattr(args, "out", None), args)
        started.append(interview)
        return interview

    def start_drill(target, level: Level):
        from interviewer.rubric import load_case

        drill = _create_drill(load_case(target.case_id), target, level.value, None, None, args)
        started.append(drill)
        return drill

    return start, start_drill


def _run_practice_app(app, started: list) -> int:
    try:
        code = _run_app(app)
    finally:
        for interview in started:
            interview.close()  # compact the transcript and release its lock
            with contextlib.suppress(InterviewerError):
                _record(interview)
    if started and code == 0:
        _say_saved(started[-1].path)
    return code


def _run_app(app) -> int:
    """Run the app; an error it stopped on is raised (one line, exit 2), a crash is one line and exit 1."""
    from interviewer.keyboard import give_back

    try:
        app.run()
    finally:
        give_back()  # the terminal as it was before the command, for what it prints next
    report = app.crash_report()
    if report is not None:
        path = app.interview_path()
        if path is not None:
            from contextlib import suppress

            from interviewer.transcript import sync

            with suppress(OSError):
                sync(path)  # every committed turn is written; make sure it is on disk too before we stop
        print(f"interviewer: error: {report}", file=sys.stderr)
        return 1
    if app.error is not None:
        raise app.error
    return 0


def _say_saved(path: Path | None) -> None:
    """Where the transcript is, and the command to carry on with it (or to replay it)."""
    from interviewer.transcript import where_saved

    if path is not None and path.exists():
        said = where_saved(path)
        print(printable(said[0].upper() + said[1:]))


def cmd_resume(args: argparse.Namespace) -> int:
    from interviewer.backends import make_policy
    from interviewer.interview import Interview
    from interviewer.transcript import load

    if args.plain:
        _need_input()
    else:
        _need_terminal()
    path = Path(args.path)
    saved = load(path)
    started_with = saved.model  # the interviewer it began with, unless a flag or the settings say otherwise
    settings = _settings(args, started_with)
    kind = Interview
    if saved.drill is not None:
        from interviewer.practice.drill import Drill

        kind = Drill
    interview = kind.resume(path, make_policy(settings), model_strikes=settings.model_strikes)
    _warn_unknown_steps(interview.transcript)  # before the app takes the screen
    return _run_recorded(interview, args, plain=args.plain, level=None)


def _run_recorded(interview, args: argparse.Namespace, plain: bool, **later) -> int:
    """Run an interview or drill already made (line mode or the app, from which more can be started: `later` are the
    flags they get), then index it in the history."""
    if plain:
        from interviewer.plain import LineMode

        code = LineMode(interview).run()
        _record(interview)
        return code
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.interview_screen import InterviewScreen

    started: list = []
    start, start_drill = _starters(argparse.Namespace(**{**vars(args), "out": None, **later}), started)
    with interview:  # released (and compacted) when the app closes
        code = _run_practice_app(InterviewerApp(InterviewScreen(interview), start, start_drill=start_drill), started)
    _record(interview)
    if code == 0 and not started:
        _say_saved(interview.path)
    return code


def _graded_transcript(path: Path):
    """The transcript, its case, its grade recomputed from the turns (see `checked_grade`), and the warning to give
    when the saved grade said something else (None when it agreed)."""
    from interviewer.interview import case_for, checked_grade
    from interviewer.transcript import load

    transcript = load(path)
    case = case_for(transcript)
    grade, notice = checked_grade(transcript, case, path=path)
    return transcript, case, grade, notice


def _warn_unknown_steps(transcript) -> None:
    """Replies filed under a step that does not exist are left out of the grade: every command that reads a
    transcript says so, once, as `grade` does."""
    from interviewer.answers import unknown_step_warnings

    for warning in unknown_step_warnings(transcript.candidate_answers()):
        _warn(warning)


def _warn(message: str) -> None:
    from interviewer.terminal import printable

    print(f"interviewer: warning: {printable(message)}", file=sys.stderr)


def cmd_replay(args: argparse.Namespace) -> int:
    path = Path(args.path)
    transcript, case, grade, notice = _graded_transcript(path)
    _need_terminal(f"without one, `interviewer export {shlex.quote(str(path))}` writes the graded transcript as text")
    from interviewer.tui.app import InterviewerApp
    from interviewer.tui.replay_screen import ReplayScreen

    _warn_unknown_steps(transcript)
    if notice:
        _warn(notice)
    started: list = []
    start, start_drill = _starters(argparse.Namespace(model=None, base_url=None, out=None), started)
    app = InterviewerApp(ReplayScreen(transcript, case, grade, path), start, notice=notice, start_drill=start_drill)
    return _run_practice_app(app, started)


def cmd_export(args: argparse.Namespace) -> int:
    import json

    source = Path(args.path)
    target = Path(args.out) if args.out else None
    if target is not None:  # a refused target fails at once, before any grading
        from interviewer.exportfile import check_target

        check_target(target, source, getattr(args, "force", False))
    transcript, case, grade, notice = _graded_transcript(source)
    _warn_unknown_steps(transcript)
    if notice:
        _warn(notice)
    if args.format == "md":
        from interviewer.scorecard import build_scorecard
        from interviewer.scorecard_markdown import scorecard_markdown

        text = scorecard_markdown(build_scorecard(grade, case.title, transcript))
    else:
        text = json_printable(json.dumps(grade.public_json(), indent=2, ensure_ascii=False)) + "\n"
    if target is not None:
        from interviewer.exportfile import export_to

        export_to(target, text, source, getattr(args, "force", False))
        print(printable(f"Scorecard written to {target}"), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    import json

    from interviewer.framework import Level
    from interviewer.report import render_grade

    path = Path(args.path)
    level = Level(args.level) if args.level else None
    transcript = None  # an answers file has none
    if _looks_like_transcript(path):
        from interviewer.interview import case_for, checked_grade, grade_transcript
        from interviewer.transcript import load

        transcript = load(path)
        case = case_for(transcript)
        answers = transcript.candidate_answers()
        if args.model:  # a judge is asked afresh: it starts from the deterministic grade
            grade = grade_transcript(transcript, case, level)
        else:
            grade, _ = checked_grade(transcript, case, level, path)  # its warning is among the grade's warnings
    else:
        from interviewer.answers import load_answers
        from interviewer.grading.deterministic import grade_answers
        from interviewer.rubric import load_case

        loaded = load_answers(path)
        case = load_case(loaded.case)
        answers = loaded.by_step()
        missing = loaded.missing_steps()
        warnings = [f"{path}: no answer for {', '.join(missing)}; graded as empty"] if missing else []
        grade = grade_answers(case, level or loaded.level, answers, warnings=warnings)
    settings = _settings(args)
    if settings.uses_model and grade.judge is None:
        import asyncio

        from interviewer.grading.models import StepJudgement
        from interviewer.llm.client import ModelClient
        from interviewer.llm.judge import ModelJudge

        client = ModelClient(settings)
        print(printable(f"interviewer: grading with {settings.model} at {client.base_url}..."), file=sys.stderr)

        def progress(judgement: StepJudgement, done: int, total: int) -> None:
            outcome = f"failed ({judgement.error})" if judgement.failed else "done"
            print(printable(f"interviewer: judge {done} of {total}: {judgement.step} {outcome}"), file=sys.stderr)

        grade = asyncio.run(ModelJudge(client).judge(case, grade, answers, on_step=progress))
    for warning in grade.warnings:
        print(printable(f"interviewer: warning: {warning}"), file=sys.stderr)
    if args.json:
        print(json_printable(json.dumps(grade.public_json(), indent=2, ensure_ascii=False, allow_nan=False)))
    else:
        print(render_grade(grade, case.title, transcript=transcript))
    return 0


def _looks_like_transcript(path: Path) -> bool:
    """A transcript by its content, whatever its name (`--out run.md` is allowed): a journal starts with its magic,
    a plain transcript is a JSON object with turns. An answers file is YAML with `case` and `answers`."""
    import json

    from interviewer.transcript import JOURNAL_MAGIC
    from interviewer.yamlfile import MAX_TRANSCRIPT_BYTES, read_bytes

    raw = read_bytes(path, MAX_TRANSCRIPT_BYTES).lstrip()
    if raw.startswith(JOURNAL_MAGIC):
        return True
    if not raw.startswith(b"{"):
        return False
    head = raw[:4096]
    if b'"turns"' in head or b'"schema_version"' in head:
        return True  # even when the rest is broken: the transcript loader then says what is wrong, and where
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return False  # the answers loader says what is wrong with it
    return isinstance(data, dict) and ("turns" in data or "case_id" in data)


def graders_in_use() -> str:
    """Which graders a grade made here reads, for `calibrate` (its figures depend on it)."""
    from interviewer.grading import paraphrase

    if paraphrase.available():
        return "the rubric's signals and the paraphrase backstop"
    if paraphrase.enabled():
        return "the rubric's signals (the paraphrase backstop's model does not load here: reinstall the extra)"
    if paraphrase.installed():
        return "the rubric's signals (the paraphrase backstop is switched off: INTERVIEWER_PARAPHRASE)"
    return "the rubric's signals (for the paraphrase backstop: pip install 'interviewer[paraphrase]')"


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Per relation and step, the share of labelled sets where the grade is ordered as it should be; exit 1 below a
    bar. Stance probes in DIR/probes.yaml are checked one by one."""
    from interviewer.calibrate import (
        HONEST as HONEST_LABELS,
    )
    from interviewer.calibrate import PROBES_FILE, calibrate, load_probes, load_sets, render, render_probes, run_probes
    from interviewer.catalog import PACKAGE_DIR

    directory = Path(args.dir) if args.dir else PACKAGE_DIR.parent / "tests" / "calibration"
    if not directory.is_dir():
        raise InterviewerError(f"{directory}: no such folder of labelled answers (give one: interviewer calibrate DIR)")
    sets = load_sets(directory)
    if not sets:
        raise InterviewerError(f"{directory}: no answers file with a label ({', '.join(HONEST_LABELS)}) found")
    report = calibrate(sets)
    print(printable(render(report, verbose=args.verbose)))
    print(f"\ngraded by: {graders_in_use()}")
    ok = report.passed()
    probes_path = directory / PROBES_FILE
    if probes_path.is_file():
        results = run_probes(load_probes(probes_path))
        print()
        print(printable(render_probes(results, verbose=args.verbose)))
        ok = ok and all(held for _, held in results)
    return 0 if ok else 1


def _transcripts_dir() -> Path:
    from interviewer.settings import load_settings

    return load_settings().transcripts_dir()


def _record(interview) -> None:
    """Index a finished interview or drill in the history (once: the app may have done it at its scorecard)."""
    if not interview.done:
        return
    from interviewer.practice.records import record_finished

    problem = record_finished(interview.path, interview.transcript, interview.grade(), _transcripts_dir())
    if problem:
        _warn(problem)


def _open_history():
    """The history index, brought up to date with the transcripts (files it cannot read are named, once)."""
    from interviewer.practice.index import HistoryIndex

    return HistoryIndex.open(_transcripts_dir(), on_warning=_warn)


def _indexing_progress(done: int, total: int) -> None:
    if done == 1 and total >= 10:
        print(f"interviewer: indexing {total} transcripts...", file=sys.stderr, flush=True)


def cmd_history(args: argparse.Namespace) -> int:
    from interviewer.catalog import is_case_path
    from interviewer.practice.progress import read_history
    from interviewer.practice.render import history_json, history_markdown, render_text

    case_id = _case_id_for_history(args.case) if args.case else None
    with _open_history() as index:
        if args.rebuild:
            done = index.rebuild(on_skip=_warn, progress=_indexing_progress)
            print(
                f"interviewer: history rebuilt: {done.indexed} attempts indexed, {len(done.skipped)} files skipped",
                file=sys.stderr,
            )
        else:
            index.refresh(on_skip=_warn, progress=_indexing_progress)
        history = read_history(index, case_id)
    if case_id is not None and not is_case_path(args.case) and not history.interviews + history.drills:
        from interviewer.catalog import available_case_ids
        from interviewer.errors import UnknownCaseError

        known = available_case_ids()
        if case_id not in known:  # a case with no attempts, and not a case at all: a typo, not an empty history
            raise UnknownCaseError(
                f"unknown case {case_id!r}, and no attempt at it in the history; valid case ids: "
                f"{', '.join(known) or '(none found)'}"
            )
    if args.json:
        print(history_json(history))
    elif args.format == "md":
        sys.stdout.write(history_markdown(history))
    else:
        print(render_text(history))
    return 0


def _case_id_for_history(ref: str) -> str:
    """A case id as given, or the id of the case file given by path; a malformed id is refused in one line."""
    from interviewer.catalog import check_case_id, is_case_path

    if is_case_path(ref):
        from interviewer.rubric import load_case

        return load_case(ref).id
    return check_case_id(ref)


def cmd_drill(args: argparse.Namespace) -> int:
    if args.plain:
        _need_input()
    else:
        _need_terminal()
    return _run_recorded(_new_drill(args), args, plain=args.plain)


def _new_drill(args: argparse.Namespace):
    """The drill the flags and the history choose: the step with practice cards due, or else the weakest step
    (within --case and --step when given). Says which and why, never which items it will ask about."""
    from interviewer.catalog import is_case_path
    from interviewer.framework import STEP_IDS
    from interviewer.practice.progress import DrillTarget, practise_next
    from interviewer.rubric import load_case

    case = load_case(args.case) if args.case else None
    with _open_history() as index:
        index.refresh(on_skip=_warn, progress=_indexing_progress)
        target = practise_next(index, case.id if case else None, args.step)
    if target is None:
        if case is None:
            raise InterviewerError(
                "no finished interview yet to choose a drill from; name one: interviewer drill --case ID [--step STEP]"
            )
        step = args.step or STEP_IDS[0]
        target = DrillTarget(case.id, step, (), f"no history for this case yet: {step}")
    if case is None:
        case = load_case(target.case_id)
    source = str(Path(args.case).resolve()) if args.case and is_case_path(args.case) else None
    print(printable(f"Drill: {case.title} · {target.step} ({target.reason})"), file=sys.stderr)
    return _create_drill(case, target, args.level, args.out, source, args)


def _create_drill(case, target, level: str, out: str | None, source: str | None, args: argparse.Namespace):
    from interviewer.backends import make_policy
    from interviewer.framework import Level
    from interviewer.practice.drill import Drill

    settings = _settings(args)
    policy = make_policy(settings)
    for attempt in range(20):
        path = _transcript_path(out, f"{case.id}-drill-{target.step}")
        try:
            return Drill.create_drill(
                case,
                Level(level),
                policy,
                path,
                target.step,
                target.items,
                case_source=source,
                model_strikes=settings.model_strikes,
            )
        except SaveError:
            if out or not path.exists() or attempt == 19:
                raise
    raise AssertionError("unreachable")
