"""The model client against a mocked OpenAI-compatible endpoint (respx): no network is ever used."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from llm_fakes import (
    BASE,
    SECRET,
    URL,
    PacedStream,
    Sleeps,
    broken_stream,
    completion,
    error,
    paced,
    settings,
    stream,
)

from interviewer.llm.client import MalformedReply, ModelClient, ModelError, StreamCut, extract_json

MESSAGES = [{"role": "user", "content": "hello"}]
SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}


def client(sleeps: Sleeps | None = None, **overrides) -> ModelClient:
    return ModelClient(settings(**overrides), sleep=sleeps or Sleeps())


async def collect(model: ModelClient, **kwargs) -> str:
    return "".join([delta async for delta in model.stream_chat(MESSAGES, **kwargs)])


@respx.mock
async def test_streaming_yields_the_deltas_and_records_usage_and_cost() -> None:
    route = respx.post(URL).mock(return_value=stream("Hel", "lo ", "there.", usage=(1000, 500)))
    model = client()
    seen = []
    assert await collect(model, on_usage=seen.append) == "Hello there."
    request = json.loads(route.calls.last.request.content)
    assert request["stream"] is True and request["model"] == "test-model"
    assert request["stream_options"] == {"include_usage": True}
    assert route.calls.last.request.headers["authorization"] == f"Bearer {SECRET}"
    (used,) = seen
    assert (used.input_tokens, used.output_tokens, used.calls) == (1000, 500, 1)
    assert used.cost_usd == pytest.approx((1000 * 1.0 + 500 * 2.0) / 1e6)
    assert model.usage == used


@respx.mock
async def test_a_server_that_sends_no_usage_gets_an_estimate() -> None:
    respx.post(URL).mock(return_value=stream("x" * 40, usage=None))
    model = client()
    await collect(model)
    assert model.usage.output_tokens == 10 and model.usage.calls == 1
    assert model.usage.estimated and "estimated" in model.usage.describe()


@respx.mock
async def test_reported_usage_is_not_marked_estimated() -> None:
    respx.post(URL).mock(return_value=stream("fine."))
    model = client()
    await collect(model)
    assert not model.usage.estimated


@respx.mock
@pytest.mark.parametrize("cut", [dict(finish=None, done=False), dict(finish=None, done=True)])
async def test_a_stream_that_stops_without_a_finish_reason_is_broken_not_complete(cut: dict) -> None:
    respx.post(URL).mock(return_value=stream("The", usage=None, **cut))
    with pytest.raises(StreamCut, match="without finishing"):
        await collect(client())


@respx.mock
async def test_a_finish_reason_without_done_is_complete() -> None:
    respx.post(URL).mock(return_value=stream("All ", "there.", done=False))
    assert await collect(client()) == "All there."


@respx.mock
@pytest.mark.parametrize(
    "body",
    [
        httpx.Response(200, headers={"content-type": "text/html"}, content=b"<html>Bad gateway</html>"),
        httpx.Response(200, headers={"content-type": "application/json"}, content=b"{not json"),
        httpx.Response(200, headers={"content-type": "text/event-stream"}, content=b"data: {broken\n\n"),
    ],
    ids=["html", "bad-json", "bad-event"],
)
async def test_a_malformed_200_is_a_model_error_in_both_kinds_of_call(body: httpx.Response) -> None:
    respx.post(URL).mock(return_value=body)
    with pytest.raises(ModelError):
        await collect(client())
    route = respx.post(URL).mock(return_value=body)
    before = route.call_count
    with pytest.raises(MalformedReply):
        await client(max_retries=1).complete_json(MESSAGES, SCHEMA, "x")
    assert route.call_count - before == 2  # retried, like a 5xx


@respx.mock
async def test_a_slow_first_token_is_retried_like_a_timeout() -> None:
    route = respx.post(URL).mock(side_effect=[paced(PacedStream("late", stall=True)), stream("On ", "time.")])
    assert await collect(client()) == "On time."
    assert route.call_count == 2


@respx.mock
async def test_a_server_slow_on_every_call_gives_up_within_the_turn_budget() -> None:
    import time

    respx.post(URL).mock(side_effect=lambda request: paced(PacedStream("slow", before=5.0)))
    start = time.monotonic()
    with pytest.raises(ModelError, match=r"did not finish the turn within 0\.3s"):
        await collect(client(turn_budget=0.3, timeout=2))
    assert time.monotonic() - start < 1.5


@respx.mock
async def test_a_stream_slow_after_its_first_words_is_cut_at_the_turn_budget() -> None:
    respx.post(URL).mock(return_value=paced(PacedStream("one ", "two ", "three ", "four ", "five", before=0.12)))
    with pytest.raises(StreamCut, match=r"within 0\.5s"):
        await collect(client(turn_budget=0.5))


@respx.mock
async def test_an_abandoned_stream_is_closed() -> None:
    body = PacedStream("one ", "two ", "three")
    respx.post(URL).mock(return_value=paced(body))
    chunks = client().stream_chat(MESSAGES)
    assert await anext(chunks) == "one "
    await chunks.aclose()  # the front end stopped listening (a cancel)
    assert body.closed


@respx.mock
async def test_429_with_retry_after_is_honoured_then_succeeds() -> None:
    respx.post(URL).mock(side_effect=[error(429, headers={"Retry-After": "7"}), completion('{"a": 1}')])
    sleeps = Sleeps()
    data, _ = await client(sleeps).complete_json(MESSAGES, SCHEMA, "x")
    assert data == {"a": 1}
    assert sleeps.waits == [7.0]


@respx.mock
async def test_retry_after_ms_is_honoured_too() -> None:
    respx.post(URL).mock(side_effect=[error(429, headers={"retry-after-ms": "250"}), stream("ok")])
    sleeps = Sleeps()
    assert await collect(client(sleeps)) == "ok"
    assert sleeps.waits == [0.25]


@respx.mock
async def test_500_then_success_backs_off_with_jitter() -> None:
    route = respx.post(URL).mock(side_effect=[error(500), error(503), stream("fine")])
    sleeps = Sleeps()
    assert await collect(client(sleeps)) == "fine"
    assert route.call_count == 3
    assert len(sleeps.waits) == 2 and all(0 < wait <= 8 for wait in sleeps.waits)


@respx.mock
async def test_retries_are_bounded_and_explained() -> None:
    route = respx.post(URL).mock(return_value=error(502))
    with pytest.raises(ModelError, match=r"http://llm.test/v1 failed with 502 after 3 tries"):
        await collect(client(max_retries=2))
    assert route.call_count == 3


@respx.mock
async def test_retries_stop_when_the_time_budget_is_spent() -> None:
    respx.post(URL).mock(return_value=error(429, headers={"Retry-After": "100"}))
    sleeps = Sleeps()
    with pytest.raises(ModelError, match="rate limiting"):
        await collect(client(sleeps, max_retries=5, retry_budget=3))
    assert all(wait <= 3 for wait in sleeps.waits)


@respx.mock
async def test_timeouts_are_retried_then_reported() -> None:
    route = respx.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ModelError, match=r"did not answer within 5s after 2 tries"):
        await collect(client(max_retries=1))
    assert route.call_count == 2


@respx.mock
async def test_connection_errors_are_reported_with_the_endpoint() -> None:
    respx.post(URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ModelError, match=r"cannot connect to http://llm.test/v1"):
        await collect(client(max_retries=0))


@respx.mock
@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "API key rejected by http://llm.test/v1 (401)"),
        (403, "access denied by http://llm.test/v1 (403)"),
        (404, "model 'test-model' or its route not found at http://llm.test/v1 (404)"),
        (400, "request rejected by http://llm.test/v1 (400)"),
    ],
)
async def test_client_errors_are_not_retried_and_say_what_happened(status: int, message: str) -> None:
    route = respx.post(URL).mock(return_value=error(status, "bad thing"))
    with pytest.raises(ModelError) as excinfo:
        await client().complete_json(MESSAGES, SCHEMA, "x") if status != 400 else await collect(client())
    assert message in str(excinfo.value)
    assert SECRET not in str(excinfo.value)
    assert route.call_count <= 2  # 400 on a stream is asked once more without stream_options, never retried


@respx.mock
async def test_stream_options_refused_is_remembered() -> None:
    route = respx.post(URL).mock(side_effect=[error(400, "unknown field stream_options"), stream("hi"), stream("yo")])
    model = client()
    assert await collect(model) == "hi"
    assert await collect(model) == "yo"
    assert "stream_options" not in json.loads(route.calls.last.request.content)
    assert model.stream_usage is False


@respx.mock
async def test_a_stream_cut_midway_is_reported_not_retried() -> None:
    route = respx.post(URL).mock(return_value=broken_stream("Half a sen"))
    model = client()
    pieces = []
    with pytest.raises(StreamCut):
        async for delta in model.stream_chat(MESSAGES):
            pieces.append(delta)
    assert pieces == ["Half a sen"]
    assert route.call_count == 1


@respx.mock
async def test_json_schema_refused_falls_back_to_json_object_and_remembers() -> None:
    route = respx.post(URL).mock(
        side_effect=[
            error(400, "response_format type json_schema is not supported"),
            completion('{"a": 2}'),
            completion('{"a": 3}'),
        ]
    )
    model = client()
    assert (await model.complete_json(MESSAGES, SCHEMA, "x"))[0] == {"a": 2}
    assert model.json_mode == "json_object_schema"
    formats = [json.loads(call.request.content).get("response_format") for call in route.calls]
    assert formats[0]["type"] == "json_schema"
    assert formats[1] == {"type": "json_object", "schema": SCHEMA}
    assert (await model.complete_json(MESSAGES, SCHEMA, "x"))[0] == {"a": 3}
    assert route.call_count == 3  # the second call went straight to what works


@respx.mock
async def test_fallback_goes_all_the_way_to_plain_text() -> None:
    respx.post(URL).mock(side_effect=[error(400), error(422), error(400), completion('Sure! ```json\n{"a": 4,}\n```')])
    model = client()
    data, _ = await model.complete_json(MESSAGES, SCHEMA, "x")
    assert data == {"a": 4}
    assert model.json_mode == "text"


@respx.mock
async def test_malformed_json_is_a_clear_error() -> None:
    respx.post(URL).mock(return_value=completion("I think the candidate did well."))
    with pytest.raises(MalformedReply, match="without the JSON"):
        await client().complete_json(MESSAGES, SCHEMA, "x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Here you go:\n```json\n{"a": [1, 2,]}\n```', {"a": [1, 2]}),
        ('noise {"a": {"b": 1}} trailing', {"a": {"b": 1}}),
    ],
)
def test_tolerant_json_extraction(text: str, expected: dict) -> None:
    assert extract_json(text) == expected


def test_no_json_at_all_raises() -> None:
    with pytest.raises(ValueError):
        extract_json("no braces here")


def test_the_key_never_appears_in_settings_output() -> None:
    shown = f"{settings()!r} {settings()} {settings().model_dump()}"
    assert SECRET not in shown
    assert BASE in shown


@respx.mock
async def test_a_500_that_rejects_json_schema_is_a_refusal_not_retried() -> None:
    """llama.cpp's server answers 500 with a validation error to `json_schema`; it must not be retried."""
    body = {"error": {"message": "Input should be 'text' or 'json_object'", "loc": ["body", "response_format"]}}
    route = respx.post(URL).mock(side_effect=[httpx.Response(500, json=body), completion('{"a": 5}')])
    sleeps = Sleeps()
    model = client(sleeps)
    assert (await model.complete_json(MESSAGES, SCHEMA, "x"))[0] == {"a": 5}
    assert route.call_count == 2 and sleeps.waits == []
    assert model.json_mode == "json_object_schema"


