"""The async client the generation loop uses: ``await SandboxClient(url).execute(code)``."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import aiohttp

from nskit.sandbox.result import ExecutionResult
from nskit.sandbox.verdict import CodeVerdict

HTTP_MARGIN_SECONDS = 300.0
"""Extra time the HTTP request may take beyond the snippet's own limit (queueing behind other snippets)."""


class SandboxError(RuntimeError):
    """The service refused the request or could not be reached; the message says which and why."""


class SandboxClient:
    """Talks to one sandbox service. Use as ``async with SandboxClient(url) as sb: ...`` or call ``aclose``.

    ``max_connections`` bounds requests in flight from this client; the service itself queues beyond its workers.
    """

    def __init__(self, base_url: str, *, max_connections: int = 256, queue_timeout: float = HTTP_MARGIN_SECONDS):
        self.base_url = base_url.rstrip("/")
        self._max_connections = max_connections
        self._queue_timeout = queue_timeout
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(limit=self._max_connections)
            self._http = aiohttp.ClientSession(connector=connector)
        return self._http

    async def _request(self, method: str, path: str, *, json: Any = None, timeout: float) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        try:
            async with self._session().request(
                method, url, json=json, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                body = await response.json(content_type=None)
                if response.status != 200:
                    message = body.get("error", body) if isinstance(body, dict) else body
                    raise SandboxError(f"sandbox {method} {path} -> HTTP {response.status}: {message}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SandboxError(f"sandbox {method} {url} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(body, dict):
            raise SandboxError(f"sandbox {method} {path}: expected a JSON object, got {body!r:.200}")
        return body

    async def execute(
        self, code: str, session_id: str | None = None, timeout: float | None = None
    ) -> ExecutionResult:
        """Run ``code``; with ``session_id`` it sees the variables of that session's earlier snippets.

        ``timeout`` is the snippet's wall-time (and CPU-time) limit in seconds; None means the service default.
        A snippet that fails (exception, limit) is a normal result with its status; SandboxError means the
        service itself could not run it.
        """
        payload = {"code": code, "session_id": session_id, "timeout": timeout}
        limit = timeout if timeout is not None else 120.0
        body = await self._request("POST", "/execute", json=payload, timeout=limit + self._queue_timeout)
        return ExecutionResult.from_json(body)

    async def run_tests(self, code: str, tests: str, timeout: float | None = None) -> CodeVerdict:
        """Run a candidate program followed by its tests in a fresh sandbox; the verdict says passed or why not.

        SandboxError means the service could not run it (then there is no verdict on the candidate).
        """
        payload = {"code": code, "tests": tests, "timeout": timeout}
        limit = timeout if timeout is not None else 120.0
        body = await self._request("POST", "/run_tests", json=payload, timeout=limit + self._queue_timeout)
        return CodeVerdict.from_json(body)

    async def close_session(self, session_id: str) -> bool:
        """Free a session's interpreter (call when a solution is finished); False if it did not exist."""
        body = await self._request("DELETE", f"/sessions/{quote(session_id, safe='')}", timeout=30.0)
        return bool(body["closed"])

    async def health(self) -> dict[str, Any]:
        """The service's health counters; SandboxError when it does not answer."""
        return await self._request("GET", "/health", timeout=10.0)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
