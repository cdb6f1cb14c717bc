"""A recording HTTP proxy in front of the real vLLM server, for tests that need to see or cut what a client sends.

It forwards every request unchanged and records its Authorization header; `kill()` makes it behave like a server
that died: requests in flight lose their connection without an answer, new ones are refused.
"""

from __future__ import annotations

import http.server
import threading
import urllib.request
from types import TracebackType


class RecordingProxy(http.server.ThreadingHTTPServer):
    """`http://127.0.0.1:<port>/v1` forwards to `upstream` (an OpenAI base URL ending in /v1)."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream.rstrip("/")
        self.authorizations: list[str] = []
        self.completions = 0
        self.dead = False
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The proxy's OpenAI API root."""
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def kill(self) -> None:
        """Die like a server process: stop listening, drop the answers of requests in flight."""
        self.dead = True
        self.shutdown()
        self.server_close()

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.dead:
            self.kill()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: RecordingProxy
    protocol_version = "HTTP/1.1"

    def _forward(self, body: bytes | None) -> None:
        if self.server.dead:  # a kept-alive connection of a dead server
            self._drop()
            return
        self.server.authorizations.append(self.headers.get("Authorization", ""))
        request = urllib.request.Request(self.server.upstream + self.path.removeprefix("/v1"), data=body,
                                         method=self.command, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            status, payload = response.status, response.read()
        if self.server.dead:
            self._drop()
            return
        if "completions" in self.path:
            self.server.completions += 1
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.close()

    def do_GET(self) -> None:  # noqa: N802 - http.server's spelling
        self._forward(None)

    def do_POST(self) -> None:  # noqa: N802
        self._forward(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def log_message(self, *args: object) -> None:
        pass
