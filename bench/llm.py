"""Model back end figures, against a local fake OpenAI-compatible server that answers after a delay L.

Run with `.venv/bin/python bench/llm.py [--delay 0.5] [--runs 3]`. Prints figures; asserts nothing. `--runs` is the
number of scripted interviews (each about 40 x L); the judge, which is cheap, is timed 1 + 3 x runs times, the first
(which pays the process's first imports) shown apart.
Targets (issue 4): the judge grades all seven steps in under 1.5 x L (the steps go out at once); the app's own work
per interview turn, the model's time excluded, is under 10 ms; the interviewer prompt at turn 40 is under 2x its size
at turn 5 (the prompt stays bounded as the interview grows).

The fake server (standard library only, on 127.0.0.1, an ephemeral port, in a process of its own as a real server
is, so its work never holds this process's interpreter lock; `--in-process` runs it in a thread here instead) serves
`POST /v1/chat/completions`: a plain request sleeps L and answers a judge reply that claims nothing; a stream sleeps
L (time to first token) and says the draft quoted in the prompt in a few deltas, then a finish reason, a usage chunk
and `[DONE]`. It records, for every request, when it started and ended (server side) and the characters of the
prompt messages.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import multiprocessing
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest.mock import patch

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import scripted_replies  # noqa: E402

from interviewer.answers import load_answers  # noqa: E402
from interviewer.framework import Level  # noqa: E402
from interviewer.grading.deterministic import grade_answers  # noqa: E402
from interviewer.interview import Interview  # noqa: E402
from interviewer.llm.client import ModelClient  # noqa: E402
from interviewer.llm.interviewer import ModelVoice, model_policy  # noqa: E402
from interviewer.llm.judge import judge_grade  # noqa: E402
from interviewer.rubric import Case, load_case  # noqa: E402
from interviewer.settings import Settings  # noqa: E402
from interviewer.store import Store  # noqa: E402

STRONG = ROOT / "tests" / "fixtures" / "answers" / "ad-click-prediction-strong.yaml"
REPLIES = 40
_MOVE = re.compile(r'Your move: [^\n]*"(?P<draft>[^"\n]+)"')  # the draft is the last quote on the move's line


# -- the fake server -------------------------------------------------------------------------------------------------


@dataclass
class Request:
    started: float
    stream: bool
    prompt_chars: int
    draft: str = ""  # the offline interviewer's words the model is asked to phrase (from the prompt's move)
    ended: float = 0.0  # set just before the last bytes go out, so the client cannot see the answer before it

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Listener(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: when the judge opens its seven connections at once, the kernel drops
    # the SYNs beyond it (TcpExtListenOverflows) and the client resends one a second later, a 1 s stall. Real servers
    # listen with hundreds (uvicorn 2048).
    request_queue_size = 128
    daemon_threads = True


class FakeServer:
    """An OpenAI-compatible endpoint that answers after `delay` seconds, in a background thread."""

    def __init__(self, delay: float, item_ids: list[str], nodelay: bool = True, in_process: bool = False):
        self.delay = delay
        self.nodelay = nodelay
        self.in_process = in_process
        self.judge_answer = json.dumps(
            {"items": [{"id": i, "covered": False, "quote": "", "comment": ""} for i in item_ids], "comment": "ok"}
        )
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = Listener(("127.0.0.1", 0), self._handler())
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-llm", daemon=True)
        # In a process of its own, each finished request comes back through a pipe; written before the last bytes
        # of the answer go out, so it is there by the time the client has the answer.
        forked = multiprocessing.get_context("fork")
        self._records = forked.SimpleQueue()
        self._process = forked.Process(target=self._httpd.serve_forever, name="fake-llm", daemon=True)

    @property
    def requests(self) -> list[Request]:
        """Every request served so far, in the order they finished."""
        while not self.in_process and not self._records.empty():
            self._requests.append(self._records.get())
        return self._requests

    def __enter__(self) -> FakeServer:
        (self._thread if self.in_process else self._process).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.in_process:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        else:
            self._process.terminate()
            self._process.join(timeout=5)
        self._httpd.server_close()

    def record(self, request: Request) -> None:
        if not self.in_process:
            self._records.put(request)
            return
        with self._lock:
            self._requests.append(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers; streams use chunked encoding
            timeout = 10  # an idle kept-alive connection is dropped after this, so no handler thread lingers

            def setup(self) -> None:
                super().setup()
                # As real servers do (uvicorn, llama.cpp). Without it, Nagle's algorithm holds the body back until
                # the client's delayed ACK of the headers: about 40 ms a streamed call on Linux, counted as app time.
                if server.nodelay:
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                started = time.perf_counter()
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                messages = body.get("messages") or []
                chars = sum(len(m.get("content") or "") for m in messages)
                move = _MOVE.search((messages[-1].get("content") or "") if messages else "")
                request = Request(started, bool(body.get("stream")), chars, move.group("draft") if move else "")
                time.sleep(server.delay)
                if request.stream:
                    self._stream(request)
                else:
                    payload = completion(server.judge_answer, chars)
                    request.ended = time.perf_counter()
                    server.record(request)  # before answering: it is recorded by the time the client has its answer
                    self._send_json(200, payload)

            def _send_json(self, status: int, data: dict) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()

            def _stream(self, request: Request) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                # A well-behaved model: it says the draft in a few pieces (canned words would fail the guard).
                words = f"Thanks. {request.draft}" if request.draft else "Thank you for your time today."
                deltas = [words[i : i + len(words) // 6 + 1] for i in range(0, len(words), len(words) // 6 + 1)]
                for delta in deltas:
                    self._event(chunk({"index": 0, "delta": {"content": delta}, "finish_reason": None}))
                self._event(chunk({"index": 0, "delta": {}, "finish_reason": "stop"}))
                self._event(chunk(None, usage(request.prompt_chars // 4, len(words) // 4)))
                request.ended = time.perf_counter()
                server.record(request)  # before the end of the stream, which the client waits for
                self._event("[DONE]")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            def _event(self, data: dict | str) -> None:
                text = data if isinstance(data, str) else json.dumps(data)
                event = f"data: {text}\n\n".encode()
                self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                self.wfile.flush()

        return Handler


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion(content: str, prompt_chars: int) -> dict:
    return {
        "id": "cmpl-bench",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": usage(prompt_chars // 4, len(content) // 4),
    }


def chunk(choice: dict | None, used: dict | None = None) -> dict:
    body: dict = {"id": "chunk-bench", "object": "chat.completion.chunk", "created": 0, "model": "fake-model"}
    body["choices"] = [] if choice is None else [choice]
    if used:
        body["usage"] = used
    return body


# -- output ----------------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def show(label: str, seconds: list[float], target_ms: float | None = None) -> None:
    median = statistics.median(seconds)
    target = ""
    if target_ms is not None:
        verdict = "ok" if median * 1000 < target_ms else "OVER TARGET"
        target = f"  target < {target_ms:g} ms  {verdict}"
    print(f"{label:<58} median {ms(median)}  max {ms(max(seconds))}{target}")


# -- the measurements ------------------------------------------------------------------------------------------------


def open_http(settings: Settings) -> httpx.AsyncClient:
    """The transport `ModelClient` makes for itself, held here so that it can be closed (no connection left open)."""
    return httpx.AsyncClient(timeout=httpx.Timeout(settings.timeout, connect=10.0))


def settings_for(port: int) -> Settings:
    return Settings(
        model="fake-model",
        base_url=f"http://127.0.0.1:{port}/v1",
        api_key="x",
        max_retries=0,
        timeout=30,
        judge_concurrency=7,  # the fake server answers any number at once (a local one would get one at a time)
    )


async def bench_judge(server: FakeServer, settings: Settings, case: Case, runs: int) -> None:
    answers = load_answers(STRONG)
    by_step = answers.by_step()
    grade = grade_answers(case, answers.level, by_step)
    delay = server.delay
    times, cpu, calls, prompt_chars = [], [], [], []
    for _ in range(runs):
        async with open_http(settings) as http:
            client = ModelClient(settings, http_client=http)  # a fresh client each run: connections included
            mark = len(server.requests)
            start, start_cpu = time.perf_counter(), time.thread_time()
            judged = await judge_grade(client, case, grade, by_step, concurrency=settings.judge_concurrency)
            times.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
        made = server.requests[mark:]
        calls.append(len(made))
        prompt_chars += [request.prompt_chars for request in made]
        if judged.judge is None or judged.judge.status != "ok":
            print(f"  (judge status: {judged.judge.status if judged.judge else 'none'})")
    warm = times[1:] or times
    median = statistics.median(warm)
    ratio = median / delay
    verdict = "ok" if ratio < 1.5 else "OVER TARGET"
    label = f"judge_grade, {STRONG.name} ({max(calls)} calls at once)"
    print(f"{label:<58} median {ms(median)}  max {ms(max(warm))}  target < {1.5 * delay * 1000:g} ms  {verdict}")
    print(f"  {'ratio to L (target < 1.5x)':<56} {ratio:.2f}x  (median of runs 2 to {len(times)})")
    app_cpu = statistics.median(cpu[1:] or cpu)
    print(f"  {'beyond L: median':<56} {ms(median - delay)}  app CPU (main thread) {ms(app_cpu).strip()}")
    print(f"  {'first run in this process (cold imports)':<56} {ms(times[0])}  {times[0] / delay:.2f}x L")
    print(f"  {'judge prompt size per step (characters)':<56} min {min(prompt_chars)}  max {max(prompt_chars)}")


class Stopwatch:
    """Wall time spent in one function, summed; `wrap` gives the timed function to patch in while measuring."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


