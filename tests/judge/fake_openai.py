"""A tiny in-process OpenAI-compatible chat server on 127.0.0.1 for the judge's error-path tests.

`script(problem_text, attempt) -> (status, headers, text)` decides each answer; every request is logged with its
time, so tests can measure the waits between attempts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Script = Callable[[str, int], tuple[int, dict[str, str], str]]


@dataclass
class FakeServer:
    """What the server saw."""

    base_url: str
    requests: dict[str, list[float]] = field(default_factory=dict)
    authorization: set[str] = field(default_factory=set)

    def attempts(self, marker: str) -> list[float]:
        """Arrival times of the requests whose prompt contains `marker`."""
        return [t for key, times in self.requests.items() if marker in key for t in times]


@contextmanager
def fake_openai(script: Script) -> Iterator[FakeServer]:
    """Serve POST /v1/chat/completions on a free 127.0.0.1 port while the block runs."""
    lock = threading.Lock()
    state = FakeServer(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest output clean
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            data = json.dumps({"object": "list", "data": [{"id": "fake-model", "object": "model"}]}).encode()
            self.send_response(200 if self.path.endswith("/models") else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = body["messages"][-1]["content"]
            with lock:
                times = state.requests.setdefault(prompt, [])
                times.append(time.monotonic())
                attempt = len(times)
                state.authorization.add(self.headers.get("Authorization", ""))
            status, headers, text = script(prompt, attempt)
            payload = (
                {
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
                }
                if status == 200
                else {"error": {"message": text, "type": "fake", "code": status}}
            )
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