# -- secrets never shown -------------------------------------------------------------------------------------------

ECHOES = [
    SECRET,  # the whole key
    f"{SECRET[:5]}...{SECRET[-4:]}",  # a prefix and a suffix around dots
    f"{SECRET[:7]}{'*' * 24}{SECRET[-4:]}",  # OpenAI's form: a prefix, stars, a suffix
    f"{SECRET[3:15]}",  # a piece of it
    "sk-proj-abcdefghijkl0123",  # any other key-shaped token
]


@respx.mock
@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
@pytest.mark.parametrize("echo", ECHOES)
async def test_a_key_echoed_in_an_error_body_is_redacted(status: int, echo: str) -> None:
    body = f"Incorrect API key provided: {echo}. You can find your API key at https://platform.openai.com/api-keys."
    respx.post(URL).mock(return_value=error(status, body))
    with pytest.raises(ModelError) as excinfo:
        await client(max_retries=0).complete_json(MESSAGES, SCHEMA, "x")
    message = str(excinfo.value)
    assert echo not in message and SECRET[-4:] not in message
    assert "Incorrect API key provided: ***" in message  # the rest of the server's explanation stays


CREDENTIALED = "http://bob:hunter2-password@llm.test/v1"


@respx.mock
@pytest.mark.parametrize(
    "answer",
    [error(401), error(403, "user bob:hunter2-password is not allowed"), httpx.ConnectError("refused"), error(503)],
)
async def test_credentials_in_the_base_url_are_never_shown(answer) -> None:
    route = respx.post(URL).mock(side_effect=[answer])
    model = client(base_url=CREDENTIALED, max_retries=0)
    assert model.base_url == "http://***@llm.test/v1"
    with pytest.raises(ModelError) as excinfo:
        await model.complete_json(MESSAGES, SCHEMA, "x")
    assert "hunter2" not in str(excinfo.value) and "http://***@llm.test/v1" in str(excinfo.value)
    assert route.called  # the request itself still carries the credentials the user configured