SAVING, PROMPTING = Stopwatch(), Stopwatch()


@dataclass
class TurnFigure:
    number: int
    phase: str
    wall: float
    cpu: float
    saving: float
    prompting: float
    server: float
    calls: int
    prompt_chars: list[int]


async def scripted_interview(server: FakeServer, settings: Settings, case: Case, folder: Path) -> list[TurnFigure]:
    async with open_http(settings) as http:
        client = ModelClient(settings, http_client=http)
        interview = Interview.create(case, Level.SENIOR, model_policy(client), folder / "interview.json")
        return await run_replies(server, interview)


async def run_replies(server: FakeServer, interview: Interview) -> list[TurnFigure]:
    await interview.speak(interview.plan_start())  # the opening question goes through the model too; not timed
    figures = []
    for number, text in enumerate([*scripted_replies(REPLIES), None], start=1):
        if interview.done:
            print(f"  (the interview closed after {number - 1} replies)")
            break
        mark = len(server.requests)
        saved, prompted = SAVING.seconds, PROMPTING.seconds
        start, start_cpu = time.perf_counter(), time.thread_time()
        plan = interview.plan_reply(text) if text is not None else interview.plan_end()
        await interview.speak(plan)
        wall, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        made = server.requests[mark:]
        figures.append(
            TurnFigure(
                number,
                interview.session.phase,
                wall,
                cpu,
                SAVING.seconds - saved,
                PROMPTING.seconds - prompted,
                sum(request.seconds for request in made),
                len(made),
                [request.prompt_chars for request in made],
            )
        )
    if interview.transcript.model_failures:
        print(f"  ({interview.transcript.model_failures} turns fell back to the offline interviewer)")
    if not interview.done:
        print("  (the interview did not finish)")
    return figures


