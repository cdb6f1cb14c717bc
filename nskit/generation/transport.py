"""HTTP to OpenAI-compatible servers without the SDK: one aiohttp session, orjson, plain dicts.

One `HttpTransport` per run holds one connection pool sized to the run's concurrency (keep-alive, no per-host
cap below it). Every failure is raised as `TransportError` with the `kind` the retry policy and the summary line
count it under (`connection`, `timeout`, `rate_limit`, `http_500`, `bad_response`, ...), whether it is worth
retrying, and the server's `Retry-After` when it gave one. Anything else (a bug) propagates untouched.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from nskit.generation.errors import MalformedResponse, status_kind


class TransportError(Exception):
    """One failed HTTP exchange: `kind` (for counting), `retryable`, and the server's Retry-After (seconds)."""

    def __init__(self, kind: str, message: str, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
        self.retry_after = retry_after


def status_error(status: int, body: bytes, retry_after: str | None) -> TransportError:
    """The error for a non-200 answer, classified by status (429 rate_limit, 5xx/408/409 retryable)."""
    kind, retryable = status_kind(status)
    message = f"HTTP {status}: {body[:400].decode('utf-8', errors='replace')}"
    return TransportError(kind, message, retryable, parse_retry_after(retry_after))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header; None when absent or an HTTP date (rare for model servers)."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def install_uvloop() -> bool:
    """Make new event loops uvloop's when it is installed (about 2x the requests/s of asyncio's own loop)."""
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


class HttpTransport:
    """POSTs and GETs JSON against `base_url` (`http://host:port/v1`); the session opens on first use."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 1800.0,
                 max_connections: int = 1024) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_connections = max_connections
        self._headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key or 'EMPTY'}"}
        self._session: Any = None

    def _open(self) -> Any:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=0, ttl_dns_cache=None,
                                         enable_cleanup_closed=False)
        self._session = aiohttp.ClientSession(
            connector=connector, headers=self._headers, json_serialize=lambda o: orjson.dumps(o).decode(),
            timeout=aiohttp.ClientTimeout(total=self.timeout), auto_decompress=True, skip_auto_headers=("User-Agent",),
        )
        return self._session

    async def post(self, path: str, body: dict[str, Any], *, at_root: bool = False) -> dict[str, Any]:
        """POST `body` as JSON to `base_url + path` (the server's root + path with `at_root`, e.g. vLLM's
        /tokenize); the decoded JSON object answered with 200."""
        url = (self.base_url.removesuffix("/v1") if at_root else self.base_url) + path
        return await self._exchange("POST", url, orjson.dumps(body))

    async def get(self, path: str) -> dict[str, Any]:
        """GET `base_url + path`; the decoded JSON object."""
        return await self._exchange("GET", self.base_url + path, None)

    async def _exchange(self, method: str, url: str, data: bytes | None) -> dict[str, Any]:
        import aiohttp

        session = self._session or self._open()
        try:
            async with session.request(method, url, data=data) as response:
                payload = await response.read()
                if response.status != 200:
                    raise status_error(response.status, payload, response.headers.get("Retry-After"))
        except asyncio.TimeoutError as exc:
            raise TransportError("timeout", f"no answer within {self.timeout:g} s", True) from exc
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
            # refused, reset, dropped before or during the answer, a body cut short (ClientPayloadError)
            raise TransportError("connection", f"{type(exc).__name__}: {exc}", True) from exc
        try:
            answer = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise MalformedResponse(f"the server's answer is not valid JSON ({exc}): {payload[:200]!r}") from exc
        if not isinstance(answer, dict):
            raise MalformedResponse(f"the server's answer is not a JSON object: {payload[:200]!r}")
        return answer

    async def close(self) -> None:
        """Close the pool's connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