@respx.mock
async def test_a_key_in_the_base_url_query_is_never_shown() -> None:
    respx.route(host="llm.test").mock(return_value=error(503, "no deployment for api-key=AZURE-KEY-0123456789"))
    model = client(base_url="http://llm.test/v1?api-key=AZURE-KEY-0123456789", max_retries=0)
    with pytest.raises(ModelError) as excinfo:
        await model.complete_json(MESSAGES, SCHEMA, "x")
    assert "AZURE-KEY-0123456789" not in str(excinfo.value) and "AZURE-KEY" not in model.base_url


@respx.mock
async def test_a_stream_cut_names_no_credentials() -> None:
    respx.post(URL).mock(return_value=broken_stream("Half"))
    model = client(base_url=CREDENTIALED)
    with pytest.raises(StreamCut) as excinfo:
        async for _ in model.stream_chat(MESSAGES):
            pass
    assert "hunter2" not in str(excinfo.value)


# -- a base URL httpx cannot use: one ModelError, never a traceback (settings check first; this is the second guard)


def unchecked(base_url: str) -> ModelClient:
    """A client for a URL that skipped the settings check (`model_copy` does not validate)."""
    return ModelClient(settings(max_retries=0).model_copy(update={"base_url": base_url}), sleep=Sleeps())