async def bench_interview(server: FakeServer, settings: Settings, case: Case, runs: int) -> None:
    runs_figures = []
    # Timers around two parts of a turn (the code runs as it is; only timed): saving the transcript, which the
    # interview does after each change (the reply, then the interviewer's turn), and building the interviewer prompt.
    timers = (
        patch.object(Store, "append", SAVING.wrap(Store.append)),
        patch.object(ModelVoice, "prompt", PROMPTING.wrap(ModelVoice.prompt)),
    )
    with tempfile.TemporaryDirectory() as tmp, timers[0], timers[1]:
        for run in range(runs):
            folder = Path(tmp) / f"run{run}"
            folder.mkdir()
            runs_figures.append(await scripted_interview(server, settings, case, folder))
    replies = [figure for figures in runs_figures for figure in figures if figure.number <= REPLIES]
    closing = [figure for figures in runs_figures for figure in figures if figure.number > REPLIES]
    calls = sum(figure.calls for figure in replies)
    delay = server.delay
    print(
        f"scripted LLM interview: {len(runs_figures[0])} turns ({REPLIES} replies + /end), {runs} run(s), {calls} calls"
    )
    show("  wall per reply turn (model included)", [f.wall for f in replies])
    show("  app overhead per turn: wall - server time", [f.wall - f.server for f in replies], 10)
    show("  app overhead per turn: wall - L x calls (cross-check)", [f.wall - delay * f.calls for f in replies])
    show("  app CPU per turn (main thread; the server is another)", [f.cpu for f in replies], 10)
    show(
        "    of the overhead: saving the transcript (flushed to disk by a background thread)",
        [f.saving for f in replies],
    )
    show("    of the overhead: building the interviewer prompt", [f.prompting for f in replies])
    show("  server time per call, less L (its own serving)", [f.server / f.calls - delay for f in replies if f.calls])
    if closing:
        show("  closing turn (/end, grading, save): wall - server time", [f.wall - f.server for f in closing])
    first = {figure.number: figure for figure in runs_figures[0]}
    if REPLIES not in first:
        print("  (no turn 40 to compare prompt sizes)")
        return
    turn5, turn40 = first[5], first[REPLIES]
    size5, size40 = sum(turn5.prompt_chars), sum(turn40.prompt_chars)
    if not size5:
        print("  (turn 5 made no model call: no prompt sizes to compare)")
        return
    ratio = size40 / size5
    verdict = "ok" if ratio < 2 else "OVER TARGET"
    print(f"  {'interviewer prompt, turn 5 (' + turn5.phase + ')':<56} {size5:6d} characters ({turn5.calls} call)")
    print(f"  {'interviewer prompt, turn 40 (' + turn40.phase + ')':<56} {size40:6d} characters ({turn40.calls} call)")
    print(f"  {'ratio turn 40 / turn 5 (target < 2x)':<56} {ratio:.2f}x  {verdict}")
    sizes = [sum(f.prompt_chars) for f in runs_figures[0] if f.number <= REPLIES]
    print(f"  {'interviewer prompt over the 40 turns':<56} min {min(sizes)}  max {max(sizes)} characters")


