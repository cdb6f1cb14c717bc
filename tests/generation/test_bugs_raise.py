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
def broken(response):
    calls.append(1)
    raise TypeError("boom from the response parser")
client.first_choice = broken
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
    import httpx
    import openai

    from nskit.generation.client import classify
    from nskit.generation.errors import MalformedResponse

    request = httpx.Request("POST", "http://127.0.0.1/v1/completions")
    assert classify(openai.APIConnectionError(request=request)) == ("connection", True)
    assert classify(openai.APITimeoutError(request=request)) == ("timeout", True)
    status = openai.APIStatusError("bad", response=httpx.Response(400, request=request), body=None)
    assert classify(status) == ("http_400", False)
    assert classify(MalformedResponse("no choices")) == ("bad_response", True)
    for bug in (TypeError("x"), KeyError("x"), IndexError("x"), ValueError("x"), AttributeError("x")):
        assert classify(bug) is None
