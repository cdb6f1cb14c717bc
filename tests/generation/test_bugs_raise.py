"""A bug in nskit is not a server failure: it ends the run at once with its traceback, and no record says `error`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nskit.records import layout

# `ns generate` with the response parser broken the way a bug would break it (a TypeError on every response).
BROKEN_PARSER = """
import sys
import nskit.generation.client as client
calls = []
def broken(path, answer, with_logprobs=False):
    calls.append(1)
    raise TypeError("boom from the response parser")
client.read_completion = broken
from nskit.cli.app import app
sys.argv = ["ns", *sys.argv[1:]]
try:
    app()
finally:
    print(f"parser calls: {len(calls)}", file=sys.stderr)
"""


@pytest.mark.vllm
def test_a_type_error_in_the_parser_fails_the_run_at_once_with_a_traceback(vllm_server: str, tmp_path: Path) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "output.jsonl"
    source.write_text("".join(json.dumps({"problem": f"What is {i} + 1?"}) + "\n" for i in range(4)))
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", BROKEN_PARSER, "generate", "--input_file", str(source), "--output_file", str(output),
         "--server_address", vllm_server, "++max_concurrent_requests=1", "++inference.tokens_to_generate=4"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "TypeError: boom from the response parser" in result.stderr
    assert "parser calls: 1" in result.stderr  # not retried: the first response ended the run
    assert "looks down" not in result.stderr and time.monotonic() - started < 120
    assert not output.exists()
    partial = layout.partial_path(output)
    records = [json.loads(line) for line in partial.read_text().splitlines()] if partial.exists() else []
    assert not any("error" in record for record in records)


def test_only_transport_http_and_malformed_responses_are_retryable() -> None:
    import asyncio

    from nskit.generation.client import ModelClient, RequestFailed, RetryPolicy
    from nskit.generation.errors import MalformedResponse
    from nskit.generation.transport import TransportError, status_error

    assert (status_error(400, b"bad", None).kind, status_error(400, b"", None).retryable) == ("http_400", False)
    limited = status_error(429, b"", "3")
    assert (limited.kind, limited.retryable, limited.retry_after) == ("rate_limit", True, 3.0)
    assert (status_error(503, b"", None).kind, status_error(503, b"", None).retryable) == ("http_503", True)

    def attempts(exc: Exception) -> tuple[BaseException, int]:
        calls: list[int] = []

        async def call() -> None:
            calls.append(1)
            raise exc

        async def run() -> BaseException:
            client = ModelClient("http://127.0.0.1:9/v1", model="m", retry=RetryPolicy(max_retries=2, base_delay=0.0))
            try:
                await client._with_retries(call)
            except BaseException as raised:  # noqa: BLE001 - the test looks at what came out
                return raised
            finally:
                await client.close()
            raise AssertionError("no exception")

        return asyncio.run(run()), len(calls)

    failed, count = attempts(TransportError("connection", "reset", retryable=True))
    assert isinstance(failed, RequestFailed) and failed.kind == "connection" and count == 3
    failed, count = attempts(MalformedResponse("no choices"))
    assert isinstance(failed, RequestFailed) and failed.kind == "bad_response" and count == 3
    failed, count = attempts(TransportError("http_400", "bad", retryable=False))
    assert isinstance(failed, RequestFailed) and not failed.transient and count == 1
    for bug in (TypeError("x"), KeyError("x"), IndexError("x"), ValueError("x"), AttributeError("x")):
        raised, count = attempts(bug)
        assert raised is bug and count == 1
