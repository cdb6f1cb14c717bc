"""A fault-injecting HTTP proxy for the tests: sits between `ns` and a real OpenAI-compatible server.

Each request whose method is in `fault_methods` (POST by default: the completions, not `/v1/models` or `/health`)
draws one fault from `FaultRates` with a seeded RNG, or takes the next one queued with `force()`:

- `error_500`: answer 500 with a JSON error body, upstream never sees the request;
- `rate_limit`: answer 429 with `Retry-After: <retry_after>`;
- `drop`: close the connection without any response (the client sees "server disconnected");
- `stall`: wait `stall_seconds`, then forward (a client with a shorter timeout gives up and retries);
- `truncate`: forward, then send the headers and half the body and close (an incomplete message);
- `garble`: forward, then send a complete, well-formed HTTP 200 whose JSON body is cut in half.

`hold_after(n)` lets the next `n` such requests through and then holds every later one without an answer (a
server that stopped answering, requests in flight): tests that kill or take down the server at a moment when
work is certainly left use it, whatever the machine's speed. `release()` ends the hold (held requests are
dropped).

`go_down()` makes the proxy behave like a killed server: the listening socket is closed (new connections are
refused) and every open connection is aborted; `come_back()` listens on the same port again. Counters and a
per-request event log (by body hash, with arrival times) let tests check what the client saw and did.

Runs in a background thread with its own event loop (`with FaultProxy(...) as proxy:`), or as a process:
`python -m tests.faults.proxy --upstream http://127.0.0.1:8123 --port 9000 --error_500 0.1`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field, fields
from typing import Self

from aiohttp import ClientConnectionError, ClientSession, ClientTimeout, web

FAULTS = ("error_500", "rate_limit", "drop", "stall", "truncate", "garble")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass
class FaultRates:
    """Probability of each fault per request (they must sum to at most 1) and their parameters."""

    error_500: float = 0.0
    rate_limit: float = 0.0
    drop: float = 0.0
    stall: float = 0.0
    truncate: float = 0.0
    garble: float = 0.0
    stall_seconds: float = 5.0
    retry_after: float = 1.0

    def __post_init__(self) -> None:
        total = sum(getattr(self, name) for name in FAULTS)
        if any(getattr(self, name) < 0 for name in FAULTS) or total > 1.0 + 1e-9:
            raise ValueError(f"fault rates must be >= 0 and sum to <= 1, got {total}")

    def draw(self, rng: random.Random) -> str | None:
        """One fault name, or None to forward the request untouched."""
        roll, edge = rng.random(), 0.0
        for name in FAULTS:
            edge += getattr(self, name)
            if roll < edge:
                return name
        return None


@dataclass
class Event:
    """One request the proxy saw: when, which body (sha256 prefix), what it did with it."""

    at: float
    body: str
    outcome: str


@dataclass
class ProxyState:
    """Counters and the event log, shared with the test thread (only ever appended to / incremented)."""

    counts: Counter = field(default_factory=Counter)
    events: list[Event] = field(default_factory=list)

    def attempts(self) -> dict[str, list[Event]]:
        """Events grouped by request body, in arrival order (one group = one record's attempts)."""
        grouped: dict[str, list[Event]] = {}
        for event in list(self.events):
            grouped.setdefault(event.body, []).append(event)
        return grouped


class FaultProxy:
    """Forward HTTP requests to `upstream` (scheme://host:port, a trailing /v1 is ignored), injecting faults."""

    def __init__(
        self,
        upstream: str,
        rates: FaultRates | None = None,
        *,
        seed: int = 0,
        port: int = 0,
        fault_methods: tuple[str, ...] = ("POST",),
    ) -> None:
        self.upstream = upstream.rstrip("/").removesuffix("/v1")  # the proxy maps paths 1:1
        self.rates = rates or FaultRates()
        self.port = port
        self.fault_methods = fault_methods
        self.state = ProxyState()
        self._rng = random.Random(seed)
        self._forced: deque[str | None] = deque()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._transports: set[asyncio.BaseTransport] = set()
        self._hold_after: int | None = None
        self._let_through = 0
        self._released = asyncio.Event()

    # -- control (from any thread) ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The OpenAI base URL to give clients (`http://127.0.0.1:PORT/v1`)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def force(self, *faults: str | None) -> None:
        """Apply these faults (None = forward untouched) to the next requests, before any random draw."""
        unknown = [f for f in faults if f is not None and f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault(s) {unknown}; known: {FAULTS}")
        self._call(self._extend_forced, list(faults))

    def hold_after(self, count: int) -> None:
        """Let `count` more fault-method requests through, then hold all later ones unanswered until `release()`."""
        self._call(self._set_hold, count)

    def release(self) -> None:
        """End the hold: held requests are dropped (connection closed), later ones are served again."""
        self._call(self._set_hold, None)

    def start(self) -> None:
        """Start the event loop thread and listen."""
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self._call(self._listen)

    def stop(self) -> None:
        """Stop listening, close everything, end the thread."""
        if self._thread is None:
            return
        self._call(self._shutdown)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._thread = None

    def go_down(self) -> None:
        """Behave like a killed server: refuse new connections and abort open ones."""
        self._call(self._go_down)

    def come_back(self) -> None:
        """Listen on the same port again."""
        self._call(self._listen)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _call(self, coroutine_function, *args) -> object:  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine_function(*args), self._loop).result(timeout=30)

    # -- inside the loop ---------------------------------------------------------------------------------
    async def _extend_forced(self, faults: list[str | None]) -> None:
        self._forced.extend(faults)

    async def _set_hold(self, count: int | None) -> None:
        self._released.set()  # wakes (and drops) whatever a previous hold kept
        self._released = asyncio.Event()
        self._hold_after, self._let_through = count, 0

    async def _listen(self) -> None:
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=None), auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        if self.port == 0:
            self.port = self._runner.addresses[0][1]

    async def _go_down(self) -> None:
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _shutdown(self) -> None:
        await self._go_down()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next_fault(self, method: str) -> str | None:
        if method not in self.fault_methods:
            return None
        if self._forced:
            return self._forced.popleft()
        return self.rates.draw(self._rng)

    def _note(self, body: bytes, outcome: str) -> None:
        self.state.counts[outcome] += 1
        self.state.events.append(Event(time.monotonic(), hashlib.sha256(body).hexdigest()[:16], outcome))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            self._transports.add(transport)
        try:
            return await self._serve(request)
        finally:
            if transport is not None:
                self._transports.discard(transport)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if request.method in self.fault_methods and self._hold_after is not None:
            if self._let_through >= self._hold_after:
                self._note(body, "held")
                await self._released.wait()
                return await self._abort(request)
            self._let_through += 1
        fault = self._next_fault(request.method)
        self._note(body, fault or "forwarded")
        if fault == "error_500":
            return web.json_response({"error": {"message": "injected 500", "type": "fault", "code": 500}}, status=500)
        if fault == "rate_limit":
            return web.json_response(
                {"error": {"message": "injected 429", "type": "fault", "code": 429}},
                status=429, headers={"Retry-After": f"{self.rates.retry_after:g}"},
            )
        if fault == "drop":
            return await self._abort(request)
        if fault == "stall":
            await asyncio.sleep(self.rates.stall_seconds)
        try:
            status, headers, payload = await self._forward(request, body)
        except ClientConnectionError:
            self.state.counts["upstream_unreachable"] += 1
            return await self._abort(request)  # as if the server itself were gone
        if fault == "truncate":
            return await self._send_truncated(request, status, headers, payload)
        if fault == "garble":
            payload = payload[: len(payload) // 2]
        return web.Response(status=status, headers=headers, body=payload)

    async def _forward(self, request: web.Request, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if self._session is None:
            raise RuntimeError("proxy session not started")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with self._session.request(
            request.method, self.upstream + request.rel_url.raw_path_qs, headers=headers, data=body
        ) as upstream:
            payload = await upstream.read()
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
            return upstream.status, kept, payload

    async def _abort(self, request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # nothing more to send: the connection is gone

    async def _send_truncated(
        self, request: web.Request, status: int, headers: dict[str, str], payload: bytes
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=status, headers=headers)
        response.content_length = len(payload)
        await response.prepare(request)
        await response.write(payload[: len(payload) // 2])
        return await self._abort(request)


def main() -> None:
    """Run the proxy as a process until killed (the "server" of tests that kill a server process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="scheme://host:port of the real server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default="", help="a label on the command line, for tests that look the process up")
    parser.add_argument("--hold_after", type=int, default=None, help="answer this many requests, then hold the rest")
    for spec in fields(FaultRates):
        parser.add_argument(f"--{spec.name}", type=float, default=spec.default)
    args = parser.parse_args()
    rates = FaultRates(**{spec.name: getattr(args, spec.name) for spec in fields(FaultRates)})
    proxy = FaultProxy(args.upstream, rates, seed=args.seed, port=args.port)
    proxy.start()
    if args.hold_after is not None:
        proxy.hold_after(args.hold_after)
    print(f"fault proxy on {proxy.base_url} -> {args.upstream}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