@pytest.mark.parametrize("base_url", ["http://[::1", "http://llm.test:x1/v1", "http://llm\x1b.test/v1"])
def test_a_url_httpx_refuses_at_construction_is_one_model_error(base_url: str) -> None:
    with pytest.raises(ModelError, match=r"not a usable endpoint URL") as excinfo:
        unchecked(base_url)
    assert "\n" not in str(excinfo.value)


@respx.mock
@pytest.mark.parametrize(
    "failure",
    [
        OverflowError("connect(): port must be 0-65535."),
        ExceptionGroup("unhandled errors in a TaskGroup", [OverflowError("connect(): port must be 0-65535.")]),
        httpx.InvalidURL("Invalid port: '99999'"),
    ],
)
async def test_a_url_that_fails_only_at_connect_is_one_model_error(failure: Exception) -> None:
    respx.route(host="llm.test").mock(side_effect=failure)
    model = unchecked("http://bob:hunter2-password@llm.test/v1")
    with pytest.raises(ModelError, match=r"^http://\*\*\*@llm.test/v1: not a usable endpoint URL \(") as excinfo:
        await model.complete_json(MESSAGES, SCHEMA, "x")
    assert "hunter2" not in str(excinfo.value)
    with pytest.raises(ModelError, match=r"not a usable endpoint URL"):
        await collect(model)


@respx.mock
async def test_other_exception_groups_are_not_taken_for_url_errors() -> None:
    respx.route(host="llm.test").mock(side_effect=ExceptionGroup("boom", [KeyError("x")]))
    with pytest.raises(ExceptionGroup):
        await unchecked(BASE).complete_json(MESSAGES, SCHEMA, "x")


@respx.mock
async def test_a_secret_cut_by_the_length_limit_of_an_error_detail_is_still_redacted() -> None:
    # The detail is kept to 160 characters; cut there first, `user:s3cr3t` would end as `user:s3cr`, unrecognised.
    body = "x" * 150 + " user:s3cr3t was not accepted"
    respx.route(host="llm.test").mock(return_value=error(401, body))
    with pytest.raises(ModelError) as excinfo:
        await unchecked("http://user:s3cr3t@llm.test/v1").complete_json(MESSAGES, SCHEMA, "x")
    assert "s3cr" not in str(excinfo.value) and "x *** was" in str(excinfo.value)


@respx.mock
async def test_a_structured_call_waits_longer_for_a_longer_prompt() -> None:
    route = respx.post(URL).mock(return_value=completion('{"a": 1}'))
    model = client(timeout=10)
    await model.complete_json(MESSAGES, SCHEMA, "x")
    await model.complete_json([{"role": "user", "content": "x" * 12_000}], SCHEMA, "x")
    short, long = (call.request.extensions["timeout"]["read"] for call in route.calls)
    assert short == 10 and long == 30


def _event(body: str) -> httpx.Response:
    text = f"data: {body}\n\ndata: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())


@respx.mock
@pytest.mark.parametrize(
    "body",
    [
        '{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"Hi"}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":5}}]}',
        '{"choices":{"a":1}}',
        '{"choices":[null]}',
        '{"choices":[{"index":0,"delta":"hello"}]}',
    ],
    ids=["content-list", "content-number", "choices-dict", "choice-null", "delta-string"],
)
async def test_a_stream_of_json_in_the_wrong_shape_is_a_model_error_not_a_crash(body: str) -> None:
    respx.post(URL).mock(return_value=_event(body))
    with pytest.raises(ModelError):
        await collect(client(max_retries=0))


@respx.mock
async def test_with_the_default_timeout_a_slow_first_token_is_still_retried_within_the_turn_budget() -> None:
    """The read timeout (60 s by default) is longer than the turn's budget: the first words get a third of it."""
    slow, quick = PacedStream("late", before=1.0), stream("On ", "time.")
    route = respx.post(URL).mock(side_effect=[paced(slow), quick])
    assert await collect(client(timeout=60, turn_budget=1.2)) == "On time."
    assert route.call_count == 2