async def main_async(delay: float, runs: int, nodelay: bool, in_process: bool) -> None:
    case = load_case("ad-click-prediction")
    item_ids = [item.id for _, rubric in case.steps.items() for item in rubric.items]
    with FakeServer(delay, item_ids, nodelay, in_process) as server:
        settings = settings_for(server.port)
        nagle = "" if nodelay else ", Nagle's algorithm left on"
        where = "a thread of this process" if in_process else "a process of its own"
        print(f"fake server on 127.0.0.1:{server.port} in {where}, L = {delay:g} s{nagle}")
        await bench_judge(server, settings, case, 1 + 3 * runs)
        await bench_interview(server, settings, case, runs)
        print(f"requests served: {len(server.requests)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.5, help="seconds the fake server waits before answering")
    parser.add_argument("--runs", type=int, default=3, help="scripted interviews (the judge: 1 + 3 x runs)")
    parser.add_argument("--nagle", action="store_true", help="leave TCP_NODELAY off in the fake server (~40 ms stalls)")
    parser.add_argument(
        "--in-process", action="store_true", help="run the fake server in a thread here (its work then counts as ours)"
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cores")
    start = time.perf_counter()
    asyncio.run(main_async(args.delay, max(1, args.runs), not args.nagle, args.in_process))
    # The transcript flusher is a daemon that waits for work; anything else still running would be a leak.
    alive = [t.name for t in threading.enumerate() if t is not threading.main_thread() and t.name != "transcript-sync"]
    print(f"total {time.perf_counter() - start:.1f} s; threads left: {', '.join(alive) or 'none'}")


if __name__ == "__main__":
    main()
